// The sticky comment against a local stand-in for GitHub's REST API (real octokit, real HTTP).
import * as core from '@actions/core';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../../support/fake-github.js';

vi.mock('@actions/core');

// @actions/github reads GITHUB_API_URL when it is first imported: start the stand-in first.
const fake: FakeGitHub = await startFakeGitHub({ repository: 'acme/iam-users' });
process.env.GITHUB_API_URL = fake.apiUrl;
const github = await import('@actions/github');
const { PLAN_MARKER, planCommentBody, postPlanComment, upsertStickyComment } = await import(
  '../../../src/github/pr-comment.js'
);

const target = { owner: 'acme', repo: 'iam-users', issueNumber: 42 };
const links = { runUrl: 'https://github.com/acme/iam-users/actions/runs/7', commit: '4b1c2d3e4f5a6b7c' };
let octokit: ReturnType<typeof github.getOctokit>;

beforeEach(() => {
  fake.comments.splice(0);
  fake.requests.splice(0);
  vi.mocked(core.warning).mockReset();
  vi.mocked(core.info).mockReset();
  octokit = github.getOctokit(fake.apiToken, { baseUrl: fake.apiUrl });
});

afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await fake.close();
});

const writes = () => fake.requests.filter((request) => request.method !== 'GET').map((r) => r.method);

describe('planCommentBody', () => {
  it('starts with the marker and ends with the commit and the run', () => {
    expect(planCommentBody('### plan', links)).toBe(
      `${PLAN_MARKER}\n### plan\n\n<sub>iam-gitops plan for commit 4b1c2d3 · [run](${links.runUrl})</sub>`,
    );
  });

  it("cuts a plan longer than GitHub's limit and points at the job summary", () => {
    const plan = Array.from({ length: 2000 }, (_, i) => `| row ${i} | ${'x'.repeat(40)} |`).join('\n');

    const body = planCommentBody(plan, links);

    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(60_000);
    expect(body).toMatch(
      /\n\n> \[!NOTE\]\n> The plan is too long for a comment: \d+ of \d+ characters are shown\. The whole plan is in the \[job summary\]\(https:\/\/github\.com\/acme\/iam-users\/actions\/runs\/7\)\.\n\n<sub>/,
    );
  });

  it('leaves out what it does not know', () => {
    expect(planCommentBody('p', { runUrl: undefined, commit: undefined })).toBe(`${PLAN_MARKER}\np`);
  });
});

describe('upsertStickyComment', () => {
  it('creates the comment when there is none', async () => {
    fake.seedComments(42, ['LGTM', `quoting ${PLAN_MARKER} mid-text does not count`]);

    const result = await upsertStickyComment(octokit, target, `${PLAN_MARKER}\none`);

    expect(result).toMatchObject({ action: 'created', id: expect.any(Number) });
    expect(fake.comments.map((c) => c.body)).toEqual([
      'LGTM',
      `quoting ${PLAN_MARKER} mid-text does not count`,
      `${PLAN_MARKER}\none`,
    ]);
  });

  it('edits its own comment in place, found on a later page', async () => {
    fake.seedComments(
      42,
      Array.from({ length: 150 }, (_, i) => `comment ${i}`),
    );
    const first = await upsertStickyComment(octokit, target, `${PLAN_MARKER}\none`);
    fake.seedComments(42, ['after']);

    const second = await upsertStickyComment(octokit, target, `${PLAN_MARKER}\ntwo`);

    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(fake.comments.filter((c) => c.body.startsWith(PLAN_MARKER)).map((c) => c.body)).toEqual([
      `${PLAN_MARKER}\ntwo`,
    ]);
    expect(writes()).toEqual(['POST', 'PATCH']);
    expect(fake.requests.filter((r) => r.path.includes('page=2')).length).toBeGreaterThan(0);
  });

  it('does not write when the comment already says the same', async () => {
    await upsertStickyComment(octokit, target, `${PLAN_MARKER}\nsame`);

    const again = await upsertStickyComment(octokit, target, `${PLAN_MARKER}\nsame`);

    expect(again.action).toBe('unchanged');
    expect(writes()).toEqual(['POST']);
  });

  it('keeps comments of other pull requests apart', async () => {
    await upsertStickyComment(octokit, { ...target, issueNumber: 7 }, `${PLAN_MARKER}\nseven`);

    const result = await upsertStickyComment(octokit, target, `${PLAN_MARKER}\nforty-two`);

    expect(result.action).toBe('created');
    expect(fake.comments.map((c) => [c.issueNumber, c.body])).toEqual([
      [7, `${PLAN_MARKER}\nseven`],
      [42, `${PLAN_MARKER}\nforty-two`],
    ]);
  });
});

describe('postPlanComment', () => {
  it('posts the plan through the API at GITHUB_API_URL and logs where', async () => {
    const result = await postPlanComment({ token: fake.apiToken, target, markdown: '### plan', ...links });

    expect(result?.action).toBe('created');
    expect(fake.comments).toHaveLength(1);
    expect(core.info).toHaveBeenCalledWith(`plan comment created: ${result?.url}`);
  });

  it('warns, without failing, when GitHub refuses', async () => {
    const result = await postPlanComment({ token: 'not-the-token', target, markdown: '### plan', ...links });

    expect(result).toBeUndefined();
    expect(core.warning).toHaveBeenCalledTimes(1);
    expect(vi.mocked(core.warning).mock.calls[0]?.[0]).toMatch(
      /^could not write the plan comment on #42: .*Bad credentials.*\. The job needs `permissions: pull-requests: write`; the plan is in the job summary\.$/,
    );
  });
});
