import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  IAMClient,
  NoSuchEntityException,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDrift } from '../../../src/commands/drift.js';
import { makePlan, type RosterToPlan, validateRoster } from '../../../src/commands/make-plan.js';
import type { CoreSettings } from '../../../src/commands/settings.js';
import type { RepoConfig } from '../../../src/config/repo-config-schema.js';
import { CHANGE_PASSWORD_POLICY_ARN, TAG_CONSOLE, TAG_EMAIL, TAG_MANAGED_BY } from '../../../src/contract.js';
import { desiredUser, REPOSITORY } from '../support/factories.js';
import { ROSTER_FIXTURES } from '../support/roster-fixture.js';

const iamMock = mockClient(IAMClient);
let iam: IAMClient;

beforeEach(() => {
  iamMock.reset();
  iam = new IAMClient({ region: 'us-east-1' });
});

afterEach(() => {
  iam.destroy();
});

const SETTINGS: CoreSettings = {
  usersDir: 'users',
  displayDir: 'users',
  emailDomain: undefined,
  iamPath: '/iam-gitops/',
  repository: REPOSITORY,
};
const ACCOUNT = '123456789012';
const BOUNDARY_NAME = 'iam-gitops-boundary';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/${BOUNDARY_NAME}`;
const GUARDED: RepoConfig = {
  guardrails: { groups: ['*'], policies: ['*'], permissionsBoundary: BOUNDARY_NAME },
};

const alice = desiredUser('alice@example.com');

/** alice as IAM holds her after an apply, with `boundary` set. */
function aliceInIam(boundary: string | undefined): UserDetail {
  return {
    UserName: 'alice@example.com',
    Arn: `arn:aws:iam::${ACCOUNT}:user/iam-gitops/alice@example.com`,
    Path: '/iam-gitops/',
    AttachedManagedPolicies: [{ PolicyArn: CHANGE_PASSWORD_POLICY_ARN }],
    Tags: [
      { Key: TAG_MANAGED_BY, Value: REPOSITORY },
      { Key: TAG_CONSOLE, Value: 'true' },
      { Key: TAG_EMAIL, Value: 'alice@example.com' },
    ],
    ...(boundary ? { PermissionsBoundary: { PermissionsBoundaryArn: boundary } } : {}),
  };
}

function roster(config: RepoConfig, users = [alice]): RosterToPlan {
  return { roster: { users }, warnings: [], config, configSource: undefined };
}

/** Each call as `Action` or `Action(Filter)`, in order. */
function calls(): string[] {
  return iamMock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: { Filter?: string[] } };
    const action = command.constructor.name.replace(/Command$/, '');
    return command.input.Filter ? `${action}(${command.input.Filter.join(',')})` : action;
  });
}

describe('makePlan', () => {
  it('plans a roster that matches IAM with exactly one IAM call, guardrail boundary included', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [aliceInIam(BOUNDARY)] });

    const { plan } = await makePlan(roster(GUARDED), SETTINGS, iam);

    expect(calls()).toEqual(['GetAccountAuthorizationDetails(User,Group)']);
    expect(plan.unchanged).toEqual(['alice@example.com']);
    expect(plan.users).toEqual([]);
    expect(plan.errors).toEqual([]);
  });

  it("sets the guardrail boundary, named in the snapshot's account, on a managed user without it (drift)", async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [aliceInIam(undefined)] });
    iamMock.on(GetPolicyCommand).resolves({ Policy: { Arn: BOUNDARY } });

    const { plan } = await makePlan(roster(GUARDED), SETTINGS, iam);

    expect(calls()).toEqual(['GetAccountAuthorizationDetails(User,Group)', 'GetPolicy']);
    expect(iamMock.commandCalls(GetPolicyCommand)[0]?.args[0].input).toEqual({ PolicyArn: BOUNDARY });
    expect(plan.users.flatMap((user) => user.changes)).toEqual([
      { kind: 'set-boundary', user: 'alice@example.com', policyArn: BOUNDARY },
    ]);
    // A boundary removed by hand is drift: the scheduled report shows it, the next apply restores it.
    expect(findDrift(plan).changed.map((user) => [user.user, user.changes.map((c) => c.kind)])).toEqual([
      ['alice@example.com', ['set-boundary']],
    ]);
  });

  it('takes the account from the ARN the caller passes when IAM holds no user or group yet', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [], GroupDetailList: [] });
    iamMock.on(GetPolicyCommand).resolves({});

    const { plan } = await makePlan(roster(GUARDED), SETTINGS, iam, {
      accountArn: `arn:aws:sts::${ACCOUNT}:assumed-role/iam-gitops-apply/run-1`,
    });

    expect(calls()).toEqual(['GetAccountAuthorizationDetails(User,Group)', 'GetPolicy']);
    expect(plan.users[0]?.changes[0]).toMatchObject({ kind: 'create-user', permissionsBoundary: BOUNDARY });
    expect(plan.errors).toEqual([]);
  });

  it('reads one role for the account when IAM holds no user or group and the caller passes no ARN', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand, { Filter: ['Role'] })
      .resolves({ RoleDetailList: [{ Arn: `arn:aws:iam::${ACCOUNT}:role/iam-gitops/iam-gitops-plan` }] });
    iamMock.on(GetAccountAuthorizationDetailsCommand, { Filter: ['User', 'Group'] }).resolves({});
    iamMock.on(GetPolicyCommand).resolves({});

    const { plan } = await makePlan(roster(GUARDED), SETTINGS, iam);

    expect(calls()).toEqual([
      'GetAccountAuthorizationDetails(User,Group)',
      'GetAccountAuthorizationDetails(Role)',
      'GetPolicy',
    ]);
    expect(plan.users[0]?.changes[0]).toMatchObject({ kind: 'create-user', permissionsBoundary: BOUNDARY });
  });

  it('needs no account for a boundary given as an ARN, and reports a missing one at the configuration', async () => {
    const arn = 'arn:aws:iam::210987654321:policy/shared-boundary';
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({});
    iamMock.on(GetPolicyCommand).rejects(new NoSuchEntityException({ message: 'no', $metadata: {} }));
    const config = { guardrails: { groups: ['*'], policies: ['*'], permissionsBoundary: arn } };

    const { plan } = await makePlan(roster(config), SETTINGS, iam);

    expect(calls()).toEqual(['GetAccountAuthorizationDetails(User,Group)', 'GetPolicy']);
    expect(plan.errors).toEqual([
      {
        file: 'iam-gitops.yaml',
        field: 'guardrails.permissionsBoundary',
        line: 1,
        column: 1,
        message: `policy ${arn} does not exist in IAM; create it before apply: every managed user gets it as permissions boundary`,
      },
    ]);
  });

  it("leaves boundaries as the files say without guardrails, and carries the roster's warnings", async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [aliceInIam(undefined)] });
    const warning = {
      file: 'iam-gitops.yaml',
      field: 'guardrails.groups',
      line: 2,
      column: 11,
      message: 'w',
    };

    const { plan } = await makePlan({ ...roster({}), warnings: [warning] }, SETTINGS, iam);

    expect(calls()).toEqual(['GetAccountAuthorizationDetails(User,Group)']);
    expect(plan.unchanged).toEqual(['alice@example.com']);
    expect(plan.warnings).toEqual([warning]);
  });
});

describe('validateRoster', () => {
  it('checks the roster against the configuration, with no AWS call, and keeps both for makePlan', async () => {
    const usersDir = `${ROSTER_FIXTURES}/guardrails-any/users`;
    const config: RepoConfig = { guardrails: { groups: ['*'], policies: ['*'] } };

    const outcome = await validateRoster({ usersDir, displayDir: 'users', emailDomain: undefined }, config);

    expect(iamMock.calls()).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'valid', fileCount: 1, config, configSource: undefined });
    expect(outcome.kind === 'valid' && outcome.warnings.map((w) => w.field)).toEqual([
      'guardrails.groups',
      'guardrails.policies',
    ]);
  });

  it('refuses a roster outside the guardrails', async () => {
    const usersDir = `${ROSTER_FIXTURES}/guardrails-any/users`;
    const config: RepoConfig = { guardrails: { groups: ['developers'], policies: ['*'] } };

    const outcome = await validateRoster({ usersDir, displayDir: 'users', emailDomain: undefined }, config);

    expect(outcome.kind === 'invalid' && outcome.issues.map((issue) => issue.field)).toEqual(['groups.0']);
  });

  it('is the roster alone, as before iam-gitops.yaml, without a configuration', async () => {
    const usersDir = `${ROSTER_FIXTURES}/guardrails-any/users`;

    const outcome = await validateRoster({ usersDir, displayDir: 'users', emailDomain: undefined });

    expect(outcome).toMatchObject({ kind: 'valid', warnings: [], config: {} });
  });
});
