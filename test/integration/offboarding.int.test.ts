// Offboarding, its guard, adoption and stale invitations against moto: roster -> snapshot -> plan
// -> apply with the core's own functions, and the bundled CLI where the apply path itself is the
// point. moto lets DeleteUser succeed with credentials still attached, so the order of removal and
// AWS's DeleteConflict are covered by test/unit/iam/offboard-user.test.ts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  TagUserCommand,
  UploadSigningCertificateCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountFacts } from '../../lambda/src/account-facts.js';
import { deliverCredentials } from '../../lambda/src/deliver-credentials.js';
import { makePlan, validateRoster } from '../../src/commands/make-plan.js';
import { requestTagValue } from '../../src/commands/resend.js';
import type { CoreSettings } from '../../src/commands/settings.js';
import { findStaleInvites } from '../../src/commands/stale-invites.js';
import {
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_DISABLED_AT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { applyPlan, PlanHasErrors } from '../../src/iam/apply-plan.js';
import { readSnapshot } from '../../src/iam/read-snapshot.js';
import { changeCount, type Plan } from '../../src/plan/plan.js';
import { freshAccount, type TestAccount } from '../support/aws.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';
import {
  createServiceCredential,
  type ServiceCredentialsShim,
  shimServiceCredentials,
} from '../support/service-credentials-shim.js';

const REPOSITORY = 'acme/iam-users';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const VIEW_ONLY = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'credentials');
const CERTIFICATE = readFileSync(join(FIXTURES, 'signing-certificate.pem'), 'utf8');
const SSH_KEY = readFileSync(join(FIXTURES, 'ssh-public-key.pub'), 'utf8');
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'index.js');
const DAY_MS = 24 * 60 * 60 * 1000;

const person = (name: string, fields: Record<string, unknown> = {}) => ({
  name,
  groups: ['developers'],
  policies: [READ_ONLY],
  ...fields,
});
const fileOf = (name: string) => `${name}.yaml`;

let account: TestAccount;
let iam: IAMClient;
let serviceCredentials: ServiceCredentialsShim;
let roster: RosterDir;

function settings(overrides: Partial<CoreSettings> = {}): CoreSettings {
  return {
    usersDir: roster.usersDir,
    displayDir: 'users',
    iamPath: '/iam-gitops/',
    repository: REPOSITORY,
    emailDomain: undefined,
    ...overrides,
  };
}

async function plan(overrides: Partial<CoreSettings> = {}): Promise<Plan> {
  const validated = await validateRoster(settings(overrides));
  if (validated.kind !== 'valid') throw new Error(`roster invalid: ${JSON.stringify(validated.issues)}`);
  return (await makePlan(validated, settings(overrides), iam)).plan;
}

async function applyRoster(overrides: Partial<CoreSettings> = {}, now?: Date): Promise<Plan> {
  const planned = await plan(overrides);
  const result = await applyPlan(iam, planned, now ? { now: () => now } : {});
  expect(result.outcomes.filter((outcome) => outcome.status === 'failed')).toEqual([]);
  return planned;
}

/** Gives `userName` one of every kind of credential IAM has, and an inline policy. */
async function equip(userName: string): Promise<{ virtualMfa: string }> {
  await iam.send(new CreateLoginProfileCommand({ UserName: userName, Password: 'Correct-Horse-9-Battery!' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  await iam.send(new UploadSigningCertificateCommand({ UserName: userName, CertificateBody: CERTIFICATE }));
  await iam.send(new UploadSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyBody: SSH_KEY }));
  await createServiceCredential(iam, userName);
  const device = await iam.send(
    new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: userName.replace(/[^\w]/g, '-') }),
  );
  const virtualMfa = device.VirtualMFADevice?.SerialNumber ?? '';
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: userName,
      SerialNumber: virtualMfa,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: 'scratch',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      }),
    }),
  );
  return { virtualMfa };
}

async function hasLoginProfile(userName: string): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return false;
    throw error;
  }
}

