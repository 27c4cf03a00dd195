// Stale invitations: managed console users whose sign-in details went out more than
// `invite-expiry-days` ago and were never used. A password that sits unused in a mailbox is a
// credential nobody watches; with `expire-invites: true` its login profile is deleted, and a
// re-send (TagUser iam-gitops:credentials-requested -> the credential Lambda) brings it back.
//
// Reads: the IAM snapshot (scope and tags; the caller may pass the one it already has), ListUsers
// under the managed path for PasswordLastUsed (GetAccountAuthorizationDetails does not return it),
// ceil(N/1000) calls, then GetLoginProfile only for managed console users who never signed in.
import {
  DeleteLoginProfileCommand,
  GetLoginProfileCommand,
  type IAMClient,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { TAG_CONSOLE, TAG_CREDENTIALS_REQUESTED } from '../contract.js';
import { isAwsError } from '../iam/aws-error.js';
import { readSnapshot } from '../iam/read-snapshot.js';
import type { IamSnapshot, IamUser } from '../iam/snapshot.js';
import { code, countOf } from '../plan/markdown.js';
import { isDisabled } from '../plan/offboard.js';
import type { Scope } from '../plan/plan.js';
import { placementOf } from '../plan/scope.js';
import { mapLimit } from '../util/map-limit.js';
import { type Sleep, withRetry } from '../util/retry.js';
import type { CoreSettings, InviteSettings } from './settings.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** GetLoginProfile / DeleteLoginProfile calls in flight at once. */
const CONCURRENCY = 4;
/** IAM's largest ListUsers page. */
const PAGE_SIZE = 1000;

export interface StaleInvite {
  readonly user: string;
  readonly arn: string;
  /** When the current sign-in details went out: the login profile's creation or a later re-send request. */
  readonly invitedAt: string;
  /** Whole days since then. */
  readonly ageDays: number;
  /** The login profile was deleted by this run (`expire-invites: true`). */
  readonly expired: boolean;
}

export interface StaleInviteReport {
  readonly scope: Scope;
  readonly expiryDays: number;
  /** Whether stale login profiles were deleted (`expire-invites`), or only reported. */
  readonly expireInvites: boolean;
  /** Managed console users who never signed in: each was checked with GetLoginProfile. */
  readonly checked: number;
  readonly stale: readonly StaleInvite[];
}

/**
 * Managed, enabled console users that have never used a password, by ListUsers' PasswordLastUsed.
 * Pure. A user IAM's listing does not show under the path is left out (it moved or is gone).
 */
export function neverSignedIn(
  snapshot: IamSnapshot,
  passwordLastUsed: ReadonlyMap<string, Date | undefined>,
  scope: Scope,
): IamUser[] {
  return snapshot.users.filter(
    (user) =>
      placementOf(user, scope) === 'managed' &&
      !isDisabled(user) &&
      user.tags[TAG_CONSOLE] !== 'false' &&
      passwordLastUsed.has(user.name) &&
      passwordLastUsed.get(user.name) === undefined,
  );
}

/**
 * When the current invitation went out. The credential Lambda answers a re-send by replacing the
 * password of an existing login profile, which keeps its CreateDate; the re-send request's tag
 * (`<ISO time> run <id>`) says when that was. Pure.
 */
export function invitedAt(user: IamUser, loginProfileCreated: Date): Date {
  const requested = new Date((user.tags[TAG_CREDENTIALS_REQUESTED] ?? '').split(' ')[0] ?? '');
  return !Number.isNaN(requested.getTime()) && requested > loginProfileCreated
    ? requested
    : loginProfileCreated;
}

/** True when sign-in details sent at `sent` have waited more than `expiryDays` by `now`. Pure. */
export function isStale(sent: Date, now: Date, expiryDays: number): boolean {
  return now.getTime() - sent.getTime() > expiryDays * DAY_MS;
}

async function listPasswordLastUsed(iam: IAMClient, iamPath: string): Promise<Map<string, Date | undefined>> {
  const result = new Map<string, Date | undefined>();
  for await (const page of paginateListUsers({ client: iam, pageSize: PAGE_SIZE }, { PathPrefix: iamPath })) {
    for (const user of page.Users ?? []) {
      if (user.UserName) result.set(user.UserName, user.PasswordLastUsed);
    }
  }
  return result;
}

async function loginProfileCreated(iam: IAMClient, userName: string): Promise<Date | undefined> {
  try {
    const answer = await iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return answer.LoginProfile?.CreateDate;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity')) return undefined;
    throw error;
  }
}

export interface StaleInviteOptions {
  readonly now?: () => Date;
  /** The snapshot the caller already read (a drift run has one); read here otherwise. */
  readonly snapshot?: IamSnapshot;
  readonly sleep?: Sleep;
}

/** Finds stale invitations and, with `settings.expireInvites`, deletes their login profiles. */
export async function findStaleInvites(
  iam: IAMClient,
  settings: Pick<CoreSettings, 'iamPath' | 'repository'> & InviteSettings,
  options: StaleInviteOptions = {},
): Promise<StaleInviteReport> {
  const scope: Scope = { iamPath: settings.iamPath, repository: settings.repository };
  const now = (options.now ?? (() => new Date()))();
  const snapshot = options.snapshot ?? (await readSnapshot(iam));
  const candidates = neverSignedIn(snapshot, await listPasswordLastUsed(iam, scope.iamPath), scope);

  const found = await mapLimit(candidates, CONCURRENCY, async (user): Promise<StaleInvite | undefined> => {
    const created = await loginProfileCreated(iam, user.name);
    if (created === undefined) return undefined;
    const sent = invitedAt(user, created);
    if (!isStale(sent, now, settings.inviteExpiryDays)) return undefined;
    if (settings.expireInvites) {
      await withRetry(
        async () => {
          try {
            await iam.send(new DeleteLoginProfileCommand({ UserName: user.name }));
          } catch (error) {
            if (!isAwsError(error, 'NoSuchEntity')) throw error;
          }
        },
        {
          shouldRetry: (error) =>
            isAwsError(error, 'EntityTemporarilyUnmodifiable', 'ConcurrentModification'),
          ...(options.sleep ? { sleep: options.sleep } : {}),
        },
      );
    }
    return {
      user: user.name,
      arn: user.arn,
      invitedAt: sent.toISOString(),
      ageDays: Math.floor((now.getTime() - sent.getTime()) / DAY_MS),
      expired: settings.expireInvites,
    };
  });

  return {
    scope,
    expiryDays: settings.inviteExpiryDays,
    expireInvites: settings.expireInvites,
    checked: candidates.length,
    stale: found
      .filter((invite): invite is StaleInvite => invite !== undefined)
      .sort((a, b) => a.user.localeCompare(b.user)),
  };
}

export function renderStaleInvitesMarkdown(report: StaleInviteReport): string {
  const count = report.stale.length;
  const lines = [
    `### iam-gitops stale invitations for ${code(report.scope.repository)} at ${code(report.scope.iamPath)}`,
    '',
  ];
  if (count === 0) {
    lines.push(
      `No stale invitations: every managed console user signed in, or was invited less than ${report.expiryDays} days ago.`,
      '',
    );
    return lines.join('\n');
  }
  lines.push(
    report.expireInvites
      ? `**${countOf(count, 'stale invitation')} expired**: sent more than ${report.expiryDays} days ago and never used, so the login profile was deleted.`
      : `**${countOf(count, 'stale invitation')}**: sent more than ${report.expiryDays} days ago and never used. Set \`expire-invites: true\` to delete their login profiles.`,
    '',
    '| User | Invited | Days | Login profile |',
    '|---|---|---|---|',
  );
  for (const invite of report.stale) {
    lines.push(
      `| ${code(invite.user)} | ${code(invite.invitedAt)} | ${invite.ageDays} | ${invite.expired ? 'deleted' : 'kept'} |`,
    );
  }
  lines.push(
    '',
    'A re-send (run the workflow with the `user` input) sets a new password and emails it, whether or not the login profile was deleted.',
    '',
  );
  return lines.join('\n');
}
