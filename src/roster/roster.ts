// The desired state: what the roster files say, resolved and checked across files.
import type { FieldPositions } from './parse-user-file.js';

export interface DesiredUser {
  readonly name: string;
  /** Resolved: the email field, else the name when it is an email address. */
  readonly email: string | undefined;
  readonly groups: readonly string[];
  readonly policies: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly console: boolean;
  readonly permissionsBoundary: string | undefined;
  readonly adopt: boolean;
  /**
   * Many accounts only: the accounts the user exists in (the file's `accounts`, else the
   * configuration's `defaultAccounts`). Absent when the configuration lists no accounts.
   */
  readonly accounts?: readonly string[];
  readonly source: {
    readonly file: string;
    readonly positions: FieldPositions;
  };
}

export interface Roster {
  readonly users: readonly DesiredUser[];
}
