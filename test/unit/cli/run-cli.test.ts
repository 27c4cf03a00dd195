// runCli: the command line to a runner to stdout, stderr and an exit code, with IAM stubbed at the
// SDK boundary.
import { join, relative } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, EXIT_FAILURE, EXIT_INVALID, EXIT_OK, runCli } from '../../../src/cli/run-cli.js';
import { TAG_CREDENTIALS_REQUESTED, TAG_MANAGED_BY } from '../../../src/contract.js';
import { VERSION } from '../../../src/version.js';
import { stubAccount } from '../commands/support/stub-iam.js';
import { appliedUser, desiredUser, iamUser } from '../support/factories.js';
import { ROSTER_FIXTURES, type TempRoster, tempRoster } from '../support/roster-fixture.js';

const iamMock = mockClient(IAMClient);

interface CapturedIo extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

function captureIo(env: NodeJS.ProcessEnv = {}, cwd?: string): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    env,
    ...(cwd === undefined ? {} : { cwd }),
  };
}

let roster: TempRoster | undefined;

async function fixture(name: string): Promise<string> {
  roster = await tempRoster(name);
  return roster.usersDir;
}

beforeEach(() => {
  iamMock.reset();
});

afterEach(async () => {
  await roster?.cleanup();
  roster = undefined;
});

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';
const AWS = ['--repository', 'acme/iam-users', '--region', 'us-east-1'];

