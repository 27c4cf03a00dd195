import * as core from '@actions/core';
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  InvalidIdentityTokenException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  assumeRoleWithOidc,
  hubAccessForRun,
  jwtClaims,
  OidcTokenUnavailable,
  STS_AUDIENCE,
} from '../../../src/github/oidc-credentials.js';
import { fakeJwt } from '../../support/fake-github.js';

vi.mock('@actions/core');

const stsMock = mockClient(STSClient);
let sts: STSClient;

const ROLE = 'arn:aws:iam::111122223333:role/iam-gitops-apply';
const SETTINGS = { roleArn: ROLE, sessionName: 'iam-gitops', durationSeconds: 1800, region: 'eu-west-1' };
const RUNNER = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r',
};
const TOKEN = fakeJwt({ sub: 'repo:acme/iam-users:pull_request', aud: STS_AUDIENCE });
const ISSUED = {
  AccessKeyId: 'ASIAEXAMPLEKEYID0001',
  SecretAccessKey: 'secret/EXAMPLE+key0000000000000000000000001',
  SessionToken: 'session-token-EXAMPLE-000000000000000000000001',
  Expiration: new Date('2030-01-01T00:00:00Z'),
};

beforeEach(() => {
  stsMock.reset();
  vi.mocked(core.setSecret).mockReset();
  sts = new STSClient({ region: 'eu-west-1' });
});

afterEach(() => {
  sts.destroy();
});

const getIDToken = vi.fn(async (_audience: string) => TOKEN);

describe('jwtClaims', () => {
  it('reads the payload without verifying it', () => {
    expect(jwtClaims(TOKEN)).toMatchObject({ sub: 'repo:acme/iam-users:pull_request', aud: STS_AUDIENCE });
  });

  it('is undefined for what is not a JWT', () => {
    expect(jwtClaims('not-a-jwt')).toBeUndefined();
    expect(jwtClaims('a.!!!.c')).toBeUndefined();
  });
});

describe('assumeRoleWithOidc', () => {
  it('exchanges the token for the role, masks the three keys, and returns them', async () => {
    stsMock.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: ISSUED,
      AssumedRoleUser: {
        Arn: 'arn:aws:sts::111122223333:assumed-role/iam-gitops-apply/iam-gitops',
        AssumedRoleId: 'x',
      },
    });

    const assumed = await assumeRoleWithOidc(SETTINGS, { getIDToken, sts, env: RUNNER });

    expect(getIDToken).toHaveBeenCalledWith('sts.amazonaws.com');
    expect(stsMock.commandCalls(AssumeRoleWithWebIdentityCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'iam-gitops', WebIdentityToken: TOKEN, DurationSeconds: 1800 },
    ]);
    expect(vi.mocked(core.setSecret).mock.calls).toEqual([
      [ISSUED.AccessKeyId],
      [ISSUED.SecretAccessKey],
      [ISSUED.SessionToken],
    ]);
    expect(assumed).toEqual({
      credentials: {
        accessKeyId: ISSUED.AccessKeyId,
        secretAccessKey: ISSUED.SecretAccessKey,
        sessionToken: ISSUED.SessionToken,
        expiration: ISSUED.Expiration,
      },
      assumedRoleArn: 'arn:aws:sts::111122223333:assumed-role/iam-gitops-apply/iam-gitops',
    });
  });

  it('without a token says to add id-token: write, before calling anyone', async () => {
    const attempt = assumeRoleWithOidc(SETTINGS, { getIDToken, sts, env: {} });

    await expect(attempt).rejects.toBeInstanceOf(OidcTokenUnavailable);
    await expect(attempt).rejects.toThrow('give the job `permissions: id-token: write`');
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("names the token's sub and aud when the trust policy refuses, never the token", async () => {
    stsMock.on(AssumeRoleWithWebIdentityCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      }),
    );

    const error = await assumeRoleWithOidc(SETTINGS, { getIDToken, sts, env: RUNNER }).catch((e: Error) => e);

    expect((error as Error).message).toBe(
      `STS refused to let this workflow assume ${ROLE}: the role's trust policy does not accept the token's sub ` +
        '"repo:acme/iam-users:pull_request" (aud "sts.amazonaws.com"). Allow that sub in the trust policy ' +
        '(StringEquals on token.actions.githubusercontent.com:sub), or use the role meant for this event. ' +
        'AWS said: Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
    expect((error as Error).message).not.toContain(TOKEN);
    expect(core.setSecret).not.toHaveBeenCalled();
  });

  it('points at the OIDC provider when STS does not accept the token', async () => {
    stsMock
      .on(AssumeRoleWithWebIdentityCommand)
      .rejects(
        new InvalidIdentityTokenException({ $metadata: {}, message: 'No OpenIDConnect provider found' }),
      );

    await expect(assumeRoleWithOidc(SETTINGS, { getIDToken, sts, env: RUNNER })).rejects.toThrow(
      /does the role's account have the IAM OIDC provider token\.actions\.githubusercontent\.com with audience sts\.amazonaws\.com\? AWS said: No OpenIDConnect provider found$/,
    );
  });

  it('refuses an answer without credentials', async () => {
    stsMock.on(AssumeRoleWithWebIdentityCommand).resolves({});

    await expect(assumeRoleWithOidc(SETTINGS, { getIDToken, sts, env: RUNNER })).rejects.toThrow(
      `STS returned no credentials for ${ROLE}`,
    );
  });
});

