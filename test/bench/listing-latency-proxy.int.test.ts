import {
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ListingLatencyProxy,
  signingKeyOf,
  startListingLatencyProxy,
} from '../../bench/listing-latency-proxy.js';
import { freshAccount, motoEndpoint } from '../support/aws.js';

/** Long beside anything moto does for an account of one user, even on a busy machine. */
const LATENCY_MS = 2_000;

let proxy: ListingLatencyProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe('startListingLatencyProxy', () => {
  it('holds each listing page for the latency, and nothing else', async () => {
    const account = await freshAccount();
    await new IAMClient(account.clientConfig).send(new CreateUserCommand({ UserName: 'ann' }));
    proxy = await startListingLatencyProxy(motoEndpoint(), LATENCY_MS);
    const iam = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint });

    const listing = iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    const user = await iam.send(new GetUserCommand({ UserName: 'ann' }));
    const users = await iam.send(new ListUsersCommand({}));
    const listed = await listing;

    expect(user.User?.UserName).toBe('ann');
    expect(users.Users?.map((u) => u.UserName)).toEqual(['ann']);
    expect(listed.UserDetailList?.map((u) => u.UserName)).toEqual(['ann']);
    const [gaad, getUser, listUsers] = proxy.calls;
    expect(proxy.calls.map((call) => call.action)).toEqual([
      'GetAccountAuthorizationDetails',
      'GetUser',
      'ListUsers',
    ]);
    const held = (call: typeof gaad) => (call?.answeredAt ?? Number.NaN) - (call?.arrivedAt ?? Number.NaN);
    expect(held(gaad)).toBeGreaterThanOrEqual(LATENCY_MS);
    // The other calls were answered while the listing was still held.
    expect(getUser?.answeredAt).toBeLessThan(gaad?.answeredAt ?? 0);
    expect(listUsers?.answeredAt).toBeLessThan(gaad?.answeredAt ?? 0);
    expect(held(getUser)).toBeLessThan(LATENCY_MS);
  });

  it('holds parallel listings side by side, as AWS would answer them', async () => {
    const [first, second] = await Promise.all([freshAccount(), freshAccount()]);
    // moto builds a new account's IAM on its first call (about a second, one account at a time).
    for (const account of [first, second])
      await new IAMClient(account.clientConfig).send(new ListUsersCommand({}));
    proxy = await startListingLatencyProxy(motoEndpoint(), LATENCY_MS);
    const endpoint = proxy.endpoint;
    const list = (account: typeof first) =>
      new IAMClient({ ...account.clientConfig, endpoint }).send(
        new GetAccountAuthorizationDetailsCommand({}),
      );

    await Promise.all([list(first), list(second)]);

    const [a, b] = proxy.calls;
    const lastArrived = Math.max(a?.arrivedAt ?? 0, b?.arrivedAt ?? 0);
    const firstAnswered = Math.min(a?.answeredAt ?? 0, b?.answeredAt ?? 0);
    // Each was held the latency, and the two waits overlapped (the second arrived before the first
    // was answered): one after the other, the second would arrive only after the first's answer.
    // Measured as an overlap, not a total, because moto's own time for a listing varies with load.
    for (const call of [a, b])
      expect((call?.answeredAt ?? 0) - (call?.arrivedAt ?? 0)).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(lastArrived).toBeLessThan(firstAnswered);
    // Each call is recorded with the key that signed it: one per account here.
    expect(proxy.calls.map((call) => call.signingKey).sort()).toEqual(
      [first.credentials.accessKeyId, second.credentials.accessKeyId].sort(),
    );
  });
});

describe('signingKeyOf', () => {
  it('reads the access key from a SigV4 authorization header', () => {
    expect(
      signingKeyOf(
        'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261130/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc',
      ),
    ).toBe('ASIAEXAMPLE');
    expect(signingKeyOf(undefined)).toBeUndefined();
    expect(signingKeyOf('Bearer token')).toBeUndefined();
  });
});