async function userExists(userName: string): Promise<boolean> {
  try {
    await iam.send(new GetUserCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return false;
    throw error;
  }
}

/** Everything that gives `userName` access, as IAM lists it. */
async function accessOf(userName: string) {
  const user = await iam.send(new GetUserCommand({ UserName: userName }));
  const statuses = (items: { Status?: string | undefined }[] | undefined) =>
    (items ?? []).map((i) => i.Status);
  return {
    path: user.User?.Path,
    tags: Object.fromEntries((user.User?.Tags ?? []).map((tag) => [tag.Key, tag.Value])),
    loginProfile: await hasLoginProfile(userName),
    accessKeys: statuses(
      (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata,
    ),
    signingCertificates: statuses(
      (await iam.send(new ListSigningCertificatesCommand({ UserName: userName }))).Certificates,
    ),
    sshPublicKeys: statuses(
      (await iam.send(new ListSSHPublicKeysCommand({ UserName: userName }))).SSHPublicKeys,
    ),
    serviceSpecificCredentials: (serviceCredentials.byUser.get(userName) ?? []).map((c) => c.status),
    mfaDevices: ((await iam.send(new ListMFADevicesCommand({ UserName: userName }))).MFADevices ?? []).map(
      (device) => device.SerialNumber,
    ),
    groups: ((await iam.send(new ListGroupsForUserCommand({ UserName: userName }))).Groups ?? [])
      .map((group) => group.GroupName)
      .sort(),
    attachedPolicies: (
      (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies ?? []
    )
      .map((policy) => policy.PolicyArn)
      .sort(),
    inlinePolicies: (await iam.send(new ListUserPoliciesCommand({ UserName: userName }))).PolicyNames ?? [],
  };
}

/** The whole account as the core and a person would see it: the snapshot and every user's access. */
async function accountState() {
  const snapshot = await readSnapshot(iam);
  const access: Record<string, unknown> = {};
  for (const user of snapshot.users) access[user.name] = await accessOf(user.name);
  return { snapshot, access };
}

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [CLI, ...args, '--repository', REPOSITORY],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...account.env },
        cwd: roster.root,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeEach(async () => {
  account = await freshAccount();
  iam = new IAMClient(account.clientConfig);
  serviceCredentials = shimServiceCredentials(iam);
  for (const group of ['developers', 'oncall', 'legacy']) {
    await iam.send(new CreateGroupCommand({ GroupName: group }));
  }
  roster = await makeRosterDir({
    [fileOf('alice@example.com')]: person('alice@example.com'),
    [fileOf('bob@example.com')]: person('bob@example.com', { groups: ['developers', 'oncall'] }),
  });
});

afterEach(async () => {
  await roster.cleanup();
});

describe('offboarding with on-remove: disable (the default)', () => {
  it('takes every kind of access away, keeps the user for audit, and restores it when the file is back', async () => {
    await applyRoster();
    const { virtualMfa } = await equip('bob@example.com');
    await roster.remove(fileOf('bob@example.com'));
    const disabledAt = new Date('2025-05-06T07:08:09.000Z');

    const planned = await applyRoster({}, disabledAt);

    expect(planned.offboard.map((change) => [change.user, change.mode])).toEqual([
      ['bob@example.com', 'disable'],
    ]);
    expect(await accessOf('bob@example.com')).toEqual({
      path: '/iam-gitops/',
      tags: {
        [TAG_MANAGED_BY]: REPOSITORY,
        [TAG_CONSOLE]: 'true',
        [TAG_EMAIL]: 'bob@example.com',
        [TAG_DISABLED_AT]: '2025-05-06T07:08:09.000Z',
      },
      loginProfile: false,
      accessKeys: ['Inactive', 'Inactive'],
      signingCertificates: ['Inactive'],
      sshPublicKeys: ['Inactive'],
      serviceSpecificCredentials: ['Inactive'],
      mfaDevices: [virtualMfa],
      groups: [],
      attachedPolicies: [],
      inlinePolicies: [],
    });
    expect((await accessOf('alice@example.com')).groups).toEqual(['developers']);

    const afterwards = await plan();
    expect(afterwards.offboard).toEqual([]);
    expect(afterwards.disabled).toEqual([
      expect.objectContaining({ user: 'bob@example.com', disabledAt: '2025-05-06T07:08:09.000Z' }),
    ]);
    expect(changeCount(afterwards)).toBe(0);

    await roster.write({
      [fileOf('bob@example.com')]: person('bob@example.com', { groups: ['developers', 'oncall'] }),
    });
    const restore = await applyRoster();

    expect(restore.users.map((user) => [user.user, user.action])).toEqual([['bob@example.com', 'restore']]);
    const restored = await accessOf('bob@example.com');
    expect(restored.groups).toEqual(['developers', 'oncall']);
    expect(restored.attachedPolicies).toEqual([CHANGE_PASSWORD_POLICY_ARN, READ_ONLY].sort());
    expect(restored.tags).toEqual({
      [TAG_MANAGED_BY]: REPOSITORY,
      [TAG_CONSOLE]: 'true',
      [TAG_EMAIL]: 'bob@example.com',
    });
    // Sign-in comes back with a re-send (the credential Lambda); keys stay inactive.
    expect(restored.loginProfile).toBe(false);
    expect(restored.accessKeys).toEqual(['Inactive', 'Inactive']);
    expect(changeCount(await plan())).toBe(0);
  });
});

describe('offboarding with on-remove: delete', () => {
  it('removes everything the user holds, its virtual MFA device too, and deletes the user', async () => {
    await applyRoster();
    await equip('bob@example.com');
    await roster.remove(fileOf('bob@example.com'));

    const planned = await applyRoster({ onRemove: 'delete' });

    expect(planned.offboard.map((change) => [change.user, change.mode])).toEqual([
      ['bob@example.com', 'delete'],
    ]);
    expect(await userExists('bob@example.com')).toBe(false);
    expect((await iam.send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices).toEqual([]);
    expect(serviceCredentials.byUser.get('bob@example.com')).toEqual([]);
    expect(await userExists('alice@example.com')).toBe(true);
    const afterwards = await plan({ onRemove: 'delete' });
    expect([afterwards.offboard, afterwards.disabled, changeCount(afterwards)]).toEqual([[], [], 0]);
  });
});

describe('the removal guard', () => {
  beforeEach(async () => {
    await roster.write(
      Object.fromEntries(
        ['carol', 'dave', 'erin'].map((name) => [
          fileOf(`${name}@example.com`),
          person(`${name}@example.com`),
        ]),
      ),
    );
    await applyRoster();
    for (const name of ['bob', 'carol', 'dave', 'erin']) await roster.remove(fileOf(`${name}@example.com`));
  });

  it('stops a plan that would offboard 4 users with the default of 3, and changes nothing', async () => {
    const before = await accountState();

    const planned = await plan();

    expect(planned.errors).toEqual([
      expect.objectContaining({
        file: 'users',
        message: expect.stringContaining(
          '4 managed users would be offboarded (bob@example.com, carol@example.com, dave@example.com, erin@example.com), more than max-removals (3)',
        ),
      }),
    ]);
    await expect(applyPlan(iam, planned)).rejects.toBeInstanceOf(PlanHasErrors);
    expect(await accountState()).toEqual(before);
  });

  it('stops the bundled CLI’s apply too, naming the input to raise, and changes nothing', async () => {
    const before = await accountState();

    const applied = await cli(['apply']);

    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('more than max-removals (3); nothing is changed');
    expect(applied.stderr).toContain('raise the input max-removals (CLI: --max-removals) to 4');
    expect(await accountState()).toEqual(before);
  });

  it('lets the removals through when max-removals is raised for the run', async () => {
    await applyRoster({ maxRemovals: 4 });

    for (const name of ['bob', 'carol', 'dave', 'erin']) {
      expect((await accessOf(`${name}@example.com`)).tags[TAG_DISABLED_AT]).toBeDefined();
    }
    expect((await accessOf('alice@example.com')).groups).toEqual(['developers']);
  });
});

describe('a roster that fails to load never reads as everyone removed', () => {
  it.each([
    [
      'an empty users directory',
      async () => {
        for (const name of ['alice@example.com', 'bob@example.com']) await roster.remove(fileOf(name));
      },
    ],
    [
      'a users directory of other files only',
      async () => {
        for (const name of ['alice@example.com', 'bob@example.com']) await roster.remove(fileOf(name));
        await writeFile(join(roster.usersDir, 'README.md'), '# people\n');
      },
    ],
    [
      'one unreadable file among valid ones',
      async () => {
        await writeFile(join(roster.usersDir, 'carol@example.com.yaml'), 'name: [carol\n');
      },
    ],
  ])('%s: nothing changes in IAM', async (_label, breakRoster) => {
    await applyRoster({ onRemove: 'delete', maxRemovals: 100 });
    await equip('bob@example.com');
    await breakRoster();
    const before = await accountState();

    const outcome = await validateRoster(settings({ onRemove: 'delete', maxRemovals: 100 }));
    const applied = await cli(['apply', '--on-remove', 'delete', '--max-removals', '100']);

    expect(outcome.kind).toBe('invalid');
    expect(applied.code).toBe(1);
    expect(applied.stdout).toBe('');
    expect(await accountState()).toEqual(before);
  });

  it('a wrong users-dir: nothing changes in IAM', async () => {
    await applyRoster();
    await mkdir(join(roster.root, 'people'));
    const before = await accountState();

    const missing = await cli(['apply', '--users-dir', 'no-such-dir', '--on-remove', 'delete']);
    const empty = await cli(['apply', '--users-dir', 'people', '--on-remove', 'delete']);

    expect([missing.code, empty.code]).toEqual([1, 1]);
    expect(empty.stderr).toContain('an empty roster is refused so that it can never remove everyone');
    expect(await accountState()).toEqual(before);
  });
});

describe('scope', () => {
  it('never touches users another repository or nobody manages, even with delete and a high max-removals', async () => {
    await iam.send(
      new CreateUserCommand({
        UserName: 'other-team',
        Path: '/iam-gitops/',
        Tags: [{ Key: TAG_MANAGED_BY, Value: 'acme/other-repo' }],
      }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'hand-made', Path: '/iam-gitops/' }));
    await iam.send(
      new CreateUserCommand({
        UserName: 'root-admin',
        Path: '/',
        Tags: [{ Key: TAG_MANAGED_BY, Value: REPOSITORY }],
      }),
    );
    for (const userName of ['other-team', 'hand-made', 'root-admin']) {
      await iam.send(new AddUserToGroupCommand({ UserName: userName, GroupName: 'developers' }));
      await iam.send(
        new CreateLoginProfileCommand({ UserName: userName, Password: 'Correct-Horse-9-Battery!' }),
      );
      await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    }
    const before = Object.fromEntries(
      await Promise.all(['other-team', 'hand-made', 'root-admin'].map(async (n) => [n, await accessOf(n)])),
    );

    const planned = await applyRoster({ onRemove: 'delete', maxRemovals: 100 });

    expect(planned.offboard).toEqual([]);
    expect(planned.unmanaged.map((user) => [user.user, user.managedBy])).toEqual([
      ['hand-made', undefined],
      ['other-team', 'acme/other-repo'],
    ]);
    for (const [userName, access] of Object.entries(before)) expect(await accessOf(userName)).toEqual(access);
  });
});

describe('adoption', () => {
  beforeEach(async () => {
    await iam.send(
      new CreateUserCommand({
        UserName: 'dave@example.com',
        Path: '/contractors/',
        Tags: [{ Key: 'cost', Value: 'ops' }],
      }),
    );
    await iam.send(new AddUserToGroupCommand({ UserName: 'dave@example.com', GroupName: 'legacy' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dave@example.com', PolicyArn: VIEW_ONLY }));
  });

  it('refuses a name taken outside the scope without adopt: true, and changes nothing', async () => {
    await roster.write({ [fileOf('dave@example.com')]: person('dave@example.com') });
    const before = await accountState();

    const planned = await plan();

    expect(planned.errors).toEqual([
      expect.objectContaining({
        file: 'users/dave@example.com.yaml',
        message: expect.stringContaining(
          'already exists outside the managed path /iam-gitops/ (at /contractors/)',
        ),
      }),
    ]);
    await expect(applyPlan(iam, planned)).rejects.toBeInstanceOf(PlanHasErrors);
    expect(await accountState()).toEqual(before);
  });

  it('with adopt: true, moves the user under the path, tags it, and makes it match its file', async () => {
    await applyRoster();
    await roster.write({ [fileOf('dave@example.com')]: person('dave@example.com', { adopt: true }) });

    const planned = await applyRoster();

    expect(planned.users.map((user) => [user.user, user.action])).toEqual([['dave@example.com', 'adopt']]);
    expect(await accessOf('dave@example.com')).toMatchObject({
      path: '/iam-gitops/',
      // UpdateUser drops tags on moto: the plan tags after the move, so all of them are there.
      tags: { [TAG_MANAGED_BY]: REPOSITORY, [TAG_CONSOLE]: 'true', [TAG_EMAIL]: 'dave@example.com' },
      groups: ['developers'],
      attachedPolicies: [CHANGE_PASSWORD_POLICY_ARN, READ_ONLY].sort(),
    });
    expect(changeCount(await plan())).toBe(0);
  });

  it('never adopts a user another repository manages, even with adopt: true', async () => {
    await iam.send(
      new TagUserCommand({
        UserName: 'dave@example.com',
        Tags: [{ Key: TAG_MANAGED_BY, Value: 'acme/other-repo' }],
      }),
    );
    await roster.write({ [fileOf('dave@example.com')]: person('dave@example.com', { adopt: true }) });
    const before = await accountState();

    const planned = await plan();

    expect(planned.errors.map((issue) => [issue.field, issue.message])).toEqual([
      ['adopt', expect.stringContaining('is managed by acme/other-repo; adopt: true takes over only users')],
    ]);
    await expect(applyPlan(iam, planned)).rejects.toBeInstanceOf(PlanHasErrors);
    expect(await accountState()).toEqual(before);
  });
});

describe('stale invitations', () => {
  it('reports unused sign-in details past the expiry, expires them on request, and a re-send brings them back', async () => {
    await applyRoster();
    // The credential Lambda's work after CreateUser; moto dates a login profile at the user's creation.
    for (const userName of ['alice@example.com', 'bob@example.com'])
      await iam.send(
        new CreateLoginProfileCommand({ UserName: userName, Password: 'Correct-Horse-9-Battery!' }),
      );
    const later = new Date(Date.now() + 20 * DAY_MS);
    // Bob asked for his details again yesterday: his invitation is fresh.
    await iam.send(
      new TagUserCommand({
        UserName: 'bob@example.com',
        Tags: [
          { Key: TAG_CREDENTIALS_REQUESTED, Value: requestTagValue(new Date(later.getTime() - DAY_MS), '7') },
        ],
      }),
    );
    const inviteSettings = { iamPath: '/iam-gitops/', repository: REPOSITORY, inviteExpiryDays: 14 };

    const reported = await findStaleInvites(
      iam,
      { ...inviteSettings, expireInvites: false },
      { now: () => later },
    );
    const expired = await findStaleInvites(
      iam,
      { ...inviteSettings, expireInvites: true },
      { now: () => later },
    );

    expect(reported.stale.map((invite) => [invite.user, invite.ageDays, invite.expired])).toEqual([
      ['alice@example.com', 20, false],
    ]);
    expect(expired.stale.map((invite) => [invite.user, invite.expired])).toEqual([
      ['alice@example.com', true],
    ]);
    expect(await hasLoginProfile('alice@example.com')).toBe(false);
    expect(await hasLoginProfile('bob@example.com')).toBe(true);

    const ses = new SESv2Client(account.clientConfig);
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    // The re-send: the action tags the user, and the Lambda answers that very request.
    const requestedValue = requestTagValue(later, '8');
    await iam.send(
      new TagUserCommand({
        UserName: 'alice@example.com',
        Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: requestedValue }],
      }),
    );
    const resent = await deliverCredentials(
      {
        eventId: 'resend-1',
        eventName: 'TagUser',
        userName: 'alice@example.com',
        requestedValue,
        account: { kind: 'own', id: account.accountId },
      },
      {
        iam,
        ses,
        config: { senderEmail: 'iam@example.com', managedPath: '/iam-gitops/' },
        facts: new AccountFacts(),
        log: () => {},
        sleep: async () => {},
      },
    );

    expect(resent).toMatchObject({ outcome: 'sent', loginProfile: 'created' });
    expect(await hasLoginProfile('alice@example.com')).toBe(true);
  });

  it('is reported by the bundled CLI’s invites command, which deletes nothing unless asked', async () => {
    await applyRoster();
    await iam.send(
      new CreateLoginProfileCommand({ UserName: 'alice@example.com', Password: 'Correct-Horse-9-Battery!' }),
    );

    const reported = await cli(['invites', '--json', '--invite-expiry-days', '1']);

    expect(reported.code).toBe(0);
    expect(JSON.parse(reported.stdout)).toEqual({
      scope: { iamPath: '/iam-gitops/', repository: REPOSITORY },
      expiryDays: 1,
      expireInvites: false,
      checked: 2,
      stale: [],
    });
    expect(await hasLoginProfile('alice@example.com')).toBe(true);
  });
});
