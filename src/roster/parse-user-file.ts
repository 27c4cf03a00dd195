// Parses one roster file into a typed user and the source position of every field, so any
// later finding (a schema error here, a missing group in the plan) can point at its line.
import { type FieldPositions, parseLocatedYaml } from '../yaml/located-yaml.js';
import type { RosterIssue } from './roster-issue.js';
import { type UserFile, userFileSchema } from './user-schema.js';

export { type FieldPositions, positionFor } from '../yaml/located-yaml.js';

export interface ParsedUserFile {
  readonly user: UserFile | undefined;
  /** The `name` field when it is a string, even if other fields are invalid, for cross-file checks. */
  readonly name: string | undefined;
  readonly positions: FieldPositions;
  readonly issues: RosterIssue[];
}

export function parseUserFile(file: string, text: string): ParsedUserFile {
  const parsed = parseLocatedYaml(file, text, userFileSchema, {
    describes: 'one user',
    fieldsHint: 'name, email, groups, ...',
    oneDocumentHint: 'use one file per user',
  });
  const rawName = parsed.data?.name;
  return {
    user: parsed.value,
    name: typeof rawName === 'string' ? rawName : undefined,
    positions: parsed.positions,
    issues: parsed.issues,
  };
}