describe('runCli', () => {
  describe('usage', () => {
    it('prints the usage, naming every command, for --help and the version for --version', async () => {
      const help = captureIo();
      const version = captureIo();

      expect(await runCli(['--help'], help)).toBe(EXIT_OK);
      expect(await runCli(['-v'], version)).toBe(EXIT_OK);

      expect(help.stdout).toHaveLength(1);
      expect(help.stdout[0]).toMatch(
        /^iam-gitops .*\n\nUsage: iam-gitops <validate\|plan\|apply\|resend USER\|drift\|invites> \[options\]/,
      );
      for (const flag of ['--config FILE', '--fail-on-drift', '--max-removals N', '--region R'])
        expect(help.stdout[0]).toContain(flag);
      expect(version.stdout).toEqual([VERSION]);
      expect([...help.stderr, ...version.stderr]).toEqual([]);
    });

    it.each([
      [[], 'iam-gitops: expected one command: validate, plan, apply, resend, drift, invites'],
      [['deploy'], '(got "deploy")'],
      [['plan', 'apply'], '(got "plan apply")'],
      [['resend'], 'iam-gitops: resend needs one USER'],
      [['resend', 'a b', ...AWS], 'iam-gitops: USER must be an IAM user name (got "a b")'],
      [
        ['validate', '--iam-path', 'has space'],
        'iam-gitops: --iam-path must be an IAM path such as /iam-gitops/ (got "has space")',
      ],
      [['validate', '--bogus'], "Unknown option '--bogus'"],
      [['validate', '--users-dir'], "Option '--users-dir <value>' argument missing"],
      [['validate', '--json=yes'], "Option '--json' does not take an argument"],
    ])('refuses %j with exit code 2 and the usage', async (argv, message) => {
      const io = captureIo();

      const code = await runCli(argv, io);

      expect(code).toBe(EXIT_FAILURE);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toContain(message);
      expect(io.stderr[0]).toContain('Usage: iam-gitops');
      expect(iamMock.calls()).toEqual([]);
    });

    it('checks the flags by the rules of the action inputs, and names every bad one at once', async () => {
      const io = captureIo({ AWS_REGION: 'moon-1' });

      const code = await runCli(
        ['plan', '--max-removals', '5001', '--repository', 'acme', '--email-domain', 'Example.COM'],
        io,
      );

      expect(code).toBe(EXIT_FAILURE);
      expect(io.stderr[0]?.split('\n\n')[0]).toBe(
        [
          'iam-gitops: --repository must be OWNER/REPO (got "acme")',
          '--region must be an AWS region such as us-east-1 (got "moon-1")',
          '--email-domain must be written in lower case (got "Example.COM")',
          '--max-removals must be a whole number from 0 to 5000 (got "5001")',
        ].join('\n'),
      );
      expect(iamMock.calls()).toEqual([]);
    });
  });

  describe('validate', () => {
    it('prints every error as FILE:LINE:COL: message to stderr, then their count, and exits 1', async () => {
      const usersDir = await fixture('many-broken');
      const io = captureIo();

      const code = await runCli(['validate', '--users-dir', usersDir], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stdout).toEqual([]);
      expect(io.stderr.map((line) => line.replace(usersDir, 'DIR'))).toEqual([
        'DIR/bob@example.com.yaml:2:1: consol: unknown field (check the spelling)',
        'DIR/bob@example.com.yaml:4:3: tags.aws:team: keys starting with "aws:" are reserved by AWS',
        `DIR/carol.yaml:1:7: name: must equal the file's name "carol" (the file is carol.yaml)`,
        'DIR/carol.yaml:3:5: policies.0: must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)',
        'DIR/dave@example.com.yaml:3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
        'DIR/erin.yml:1:7: email: console access needs an email address: add `email:`, use an email address as the name, or set console: false',
        'DIR/frank@example.com.yaml:1:1: is a list; it must be a map of fields (name, email, groups, ...)',
        '7 errors in 5 files',
      ]);
      expect(iamMock.calls()).toEqual([]);
    });

    it('names files as the --users-dir was given, relative paths included', async () => {
      const usersDir = relative(process.cwd(), join(ROSTER_FIXTURES, 'broken-several'));
      const io = captureIo();

      const code = await runCli(['validate', '--users-dir', usersDir], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stderr[0]).toBe(
        `${usersDir}/dave@example.com.yaml:3:9: groups: must not repeat (IAM group names ignore case)`,
      );
      expect(io.stderr.at(-1)).toBe('6 errors in 4 files');
    });

    it('says how many users are valid and exits 0, with users/ and no configuration by default', async () => {
      await fixture('valid');
      const io = captureIo({}, roster?.root);

      const code = await runCli(['validate'], io);

      expect(code).toBe(EXIT_OK);
      expect(io.stdout).toEqual(['users: 4 users, all valid']);
      expect(io.stderr).toEqual([]);
    });

    it('refuses a --config that does not exist, at its name', async () => {
      await fixture('valid');
      const io = captureIo({}, roster?.root);

      const code = await runCli(['validate', '--config', 'iam/iam-gitops.yaml'], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stderr).toEqual(['iam/iam-gitops.yaml:1:1: does not exist', '1 error in 1 file']);
    });

    it('lifts the email requirement with --email-domain', async () => {
      const usersDir = await fixture('console-email');
      const without = captureIo();
      const withDomain = captureIo();

      expect(await runCli(['validate', '--users-dir', usersDir], without)).toBe(EXIT_INVALID);
      expect(
        await runCli(['validate', '--users-dir', usersDir, '--email-domain', 'example.com'], withDomain),
      ).toBe(EXIT_OK);
    });

    it('prints JSON that parses, for a valid and an invalid roster', async () => {
      const valid = await fixture('valid');
      const ok = captureIo();
      expect(await runCli(['validate', '--users-dir', valid, '--json'], ok)).toBe(EXIT_OK);
      await roster?.cleanup();
      const broken = await fixture('file-name-mismatch');
      const bad = captureIo();

      const code = await runCli(['validate', '--users-dir', broken, '--json'], bad);

      expect(code).toBe(EXIT_INVALID);
      expect(JSON.parse(ok.stdout.join('\n'))).toEqual({ valid: true, files: 4 });
      const file = `${broken}/bob@example.com.yaml`;
      const message = `must equal the file's name "bob@example.com" (the file is bob@example.com.yaml)`;
      expect(JSON.parse(bad.stdout.join('\n'))).toEqual({
        valid: false,
        issues: [{ file, field: 'name', line: 2, column: 7, message, text: `${file}:2:7: name: ${message}` }],
      });
      expect(ok.stderr).toEqual([]);
      expect(bad.stderr).toEqual(['1 error in 1 file']);
    });
  });

  describe('plan', () => {
    it('exits 2 without --repository or GITHUB_REPOSITORY, before any AWS call', async () => {
      const usersDir = await fixture('valid');
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir], io);

      expect(code).toBe(EXIT_FAILURE);
      expect(io.stderr[0]).toMatch(
        /^iam-gitops: --repository OWNER\/REPO \(or GITHUB_REPOSITORY\) is required/,
      );
      expect(iamMock.calls()).toEqual([]);
    });

    it('prints the plan as Markdown and exits 0, taking the repository from GITHUB_REPOSITORY', async () => {
      const usersDir = await fixture('valid');
      stubAccount(iamMock);
      const io = captureIo({ GITHUB_REPOSITORY: 'acme/iam-users', AWS_REGION: 'eu-west-1' });

      const code = await runCli(['plan', '--users-dir', usersDir], io);

      expect(code).toBe(EXIT_OK);
      expect(io.stderr).toEqual([]);
      expect(io.stdout).toHaveLength(1);
      expect(io.stdout[0]).toContain('### iam-gitops plan for `acme/iam-users` at `/iam-gitops/`');
      expect(io.stdout[0]).toContain(
        '**4 to create, 0 to update, 0 to offboard** · 12 changes · 0 unchanged',
      );
      expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
      expect(
        iamMock
          .commandCalls(GetPolicyCommand)
          .map((call) => call.args[0].input.PolicyArn)
          .sort(),
      ).toEqual([BOUNDARY, READ_ONLY]);
      expect(iamMock.commandCalls(CreateUserCommand)).toEqual([]);
      expect(iamMock.calls()).toHaveLength(3);
    });

    it('prints the plan as JSON that parses with --json', async () => {
      const usersDir = await fixture('valid');
      stubAccount(iamMock);
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir, '--json', ...AWS], io);

      expect(code).toBe(EXIT_OK);
      const json = JSON.parse(io.stdout.join('\n'));
      expect(json).toMatchObject({
        version: 1,
        scope: { iamPath: '/iam-gitops/', repository: 'acme/iam-users' },
        summary: { create: 4, update: 0, changes: 12, errors: 0 },
      });
      expect(json.users.map((user: { user: string }) => user.user)).toEqual([
        'alice@example.com',
        'bob@example.com',
        'ci-deployer',
        'dana',
      ]);
    });

    it('prints the plan and its errors and exits 1 when IAM lacks a group', async () => {
      const usersDir = await fixture('valid');
      stubAccount(iamMock, { groups: ['developers', 'deployers'] });
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stdout[0]).toContain('#### Errors (nothing will be applied until they are fixed)');
      expect(io.stderr).toEqual([
        `${usersDir}/alice@example.com.yaml:3:22: groups.1: group "oncall" does not exist in IAM (groups are not created by iam-gitops)`,
        '1 plan error; nothing can be applied',
      ]);
    });

    it('exits 1 on an invalid roster without calling AWS', async () => {
      const usersDir = await fixture('many-broken');
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stderr.at(-1)).toBe('7 errors in 5 files; nothing was read from or changed in IAM');
      expect(iamMock.calls()).toEqual([]);
    });

    it('exits 2 with the message when AWS fails', async () => {
      const usersDir = await fixture('valid');
      iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(
        new IAMServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          message: 'not authorized to perform iam:GetAccountAuthorizationDetails',
          $metadata: {},
        }),
      );
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_FAILURE);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toEqual(['iam-gitops: not authorized to perform iam:GetAccountAuthorizationDetails']);
    });
  });

  describe('apply', () => {
    it('applies every change, reports each on stderr and the result on stdout, and exits 0', async () => {
      const usersDir = await fixture('valid');
      stubAccount(iamMock);
      const io = captureIo();

      const code = await runCli(['apply', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_OK);
      expect(
        iamMock
          .commandCalls(CreateUserCommand)
          .map((call) => call.args[0].input.UserName)
          .sort(),
      ).toEqual(['alice@example.com', 'bob@example.com', 'ci-deployer', 'dana']);
      expect(iamMock.commandCalls(AttachUserPolicyCommand)).toHaveLength(4);
      expect(iamMock.commandCalls(AddUserToGroupCommand)).toHaveLength(4);
      expect(io.stderr).toHaveLength(12);
      expect(io.stderr).toContain('done         dana: attach IAMUserChangePassword');
      expect(io.stdout).toHaveLength(1);
      expect(io.stdout[0]).toContain('**12 succeeded, 0 failed, 0 skipped**');
    });

    it('exits 2 and says how many changes failed when some do', async () => {
      const usersDir = await fixture('valid');
      stubAccount(iamMock);
      iamMock.on(CreateUserCommand, { UserName: 'dana' }).rejects(
        new IAMServiceException({
          name: 'Throttling',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: {},
        }),
      );
      const io = captureIo();

      const code = await runCli(['apply', '--users-dir', usersDir, '--json', ...AWS], io);

      expect(code).toBe(EXIT_FAILURE);
      const json = JSON.parse(io.stdout.join('\n'));
      expect(json.result).toMatchObject({ failed: 1, skipped: 1, succeeded: 10 });
      expect(json.plan.summary.changes).toBe(12);
      expect(io.stderr).toEqual(['1 of 12 changes failed; a rerun retries them']);
    });

    it('applies nothing when the plan has errors, and exits 1', async () => {
      const usersDir = await fixture('valid');
      stubAccount(iamMock, { groups: ['developers'] });
      const io = captureIo();

      const code = await runCli(['apply', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(iamMock.commandCalls(CreateUserCommand)).toEqual([]);
      expect(io.stderr.at(-1)).toBe('2 plan errors; nothing was applied');
    });
  });

  describe('resend', () => {
    it('tags the user the roster names and says so', async () => {
      await fixture('valid');
      iamMock.on(GetUserCommand).resolves({
        User: {
          UserName: 'dana',
          Arn: 'arn:aws:iam::123456789012:user/iam-gitops/dana',
          Path: '/iam-gitops/',
          UserId: 'AIDADANA',
          CreateDate: new Date(),
          Tags: [{ Key: TAG_MANAGED_BY, Value: 'acme/iam-users' }],
        },
      });
      iamMock.on(TagUserCommand).resolves({});
      const io = captureIo({ GITHUB_RUN_ID: '77' }, roster?.root);

      const code = await runCli(['resend', 'dana', ...AWS], io);

      expect(code).toBe(EXIT_OK);
      const [tag] = iamMock.commandCalls(TagUserCommand).map((call) => call.args[0].input);
      expect(tag?.Tags?.[0]).toEqual({
        Key: TAG_CREDENTIALS_REQUESTED,
        Value: expect.stringMatching(/ run 77$/),
      });
      expect(io.stdout).toEqual([
        `Asked for new sign-in details for dana: tagged iam-gitops:credentials-requested = ${tag?.Tags?.[0]?.Value}. The credential Lambda sets a new password and emails it; the password never passes through this run.`,
      ]);
    });

    it('refuses a user without console access with exit 1, and tags nothing', async () => {
      await fixture('valid');
      const io = captureIo({}, roster?.root);

      const code = await runCli(['resend', 'ci-deployer', ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stderr).toEqual([
        '"ci-deployer" has console: false in users/ci-deployer.yaml; there are no sign-in details to re-send',
      ]);
      expect(iamMock.calls()).toEqual([]);
    });
  });

  describe('drift', () => {
    function stubDrift(): void {
      const bob = desiredUser('bob@example.com', { email: 'robert@example.com', groups: ['developers'] });
      stubAccount(iamMock, {
        users: [
          appliedUser(bob),
          appliedUser(desiredUser('alice@example.com')),
          iamUser('eve@example.com', { path: '/iam-gitops/' }),
        ],
      });
      iamMock.on(GetLoginProfileCommand).resolves({});
    }

    it('prints the findings, warns on stderr, and exits 0', async () => {
      await fixture('valid');
      stubDrift();
      const io = captureIo({}, roster?.root);

      const code = await runCli(['drift', ...AWS], io);

      expect(code).toBe(EXIT_OK);
      expect(io.stdout[0]).toContain('### iam-gitops drift for `acme/iam-users` at `/iam-gitops/`');
      expect(io.stdout[0]).toContain('### iam-gitops stale invitations');
      expect(io.stderr).toEqual(['warning: 4 drift findings: IAM differs from the roster']);
    });

    it('exits 1 with --fail-on-drift, and prints JSON with --json', async () => {
      await fixture('valid');
      stubDrift();
      const io = captureIo({}, roster?.root);

      const code = await runCli(['drift', '--fail-on-drift', '--json', ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({
        driftCount: 4,
        drift: { unmanaged: [{ user: 'eve@example.com' }] },
        staleInvites: { checked: 2, stale: [] },
      });
      expect(io.stderr).toEqual(['4 drift findings: IAM differs from the roster']);
    });
  });

  describe('invites', () => {
    it('reports stale invitations without a roster', async () => {
      stubAccount(iamMock, { users: [appliedUser(desiredUser('alice@example.com'))] });
      iamMock
        .on(GetLoginProfileCommand)
        .resolves({ LoginProfile: { UserName: 'alice@example.com', CreateDate: new Date('2020-01-01') } });
      const io = captureIo({}, '/nowhere');

      const code = await runCli(['invites', '--invite-expiry-days', '7', ...AWS], io);

      expect(code).toBe(EXIT_OK);
      expect(io.stdout[0]).toContain('**1 stale invitation**: sent more than 7 days ago and never used.');
    });
  });
});

describe('runCli, offboarding flags', () => {
  it.each([
    [['--on-remove', 'purge'], '--on-remove must be one of disable, delete (got "purge")'],
    [['--max-removals', 'many'], '--max-removals must be a whole number from 0 to 5000 (got "many")'],
    [['--invite-expiry-days', '0'], '--invite-expiry-days must be a whole number from 1 to 3650 (got "0")'],
  ])('refuses %j before any AWS call', async (flags, message) => {
    const io = captureIo();

    const code = await runCli(['plan', '--repository', 'acme/iam-users', ...flags], io);

    expect(code).toBe(EXIT_FAILURE);
    expect(io.stderr.join('\n')).toContain(message);
    expect(iamMock.calls()).toEqual([]);
  });
});
