import { describe, expect, it } from 'vitest';
import { TAG_MANAGED_BY } from '../../../src/contract.js';
import { IAM_PATH_PATTERN, isUnderPath, normalizeIamPath, placementOf } from '../../../src/plan/scope.js';
import { iamUser, REPOSITORY, SCOPE } from '../support/factories.js';

describe('isUnderPath', () => {
  it('is true for the path and paths below it, case-sensitively', () => {
    expect(isUnderPath({ path: '/iam-gitops/' }, '/iam-gitops/')).toBe(true);
    expect(isUnderPath({ path: '/iam-gitops/team/' }, '/iam-gitops/')).toBe(true);
    expect(isUnderPath({ path: '/IAM-GitOps/' }, '/iam-gitops/')).toBe(false);
    expect(isUnderPath({ path: '/iam-gitops-old/' }, '/iam-gitops/')).toBe(false);
    expect(isUnderPath({ path: '/' }, '/iam-gitops/')).toBe(false);
  });
});

describe('placementOf', () => {
  it('is managed under the path with this repository’s tag', () => {
    const user = iamUser('a', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: REPOSITORY } });

    expect(placementOf(user, SCOPE)).toBe('managed');
  });

  it('is unmanaged under the path with another tag or none', () => {
    expect(
      placementOf(iamUser('a', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: 'x/y' } }), SCOPE),
    ).toBe('unmanaged');
    expect(placementOf(iamUser('a', { path: '/iam-gitops/' }), SCOPE)).toBe('unmanaged');
  });

  it('is outside elsewhere, whatever the tag says', () => {
    expect(placementOf(iamUser('a', { path: '/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }), SCOPE)).toBe(
      'outside',
    );
  });
});

describe('normalizeIamPath', () => {
  it.each([
    ['iam-gitops', '/iam-gitops/'],
    ['/iam-gitops', '/iam-gitops/'],
    ['iam-gitops/', '/iam-gitops/'],
    ['  /a/b/  ', '/a/b/'],
    ['/', '/'],
  ])('turns %j into %j', (input, output) => {
    expect(normalizeIamPath(input)).toBe(output);
  });
});

describe('IAM_PATH_PATTERN', () => {
  it.each(['/', '/iam-gitops/', '/a/b/c/'])('accepts %j', (path) => {
    expect(IAM_PATH_PATTERN.test(path)).toBe(true);
  });

  it.each(['iam-gitops', '/iam-gitops', '/a b/', '//', '/é/'])('refuses %j', (path) => {
    expect(IAM_PATH_PATTERN.test(path)).toBe(false);
  });
});
