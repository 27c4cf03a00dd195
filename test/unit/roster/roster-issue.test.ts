import { describe, expect, it } from 'vitest';
import { compareIssues, formatIssue, type RosterIssue } from '../../../src/roster/roster-issue.js';

const issue = (file: string, line: number, column: number, field = ''): RosterIssue => ({
  file,
  line,
  column,
  field,
  message: 'm',
});

describe('formatIssue', () => {
  it('is FILE:LINE:COL: field: message, or without the field for the whole file', () => {
    expect(formatIssue({ ...issue('users/a.yaml', 3, 9, 'groups.1'), message: 'bad' })).toBe(
      'users/a.yaml:3:9: groups.1: bad',
    );
    expect(formatIssue({ ...issue('users/a.yaml', 1, 1), message: 'is empty' })).toBe(
      'users/a.yaml:1:1: is empty',
    );
  });
});

describe('compareIssues', () => {
  it('orders by file, then line, then column', () => {
    const issues = [
      issue('users/b.yaml', 1, 1),
      issue('users/a.yaml', 2, 5),
      issue('users/a.yaml', 2, 1),
      issue('users/a.yaml', 10, 1),
    ];

    expect([...issues].sort(compareIssues)).toEqual([
      issue('users/a.yaml', 2, 1),
      issue('users/a.yaml', 2, 5),
      issue('users/a.yaml', 10, 1),
      issue('users/b.yaml', 1, 1),
    ]);
  });
});
