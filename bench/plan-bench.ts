// Benchmarks the core against moto for N managed users: a no-op plan, a plan with 1% changes,
// apply of N new users, and the per-user read strategy of Terraform's AWS provider (GetUser,
// GetLoginProfile, ListGroupsForUser, ListAttachedUserPolicies per user) as the baseline.
// Usage: npm run bench [-- --sizes 100,1000,5000] [-- --out docs/benchmarks.md]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  type ListUsersCommandOutput,
} from '@aws-sdk/client-iam';
import { makePlan, validateRoster } from '../src/commands/make-plan.js';
import type { CoreSettings } from '../src/commands/settings.js';
import { CHANGE_PASSWORD_POLICY_ARN, TAG_CONSOLE, TAG_EMAIL, TAG_MANAGED_BY } from '../src/contract.js';
import { applyPlan } from '../src/iam/apply-plan.js';
import { changeCount, type Plan } from '../src/plan/plan.js';
import { mapLimit } from '../src/util/map-limit.js';
import { accountIn } from '../test/support/moto-account.js';
import { makeRosterDir, type RosterDir } from '../test/support/roster-dir.js';
import { countCalls } from './call-counter.js';

const REPOSITORY = 'bench/iam-users';
const IAM_PATH = '/iam-gitops/';
const GROUP = 'engineers';
const IN_FLIGHT = 8;

export interface SizeResult {
  readonly users: number;
  readonly noopPlan: Measured;
  readonly onePercentPlan: Measured & { readonly changes: number };
  readonly apply: Measured & { readonly changes: number };
  readonly baseline: Measured;
}

export interface Measured {
  readonly ms: number;
  readonly calls: number;
  readonly byOperation: Record<string, number>;
}

const userName = (i: number) => `user${String(i).padStart(5, '0')}@example.com`;

function userFile(i: number, team = 'platform') {
  return { name: userName(i), groups: [GROUP], tags: { team } };
}

async function writeRoster(count: number): Promise<RosterDir> {
  const dir = await makeRosterDir();
  for (let start = 0; start < count; start += 500) {
    const batch: Record<string, Record<string, unknown>> = {};
    for (let i = start; i < Math.min(count, start + 500); i++) batch[`${userName(i)}.yaml`] = userFile(i);
    await dir.write(batch);
  }
  return dir;
}

/** Creates users exactly as an apply would leave them, without going through the code under test. */
async function seedManagedUsers(iam: IAMClient, count: number): Promise<void> {
  await iam.send(new CreateGroupCommand({ GroupName: GROUP }));
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    IN_FLIGHT,
    async (i) => {
      const name = userName(i);
      await iam.send(
        new CreateUserCommand({
          UserName: name,
          Path: IAM_PATH,
          Tags: [
            { Key: 'team', Value: 'platform' },
            { Key: TAG_MANAGED_BY, Value: REPOSITORY },
            { Key: TAG_CONSOLE, Value: 'true' },
            { Key: TAG_EMAIL, Value: name },
          ],
        }),
      );
      await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: CHANGE_PASSWORD_POLICY_ARN }));
      await iam.send(new AddUserToGroupCommand({ UserName: name, GroupName: GROUP }));
    },
  );
}

async function measure<T>(client: IAMClient, work: () => Promise<T>): Promise<Measured & { value: T }> {
  const counter = countCalls(client);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  client.middlewareStack.remove('iamGitopsCallCounter');
  return { ms, calls: counter.total(), byOperation: counter.byOperation(), value };
}

async function planned(settings: CoreSettings, iam: IAMClient): Promise<Plan> {
  const validated = await validateRoster(settings);
  if (validated.kind !== 'valid') throw new Error('bench roster is invalid');
  return (await makePlan(validated, settings, iam)).plan;
}

/** What Terraform's AWS provider reads to refresh one aws_iam_user with its login profile, groups and policies. */
async function perUserBaseline(iam: IAMClient): Promise<number> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page: ListUsersCommandOutput = await iam.send(
      new ListUsersCommand({ PathPrefix: IAM_PATH, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  await mapLimit(names, IN_FLIGHT, async (name) => {
    await iam.send(new GetUserCommand({ UserName: name }));
    await iam.send(new GetLoginProfileCommand({ UserName: name })).catch(() => undefined);
    await iam.send(new ListGroupsForUserCommand({ UserName: name }));
    await iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }));
  });
  return names.length;
}

export async function benchSize(
  endpoint: string,
  users: number,
  log: (line: string) => void,
): Promise<SizeResult> {
  const existing = await accountIn(endpoint);
  const iam = new IAMClient({ ...existing.clientConfig, maxAttempts: 3 });
  log(`  seeding ${users} managed users`);
  await seedManagedUsers(iam, users);
  const roster = await writeRoster(users);
  const settings: CoreSettings = {
    usersDir: roster.usersDir,
    displayDir: 'users',
    iamPath: IAM_PATH,
    repository: REPOSITORY,
    emailDomain: undefined,
  };
  try {
    log('  no-op plan');
    const noop = await measure(iam, () => planned(settings, iam));
    if (changeCount(noop.value) !== 0) throw new Error(`no-op plan has ${changeCount(noop.value)} changes`);

    const changed = Math.max(1, Math.round(users / 100));
    const edits: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < changed; i++) edits[`${userName(i * 100)}.yaml`] = userFile(i * 100, 'security');
    await roster.write(edits);
    log(`  plan with ${changed} edited files`);
    const onePercent = await measure(iam, () => planned(settings, iam));

    log('  per-user baseline');
    const baseline = await measure(iam, () => perUserBaseline(iam));

    log(`  apply of ${users} new users`);
    const empty = await accountIn(endpoint);
    const fresh = new IAMClient({ ...empty.clientConfig, maxAttempts: 3 });
    await fresh.send(new CreateGroupCommand({ GroupName: GROUP }));
    await roster.write(Object.fromEntries(Object.keys(edits).map((file, k) => [file, userFile(k * 100)])));
    const toCreate = await planned(settings, fresh);
    const applied = await measure(fresh, () => applyPlan(fresh, toCreate, { concurrency: IN_FLIGHT }));
    if (applied.value.failed > 0)
      throw new Error(`${applied.value.failed} changes failed during the bench apply`);

    const strip = <T extends Measured>(m: T): Measured => ({
      ms: m.ms,
      calls: m.calls,
      byOperation: m.byOperation,
    });
    return {
      users,
      noopPlan: strip(noop),
      onePercentPlan: { ...strip(onePercent), changes: changeCount(onePercent.value) },
      apply: { ...strip(applied), changes: changeCount(toCreate) },
      baseline: strip(baseline),
    };
  } finally {
    await roster.cleanup();
  }
}

export function parseSizes(argv: string[]): { sizes: number[]; out: string | undefined } {
  const { values } = parseArgs({
    args: argv,
    options: { sizes: { type: 'string' }, out: { type: 'string' } },
  });
  const sizes = (values.sizes ?? '100,1000,5000').split(',').map((s) => Number.parseInt(s, 10));
  return { sizes, out: values.out };
}
