// npm run demo, as a newcomer runs it: the whole story end to end, in under a minute, with no
// password in its output and no server left running. A forged re-send is refused on the way, and a
// hub with two member accounts gets one plan comment, one apply and emails naming each account.
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), 'lambda'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
});

describe('npm run demo', () => {
  it('tells the whole story within a minute and prints no password', async () => {
    const started = Date.now();
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'demo/run.ts'],
      {
        cwd: ROOT,
        // The run's temp directory (test/support/temp-dir-guard.ts), where tsx keeps its cache.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TMPDIR: tmpdir() },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const seconds = (Date.now() - started) / 1000;

    expect(seconds).toBeLessThan(60);
    expect(stdout).toContain('users/carol@example.com.yaml:2:9  groups: must be a list, not string');
    expect(stdout).toContain('**3 to create, 0 to update, 0 to offboard** · 10 changes');
    expect(stdout).toContain('**10 succeeded, 0 failed, 0 skipped**');
    expect(stdout).toContain('the EventBridge rule matched 3');
    expect(stdout.match(/Subject: Your AWS sign-in details for acme-demo/g)).toHaveLength(3);
    // A re-send forged by an IAM user is refused, counted, and sends nothing; the action's is answered.
    expect(stdout).toMatch(
      /log WARN "refused: not-apply-role" {2}eventName=TagUser user=alice@example\.com principal=arn:aws:iam::\d{12}:user\/mallory/,
    );
    expect(stdout).toContain(
      'metric IamGitops/RequestsRefused = 1 (service=credential-lambda; reason not-apply-role)',
    );
    expect(stdout).toContain('alice still has 1 email, and no new password');
    expect(stdout).toContain('alice now has 2 emails');
    expect(stdout).toMatch(/bob's login profile deleted, groups \[\]/);
    // Many accounts: one comment holding both, one merge applying both, each email naming its account.
    const comment = stdout.slice(stdout.indexOf('One pull request plans both accounts'));
    expect(comment).toMatch(/one sticky comment on the pull request \(1 comment\), both accounts in it/);
    expect(comment).toMatch(/\| `prod` \| \d{12} \| 2 \| 0 \| 0 \| 0 \| ✅ \|/);
    expect(comment).toMatch(/\| `staging` \| \d{12} \| 1 \| 0 \| 0 \| 0 \| ✅ \|/);
    expect(comment).toMatch(/### Account `prod` \(\d{12}\)[\s\S]*### Account `staging` \(\d{12}\)/);
    expect(stdout).toMatch(
      /One merge applies both accounts[\s\S]*\*\*4 succeeded, 0 failed, 0 skipped\*\*[\s\S]*\*\*2 succeeded, 0 failed, 0 skipped\*\*/,
    );
    expect(stdout).toMatch(/MEMBER_ACCOUNTS=\{"\d{12}":"prod","\d{12}":"staging"\}/);
    // Each member's CreateUser answered once by the central Lambda, in that member account.
    expect(stdout.match(/"sent" {2}eventName=CreateUser user=dave@example\.com/g)).toHaveLength(2);
    expect(stdout.match(/"sent" {2}eventName=CreateUser user=erin@example\.com/g)).toHaveLength(1);
    expect(stdout).toContain('Email to dave@example.com: 2 received, one per account');
    expect(stdout).toContain('Email to erin@example.com: 1 received, one per account');
    expect(stdout.match(/Subject: Your AWS sign-in details for acme-prod/g)).toHaveLength(2);
    expect(stdout.match(/Subject: Your AWS sign-in details for staging/g)).toHaveLength(1);
    expect(stdout).toMatch(/Done in \d+\.\d s/);
    // Every temporary password is masked; none of the Lambda's log lines carries one.
    expect(stdout).toMatch(/Temporary password {2}•{20}/);
    expect(stdout).not.toMatch(/Temporary password {2}[^•\s]/);
    expect(stdout).toMatch(
      /The Lambda wrote \d+ log and metric lines; none carries any of the 7 passwords it emailed/,
    );
  });
});
