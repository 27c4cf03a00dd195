import { join, relative } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  IAMClient,
  IAMServiceException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, EXIT_FAILURE, EXIT_INVALID, EXIT_OK, runCli } from '../../../src/cli/run-cli.js';
import { VERSION } from '../../../src/version.js';
import { ROSTER_FIXTURES, type TempRoster, tempRoster } from '../support/roster-fixture.js';

const iamMock = mockClient(IAMClient);

interface CapturedIo extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), env };
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

/** An account with the groups and policies the `valid` fixture names, and no users yet. */
function stubEmptyAccount(groups = ['developers', 'oncall', 'deployers']): void {
  iamMock.onAnyCommand().resolves({});
  iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
    UserDetailList: [],
    GroupDetailList: groups.map((GroupName) => ({ GroupName })),
    IsTruncated: false,
  });
  iamMock.on(GetPolicyCommand).callsFake(async (input: { PolicyArn: string }) => ({
    Policy: { Arn: input.PolicyArn },
  }));
}

describe('runCli', () => {
  describe('usage', () => {
    it('prints the usage for --help and the version for --version', async () => {
      const help = captureIo();
      const version = captureIo();

      expect(await runCli(['--help'], help)).toBe(EXIT_OK);
      expect(await runCli(['-v'], version)).toBe(EXIT_OK);

      expect(help.stdout).toHaveLength(1);
      expect(help.stdout[0]).toMatch(
        /^iam-gitops .*\n\nUsage: iam-gitops <validate\|plan\|apply[|\w]*> \[options\]/,
      );
      expect(version.stdout).toEqual([VERSION]);
      expect([...help.stderr, ...version.stderr]).toEqual([]);
    });

    it.each([
      [[], 'iam-gitops: expected one command: validate, plan'],
      [['deploy'], '(got "deploy")'],
      [['plan', 'apply'], '(got "plan apply")'],
      [['validate', '--iam-path', 'has space'], 'iam-gitops: --iam-path "/has space/" is not an IAM path'],
      [['validate', '--bogus'], "Unknown option '--bogus'"],
      [['validate', '--users-dir'], "Option '--users-dir <value>' argument missing"],
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
  });

  describe('validate', () => {
    it('prints every error as FILE:LINE:COL: message to stderr and exits 1', async () => {
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

    it('says how many users are valid and exits 0', async () => {
      const usersDir = await fixture('valid');
      const io = captureIo();

      const code = await runCli(['validate', '--users-dir', usersDir], io);

      expect(code).toBe(EXIT_OK);
      expect(io.stdout).toEqual([`${usersDir}: 4 users, all valid`]);
      expect(io.stderr).toEqual([]);
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
      expect([...ok.stderr, ...bad.stderr]).toEqual([]);
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
      stubEmptyAccount();
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
      stubEmptyAccount();
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
      stubEmptyAccount(['developers', 'deployers']);
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stdout[0]).toContain('#### Errors (nothing will be applied until they are fixed)');
      expect(io.stderr).toEqual([
        `${usersDir}/alice@example.com.yaml:3:22: groups.1: group "oncall" does not exist in IAM (groups are not created by iam-gitops)`,
        '1 error in 1 file',
      ]);
    });

    it('exits 1 on an invalid roster without calling AWS', async () => {
      const usersDir = await fixture('many-broken');
      const io = captureIo();

      const code = await runCli(['plan', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(io.stderr.at(-1)).toBe('7 errors in 5 files');
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
      stubEmptyAccount();
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
      stubEmptyAccount();
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
      expect(io.stderr).toEqual(['1 of 12 changes failed; run apply again to retry them']);
    });

    it('applies nothing when the plan has errors, and exits 1', async () => {
      const usersDir = await fixture('valid');
      stubEmptyAccount(['developers']);
      const io = captureIo();

      const code = await runCli(['apply', '--users-dir', usersDir, ...AWS], io);

      expect(code).toBe(EXIT_INVALID);
      expect(iamMock.commandCalls(CreateUserCommand)).toEqual([]);
      expect(io.stderr.at(-1)).toBe('2 errors in 2 files');
    });
  });
});

describe('runCli, offboarding flags', () => {
  it.each([
    [['--on-remove', 'purge'], '--on-remove must be one of disable, delete (got "purge")'],
    [['--max-removals', 'many'], '--max-removals must be a whole number of at least 0 (got "many")'],
  ])('refuses %j before any AWS call', async (flags, message) => {
    const io = captureIo();

    const code = await runCli(['plan', '--repository', 'acme/iam-users', ...flags], io);

    expect(code).toBe(EXIT_FAILURE);
    expect(io.stderr.join('\n')).toContain(message);
  });
});
