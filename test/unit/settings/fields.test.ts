// The pieces src/settings/fields.ts gives the settings surfaces (action inputs, CLI flags).
import { describe, expect, it } from 'vitest';
import {
  groupName,
  isIamUserName,
  isUniqueIgnoringCase,
  localPath,
  nonEmptyUniqueList,
  oneOf,
  repositoryPath,
  roleDurationSeconds,
  roleSessionName,
  wholeNumber,
  yamlBoolean,
} from '../../../src/settings/fields.js';

const message = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message);

describe('isIamUserName', () => {
  it('is 1-64 characters of IAM user names', () => {
    expect(['a', 'alice@example.com', 'x+y=z,w.v_u-t', 'n'.repeat(64)].map(isIamUserName)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['', 'a b', 'n'.repeat(65), 'a/b'].map(isIamUserName)).toEqual([false, false, false, false]);
  });
});

describe('isUniqueIgnoringCase', () => {
  it('finds a name given twice in any case, as IAM compares names', () => {
    expect(isUniqueIgnoringCase(['Developers', 'oncall'])).toBe(true);
    expect(isUniqueIgnoringCase(['Developers', 'developers'])).toBe(false);
    expect(isUniqueIgnoringCase([])).toBe(true);
  });
});

describe('nonEmptyUniqueList', () => {
  const groups = nonEmptyUniqueList(groupName, 'list at least one group');

  it('takes one or more distinct items', () => {
    expect(groups.parse(['developers', 'oncall'])).toEqual(['developers', 'oncall']);
  });

  it('refuses an empty list with its own message, and a repeat in any case', () => {
    expect(message(groups.safeParse([]))).toEqual(['list at least one group']);
    expect(message(groups.safeParse(['oncall', 'OnCall']))).toEqual(['must not repeat']);
  });
});

describe('wholeNumber', () => {
  const number = wholeNumber(1, 10);

  it('reads decimal digits within the bounds', () => {
    expect(['1', '10', '007'].map((text) => number.parse(text))).toEqual([1, 10, 7]);
  });

  it.each(['0', '11', '-1', '1.5', '1e1', ' 3', '', 'three'])('refuses %j with one message', (text) => {
    expect(message(number.safeParse(text))).toEqual(['must be a whole number from 1 to 10']);
  });
});

describe('roleDurationSeconds', () => {
  it("is STS's range, 15 minutes to 12 hours", () => {
    expect(roleDurationSeconds.parse('900')).toBe(900);
    expect(roleDurationSeconds.parse('43200')).toBe(43_200);
    expect(roleDurationSeconds.safeParse('899').success).toBe(false);
  });
});

describe('yamlBoolean', () => {
  it('reads the YAML 1.2 core schema booleans', () => {
    expect(
      ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'].map((text) => yamlBoolean.parse(text)),
    ).toEqual([true, true, true, false, false, false]);
  });

  it.each(['yes', 'no', 'on', '1', 'tRUE', ''])('refuses %j rather than reading false', (text) => {
    expect(message(yamlBoolean.safeParse(text))).toEqual(['must be true or false']);
  });
});

describe('localPath', () => {
  it('takes any non-empty path', () => {
    expect(localPath.parse('/abs/users')).toBe('/abs/users');
    expect(localPath.parse('../users')).toBe('../users');
  });

  it('refuses an empty path and a NUL character', () => {
    expect(message(localPath.safeParse(''))).toEqual(['must not be empty']);
    expect(message(localPath.safeParse('a\0b'))).toEqual(['must not contain a NUL character']);
  });
});

describe('repositoryPath', () => {
  it('normalizes a path inside the repository', () => {
    expect(
      ['users', './users/', 'iam//users', 'a/../users', '..users'].map((p) => repositoryPath.parse(p)),
    ).toEqual(['users', 'users', 'iam/users', 'users', '..users']);
  });

  it.each(['/etc/users', '..', '../users', 'a/../../users'])('refuses %j, which leads outside', (path) => {
    expect(message(repositoryPath.safeParse(path))).toEqual([
      'must be a path inside the repository, relative to its root',
    ]);
  });
});

describe('roleSessionName', () => {
  it("is STS's RoleSessionName", () => {
    expect(roleSessionName.parse('run-42@acme')).toBe('run-42@acme');
    expect(message(roleSessionName.safeParse('a'))).toEqual(['must be 2-64 letters, digits or +=,.@_-']);
  });
});

describe('oneOf', () => {
  it('takes one of the words and names them all otherwise', () => {
    const mode = oneOf(['disable', 'delete'] as const);

    expect(mode.parse('delete')).toBe('delete');
    expect(message(mode.safeParse('purge'))).toEqual(['must be one of disable, delete']);
  });
});
