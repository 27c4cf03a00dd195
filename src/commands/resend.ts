// Re-send a user's sign-in details: tag the user `iam-gitops:credentials-requested` and let the
// credential Lambda do the rest (a new password, one email). The action never sees a password.
// Only a console user the roster names and this repository manages under the path is tagged:
// the roster is checked first (before any AWS call), then IAM with one GetUser, then comes the one
// TagUser call: two IAM calls, whatever the size of the account.
import { GetUserCommand, type IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { TAG_CREDENTIALS_REQUESTED } from '../contract.js';
import { isAwsError } from '../iam/aws-error.js';
import type { IamUser } from '../iam/snapshot.js';
import { placementOf } from '../plan/scope.js';
import type { DesiredUser, Roster } from '../roster/roster.js';
import type { CoreSettings } from './settings.js';

/** A request that is refused: nothing was tagged. */
export class ResendRefused extends Error {
  override readonly name = 'ResendRefused';
}

export interface ResendRequested {
  readonly user: string;
  readonly arn: string;
  /** The tag value written: ISO time and run id. */
  readonly value: string;
}

/** `2025-01-31T09:30:00.000Z run 123456789`: when, and which workflow run asked. */
export function requestTagValue(now: Date, runId: string): string {
  return `${now.toISOString()} run ${runId}`;
}

/** The roster's entry for `name`, if it may receive credentials. Pure. */
export function rosterUserFor(roster: Roster, name: string): DesiredUser {
  const user = roster.users.find((candidate) => candidate.name === name);
  if (user === undefined) {
    const alike = roster.users.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    throw new ResendRefused(
      alike === undefined
        ? `"${name}" is not in the roster; credentials are re-sent only to users the roster names`
        : `"${name}" is not in the roster; did you mean "${alike.name}" (${alike.source.file})?`,
    );
  }
  if (!user.console) {
    throw new ResendRefused(
      `"${name}" has console: false in ${user.source.file}; there are no sign-in details to re-send`,
    );
  }
  return user;
}

/** What GetUser tells about a user: enough to decide scope. */
export type IamUserHeader = Pick<IamUser, 'name' | 'arn' | 'path' | 'tags'>;

/**
 * The IAM user behind a roster entry, if this repository manages it. Pure. `current` is what IAM
 * answered for `name` (IAM looks names up regardless of case): undefined when there is no such user.
 */
export function managedIamUser(
  current: IamUserHeader | undefined,
  settings: CoreSettings,
  name: string,
): IamUserHeader {
  const scope = { iamPath: settings.iamPath, repository: settings.repository };
  if (current === undefined) {
    throw new ResendRefused(
      `"${name}" does not exist in IAM yet; apply creates it, and its creation sends the sign-in details`,
    );
  }
  switch (placementOf(current, scope)) {
    case 'outside':
      throw new ResendRefused(
        `IAM user "${current.name}" is outside the managed path ${scope.iamPath} (at ${current.path}); it is not touched`,
      );
    case 'unmanaged':
      throw new ResendRefused(
        `IAM user "${current.name}" is not managed by ${scope.repository}; it is not touched`,
      );
    case 'managed':
      break;
  }
  if (current.name !== name) {
    throw new ResendRefused(`IAM holds this user as "${current.name}"; use that spelling`);
  }
  return current;
}

/** One GetUser. The apply role may read only users under the managed path: AccessDenied means outside it. */
async function readUser(
  iam: IAMClient,
  name: string,
  settings: CoreSettings,
): Promise<IamUserHeader | undefined> {
  try {
    const { User: user } = await iam.send(new GetUserCommand({ UserName: name }));
    if (user?.UserName === undefined || user.Arn === undefined) return undefined;
    return {
      name: user.UserName,
      arn: user.Arn,
      path: user.Path ?? '/',
      tags: Object.fromEntries(
        (user.Tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])),
      ),
    };
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity')) return undefined;
    if (isAwsError(error, 'AccessDenied')) {
      throw new ResendRefused(
        `IAM user "${name}" may not be read by this role, so it is not under the managed path ${settings.iamPath}; it is not touched`,
      );
    }
    throw error;
  }
}

/** Tags `user` (an entry of a valid roster, see rosterUserFor) once IAM confirms it is managed here. */
export async function requestCredentials(
  iam: IAMClient,
  settings: CoreSettings,
  user: DesiredUser,
  request: { readonly now: Date; readonly runId: string },
): Promise<ResendRequested> {
  const current = managedIamUser(await readUser(iam, user.name, settings), settings, user.name);
  const value = requestTagValue(request.now, request.runId);
  await iam.send(
    new TagUserCommand({ UserName: current.name, Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: value }] }),
  );
  return { user: current.name, arn: current.arn, value };
}
