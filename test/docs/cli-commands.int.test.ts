// The CLI commands of the README ("The CLI") and docs/offboarding.md, run as written, in doc
// order: the package packed in a working copy of this repository, installed into a roster
// repository (this repository's example users/ and iam-gitops.yaml), then every command there
// against moto. Substituted only: the temporary folders, AWS_ENDPOINT_URL and fresh credentials
// of a new moto account (its groups created, as the quick start assumes), npm kept offline.
import { copyFile, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateGroupCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { freshAccount, type TestAccount } from '../support/aws.js';
import { commandsRunBy } from './doc-command-checks.js';
import { commandsUnder } from './doc-commands.js';
import { runShell, type ShellRun } from './support/run-shell.js';
import { makeWorkingCopy, ROOT, type WorkingCopy } from './support/working-copy.js';

const TARBALL = `iam-gitops-${packageJson.version}.tgz`;
const REPOSITORY = 'acme/iam-users';

let copy: WorkingCopy;
let roster: string;
let account: TestAccount;

interface Step {
  /** Where the reader runs it: the checkout of this repository, or the roster repository's root. */
  readonly cwd: 'checkout' | 'roster';
  /** What the reader does by hand before it, as the doc says. */
  readonly before?: () => Promise<void>;
  readonly expect: (result: ShellRun) => Promise<void> | void;
}

const managedUsers = async () =>
  (
    (await new IAMClient(account.clientConfig).send(new ListUsersCommand({ PathPrefix: '/iam-gitops/' })))
      .Users ?? []
  )
    .map((user) => user.UserName)
    .sort();

/** What each command must do; a documented command without a step here fails its test. */
const STEPS: Record<string, Step> = {
  'npm pack': {
    cwd: 'checkout',
    expect: async (result) => {
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n').at(-1)).toBe(TARBALL);
      expect(await readdir(copy.root)).toContain(TARBALL);
    },
  },
  [`npm install --save-dev ./${TARBALL}`]: {
    cwd: 'roster',
    // "in the roster repository, with the tarball copied there"
    before: () => copyFile(join(copy.root, TARBALL), join(roster, TARBALL)),
    expect: async (result) => {
      expect(result.code).toBe(0);
      const installed = JSON.parse(await readFile(join(roster, 'package.json'), 'utf8'));
      expect(installed.devDependencies).toEqual({ 'iam-gitops': `file:${TARBALL}` });
      expect(await readdir(join(roster, 'node_modules', '.bin'))).toEqual(['iam-gitops']);
    },
  },
  'npx iam-gitops --help': {
    cwd: 'roster',
    expect: (result) => {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^iam-gitops ${packageJson.version.replaceAll('.', '\\.')}: GitOps for AWS IAM users\n`),
      );
      for (const command of ['validate', 'plan', 'apply', 'resend USER', 'drift', 'invites'])
        expect(result.stdout).toContain(`  ${command}`);
    },
  },
  'npx iam-gitops validate': {
    cwd: 'roster',
    expect: (result) => {
      expect(result).toEqual({ code: 0, stdout: 'users: 3 users, all valid\n', stderr: '' });
    },
  },
  [`npx iam-gitops plan --repository ${REPOSITORY}`]: {
    cwd: 'roster',
    expect: async (result) => {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('**3 to create, 0 to update, 0 to offboard**');
      expect(await managedUsers()).toEqual([]);
    },
  },
  [`npx iam-gitops apply --repository ${REPOSITORY} --json`]: {
    cwd: 'roster',
    expect: async (result) => {
      expect(result.code).toBe(0);
      const applied = JSON.parse(result.stdout);
      expect(applied.plan.summary).toMatchObject({ create: 3, update: 0, offboard: 0, errors: 0 });
      expect(applied.result).toMatchObject({ failed: 0, skipped: 0 });
      expect(applied.result.succeeded).toBe(applied.plan.summary.changes);
      expect(await managedUsers()).toEqual(['alice@example.com', 'bob@example.com', 'ci-deployer']);
    },
  },
  [`npx iam-gitops resend alice@example.com --repository ${REPOSITORY}`]: {
    cwd: 'roster',
    expect: async (result) => {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Asked for new sign-in details for alice@example\.com: tagged/);
      const alice = await new IAMClient(account.clientConfig).send(
        new GetUserCommand({ UserName: 'alice@example.com' }),
      );
      expect(alice.User?.Tags?.find((tag) => tag.Key === 'iam-gitops:credentials-requested')?.Value).toMatch(
        / run cli$/,
      );
    },
  },
  [`npx iam-gitops drift --repository ${REPOSITORY} --fail-on-drift`]: {
    cwd: 'roster',
    expect: (result) => {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('No drift: IAM holds exactly what the roster says.');
    },
  },
  [`npx iam-gitops invites --repository ${REPOSITORY} --invite-expiry-days 7`]: {
    cwd: 'roster',
    expect: (result) => {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('No stale invitations');
    },
  },
  [`npx iam-gitops invites --repository ${REPOSITORY}`]: {
    cwd: 'roster',
    expect: (result) => {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('No stale invitations');
    },
  },
  [`npx iam-gitops invites --repository ${REPOSITORY} --invite-expiry-days 7 --expire-invites`]: {
    cwd: 'roster',
    expect: async (result) => {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('No stale invitations');
      expect(await managedUsers()).toEqual(['alice@example.com', 'bob@example.com', 'ci-deployer']);
    },
  },
  [`npx iam-gitops drift --repository ${REPOSITORY}`]: {
    cwd: 'roster',
    expect: (result) => {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('No drift: IAM holds exactly what the roster says.');
    },
  },
};

/** npm and npx with a cache of their own, offline: nothing is fetched from the registry. */
function npmEnv(): Record<string, string> {
  return {
    HOME: copy.scratch,
    npm_config_cache: join(copy.scratch, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

beforeAll(async () => {
  copy = await makeWorkingCopy();
  roster = join(copy.scratch, 'roster-repository');
  await mkdir(roster);
  await cp(join(ROOT, 'users'), join(roster, 'users'), { recursive: true });
  await copyFile(join(ROOT, 'iam-gitops.yaml'), join(roster, 'iam-gitops.yaml'));
  account = await freshAccount();
  const iam = new IAMClient(account.clientConfig);
  for (const group of ['developers', 'oncall', 'deployers'])
    await iam.send(new CreateGroupCommand({ GroupName: group }));
});

afterAll(async () => {
  await copy?.cleanup();
});

describe('the CLI commands of the README and docs/offboarding.md', () => {
  const commands = commandsRunBy('cli', commandsUnder(ROOT));

  it('include the install and every command of the CLI (control)', () => {
    expect(commands).toEqual(Object.keys(STEPS));
  });

  for (const command of commands) {
    it(`runs: ${command}`, async () => {
      const step = STEPS[command];
      if (step === undefined) throw new Error(`no step says what "${command}" must do: add one to STEPS`);
      await step.before?.();

      const result = await runShell(command, {
        cwd: step.cwd === 'checkout' ? copy.root : roster,
        env: { ...npmEnv(), ...account.env },
      });

      await step.expect(result);
      const printed = result.stdout + result.stderr;
      expect(printed).not.toContain(account.credentials.secretAccessKey);
      expect(printed).not.toContain(account.credentials.sessionToken);
    });
  }
});
