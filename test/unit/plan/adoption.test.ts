import { describe, expect, it } from 'vitest';
import { CHANGE_PASSWORD_POLICY_ARN, TAG_CONSOLE, TAG_EMAIL, TAG_MANAGED_BY } from '../../../src/contract.js';
import { adoptionChanges, planChanges } from '../../../src/plan/diff.js';
import { desiredUser, iamUser, REPOSITORY, SCOPE, snapshotOf } from '../support/factories.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const KNOWN = { groups: ['developers', 'legacy'], policies: [READ_ONLY, CHANGE_PASSWORD_POLICY_ARN] };
const NAME_AT = new Map([
  ['name', { line: 1, column: 7 }],
  ['adopt', { line: 4, column: 8 }],
]);

const bobFile = (adopt: boolean) =>
  desiredUser('bob@example.com', {
    groups: ['developers'],
    tags: { team: 'platform' },
    adopt,
    source: { file: 'users/bob@example.com.yaml', positions: NAME_AT },
  });

/** Bob as someone made him by hand years ago: at the root path, in a legacy group, with a tag of his own. */
const handMadeBob = iamUser('bob@example.com', {
  path: '/',
  groups: ['legacy'],
  attachedPolicyArns: [READ_ONLY],
  tags: { cost: 'ops' },
});

describe('planChanges, adoption', () => {
  it('refuses a name taken outside the scope without adopt: true, and changes nothing', () => {
    const plan = planChanges({ users: [bobFile(false)] }, snapshotOf([handMadeBob], KNOWN), SCOPE);

    expect(plan.errors).toEqual([
      {
        file: 'users/bob@example.com.yaml',
        field: 'name',
        line: 1,
        column: 7,
        message:
          'an IAM user "bob@example.com" already exists outside the managed path /iam-gitops/ (at /); it is not changed',
      },
    ]);
    expect(plan.users).toEqual([]);
  });

  it('with adopt: true, moves the user under the path, tags it in full, then applies the usual diff', () => {
    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([handMadeBob], KNOWN), SCOPE);

    expect(plan.errors).toEqual([]);
    expect(plan.users).toEqual([
      {
        user: 'bob@example.com',
        action: 'adopt',
        file: 'users/bob@example.com.yaml',
        changes: [
          { kind: 'move-user', user: 'bob@example.com', fromPath: '/', toPath: '/iam-gitops/' },
          {
            kind: 'tag-user',
            user: 'bob@example.com',
            tags: [
              { key: 'team', value: 'platform' },
              { key: TAG_MANAGED_BY, value: REPOSITORY },
              { key: TAG_CONSOLE, value: 'true' },
              { key: TAG_EMAIL, value: 'bob@example.com' },
            ],
          },
          { kind: 'detach-policy', user: 'bob@example.com', policyArn: READ_ONLY },
          { kind: 'attach-policy', user: 'bob@example.com', policyArn: CHANGE_PASSWORD_POLICY_ARN },
          { kind: 'remove-from-group', user: 'bob@example.com', group: 'legacy' },
          { kind: 'add-to-group', user: 'bob@example.com', group: 'developers' },
          { kind: 'untag-user', user: 'bob@example.com', keys: ['cost'] },
        ],
      },
    ]);
    expect(plan.offboard).toEqual([]);
  });

  it('tags without moving a user already under the path that has no managed-by tag', () => {
    const untagged = iamUser('bob@example.com', { path: '/iam-gitops/' });

    const changes = adoptionChanges(bobFile(true), untagged, SCOPE).map((change) => change.kind);

    expect(changes).toEqual(['tag-user', 'attach-policy', 'add-to-group']);
  });

  it('takes over a user outside the path that already carries this repository’s tag', () => {
    const strayed = iamUser('bob@example.com', { path: '/old/', tags: { [TAG_MANAGED_BY]: REPOSITORY } });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([strayed], KNOWN), SCOPE);

    expect(plan.users[0]?.action).toBe('adopt');
    expect(plan.users[0]?.changes[0]).toEqual({
      kind: 'move-user',
      user: 'bob@example.com',
      fromPath: '/old/',
      toPath: '/iam-gitops/',
    });
  });

  it.each([
    ['outside the path', '/contractors/'],
    ['under the path', '/iam-gitops/'],
  ])('never adopts a user another repository manages (%s), even with adopt: true', (_label, path) => {
    const theirs = iamUser('bob@example.com', { path, tags: { [TAG_MANAGED_BY]: 'acme/other-repo' } });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([theirs], KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.errors).toEqual([
      {
        file: 'users/bob@example.com.yaml',
        field: 'adopt',
        line: 4,
        column: 8,
        message: `an IAM user "bob@example.com" already exists at ${path} and is managed by acme/other-repo; adopt: true takes over only users no other repository manages, so it is not changed`,
      },
    ]);
  });

  it('refuses to adopt a user whose name differs in case, as for any other user', () => {
    const upper = iamUser('Bob@example.com', { path: '/' });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([upper], KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.errors.map((issue) => issue.field)).toEqual(['name']);
  });

  it('plans an adopted user as an ordinary update once it is in scope', () => {
    const adopted = iamUser('bob@example.com', {
      path: '/iam-gitops/',
      groups: ['developers'],
      attachedPolicyArns: [CHANGE_PASSWORD_POLICY_ARN],
      tags: {
        team: 'platform',
        [TAG_MANAGED_BY]: REPOSITORY,
        [TAG_CONSOLE]: 'true',
        [TAG_EMAIL]: 'bob@example.com',
      },
    });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([adopted], KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.unchanged).toEqual(['bob@example.com']);
  });
});