describe('hubAccessForRun', () => {
  const AWS = { roleSessionName: 'iam-gitops', roleDurationSeconds: 7200 };

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('assumes role-to-assume with the OIDC token as the hub, in its partition, masking with setSecret', async () => {
    for (const [name, value] of Object.entries(RUNNER)) vi.stubEnv(name, value);
    vi.mocked(core.getIDToken).mockResolvedValue(TOKEN);
    stsMock.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: ISSUED });
    const hubRole = 'arn:aws-us-gov:iam::111122223333:role/iam-gitops-hub-plan';

    const hub = await hubAccessForRun({ ...AWS, roleToAssume: hubRole }, 'us-gov-west-1', 'plan');

    expect(stsMock.commandCalls(AssumeRoleWithWebIdentityCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: hubRole, RoleSessionName: 'iam-gitops', WebIdentityToken: TOKEN, DurationSeconds: 7200 },
    ]);
    expect(hub.partition).toBe('aws-us-gov');
    expect(hub.durationSeconds).toBe(7200);
    expect(await hub.sts.config.credentials()).toMatchObject({ accessKeyId: ISSUED.AccessKeyId });
    expect(await hub.sts.config.region()).toBe('us-gov-west-1');
    hub.mask('ASIAMEMBER');
    expect(vi.mocked(core.setSecret).mock.calls.at(-1)).toEqual(['ASIAMEMBER']);
    hub.sts.destroy();
  });

  it("without role-to-assume, is the environment's credentials, in the partition STS names", async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws-cn:sts::111122223333:assumed-role/hub/x' });

    const hub = await hubAccessForRun({ ...AWS, roleToAssume: undefined }, 'cn-north-1', 'drift');

    expect(hub.partition).toBe('aws-cn');
    expect(await hub.sts.config.credentials()).toMatchObject({ accessKeyId: 'AKIDENVIRONMENT' });
    expect(stsMock.commandCalls(AssumeRoleWithWebIdentityCommand)).toEqual([]);
    hub.sts.destroy();
  });

  it('without any credentials says what to set, before calling STS', async () => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
    ])
      vi.stubEnv(name, '');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');

    await expect(hubAccessForRun({ ...AWS, roleToAssume: undefined }, 'us-east-1', 'plan')).rejects.toThrow(
      'no AWS credentials: set role-to-assume (and give the job `permissions: id-token: write`), or configure credentials in an earlier step',
    );
    expect(stsMock.calls()).toEqual([]);
  });
});
