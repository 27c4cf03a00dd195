// The account-wide reads, cached per container and per account for a bounded time.
import {
  GetAccountPasswordPolicyCommand,
  IAMClient,
  ListAccountAliasesCommand,
  NoSuchEntityException,
  ServiceFailureException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_FACTS_TTL_MS, AccountFacts } from '../../lambda/src/account-facts.js';
import { AWS_DEFAULT_PASSWORD_RULES } from '../../lambda/src/password.js';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const $metadata = {};
let clock = 0;
let facts: AccountFacts;

beforeEach(() => {
  iamMock.reset();
  clock = 1_000_000;
  facts = new AccountFacts({ now: () => clock });
});

describe('AccountFacts.passwordRules', () => {
  it('reads the policy once, then answers from the cache until it is a few minutes old', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 14 } });

    const first = await facts.passwordRules('111122223333', iam);
    clock += ACCOUNT_FACTS_TTL_MS - 1;
    const cached = await facts.passwordRules('111122223333', iam);
    clock += 1;
    const reread = await facts.passwordRules('111122223333', iam);

    expect(ACCOUNT_FACTS_TTL_MS).toBe(300_000);
    expect([first.minLength, cached.minLength, reread.minLength]).toEqual([14, 14, 14]);
    expect(iamMock.commandCalls(GetAccountPasswordPolicyCommand)).toHaveLength(2);
  });

  it('reads again when asked to refresh (IAM refused a password under a changed policy)', async () => {
    iamMock
      .on(GetAccountPasswordPolicyCommand)
      .resolvesOnce({ PasswordPolicy: { MinimumPasswordLength: 14 } })
      .resolves({ PasswordPolicy: { MinimumPasswordLength: 30 } });

    await facts.passwordRules('111122223333', iam);
    const refreshed = await facts.passwordRules('111122223333', iam, { refresh: true });
    const cached = await facts.passwordRules('111122223333', iam);

    expect([refreshed.minLength, cached.minLength]).toEqual([30, 30]);
    expect(iamMock.commandCalls(GetAccountPasswordPolicyCommand)).toHaveLength(2);
  });

  it("keeps each account's policy apart", async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 14 } });

    await facts.passwordRules('111122223333', iam);
    await facts.passwordRules('444455556666', iam);
    await facts.passwordRules('444455556666', iam);

    expect(iamMock.commandCalls(GetAccountPasswordPolicyCommand)).toHaveLength(2);
  });

  it("caches AWS's default rules for an account without a policy, but not a failed read", async () => {
    iamMock
      .on(GetAccountPasswordPolicyCommand)
      .rejectsOnce(new ServiceFailureException({ message: 'internal failure', $metadata }))
      .rejects(new NoSuchEntityException({ message: 'The Password Policy cannot be found.', $metadata }));

    await expect(facts.passwordRules('111122223333', iam)).rejects.toThrow(ServiceFailureException);
    const rules = await facts.passwordRules('111122223333', iam);
    await facts.passwordRules('111122223333', iam);

    expect(rules).toEqual(AWS_DEFAULT_PASSWORD_RULES);
    expect(iamMock.commandCalls(GetAccountPasswordPolicyCommand)).toHaveLength(2);
  });
});

describe('AccountFacts.alias', () => {
  it('reads the alias once per account and lifetime, and remembers that there is none', async () => {
    iamMock
      .on(ListAccountAliasesCommand)
      .resolvesOnce({ AccountAliases: ['acme-prod'] })
      .resolves({ AccountAliases: [] });

    const prod = await facts.alias('111122223333', iam);
    const again = await facts.alias('111122223333', iam);
    const none = await facts.alias('444455556666', iam);
    const stillNone = await facts.alias('444455556666', iam);
    clock += ACCOUNT_FACTS_TTL_MS;
    const expired = await facts.alias('111122223333', iam);

    expect([prod, again, none, stillNone, expired]).toEqual([
      'acme-prod',
      'acme-prod',
      undefined,
      undefined,
      undefined,
    ]);
    expect(iamMock.commandCalls(ListAccountAliasesCommand)).toHaveLength(3);
  });
});
