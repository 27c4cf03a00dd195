// The credential flow for one request whose provenance is accepted: check that the event agrees
// with the user as IAM has it now, set a new temporary password, email it, and mark the user so
// that a redelivered event sends nothing.
//
// Exactly once, as far as AWS allows: the marker is written only after SES accepted the email, so
// a crash anywhere before it is repaired by the redelivery (a new password, then the email); a
// crash between the send and the marker sends a second email with a newer password. A duplicate
// is preferred to a lost email: the newest email always holds the working password.
//
// AWS calls: GetUser, Create/UpdateLoginProfile, SendEmail, TagUser; the password policy and the
// account alias come from AccountFacts, read at most once per account every few minutes.
import {
  CreateLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  TagUserCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_DISABLED_AT,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { isRecipientAllowed } from '../../src/settings/fields.js';
import { type Backoff, retry, type Sleep } from '../../src/util/retry.js';
import type { AccountFacts } from './account-facts.js';
import { accountIdFromArn } from './arn.js';
import type { CredentialRequest } from './classify-record.js';
import type { Config } from './config.js';
import { renderEmail } from './email.js';
import { errorMessage, errorName, isNamed } from './errors.js';
import type { Log } from './logger.js';
import { generatePassword, type PasswordRules, passwordViolations } from './password.js';
import { type RecipientSource, resolveRecipient } from './recipient.js';
import { signInFor } from './sign-in-url.js';

/** What the flow reads of the configuration. */
export type DeliverySettings = Pick<
  Config,
  'senderEmail' | 'managedPath' | 'emailDomain' | 'signInUrl' | 'recipientDomains' | 'configurationSet'
>;

export interface DeliveryDependencies {
  /** Acts in the request's account (the central Lambda: through the member's credentials role). */
  readonly iam: IAMClient;
  readonly ses: SESv2Client;
  readonly config: DeliverySettings;
  /** The account's password policy and alias, cached per container. */
  readonly facts: AccountFacts;
  /** Already carries the request's user and event id. */
  readonly log: Log;
  readonly sleep: Sleep;
  /** For the backoff's jitter; Math.random unless a test pins it. */
  readonly random?: () => number;
}

/** Right after CreateUser, IAM may still answer NoSuchEntity: about 6 s at most, then give up. */
export const EVENTUAL_CONSISTENCY_BACKOFF: Backoff = { attempts: 6, baseDelayMs: 250, maxDelayMs: 2_000 };

/** Nothing to do, and nothing amiss: no metric. */
export type IgnoredUser =
  /** The credentials-sent marker already names this event: a redelivery of an answered event. */
  | 'duplicate'
  /** A new user with `console: false`: the roster asked for no password. */
  | 'console-disabled';

/** The event does not agree with IAM now: nothing is sent, and the refusal is counted (alarmed). */
export type RefusedUser =
  /** GetUser was refused: the Lambda's role may read only users under the managed path. */
  | 'not-readable'
  /** GetUser shows a path outside the managed one. */
  | 'outside-path'
  /** No managed-by tag: not a user of any roster. */
  | 'not-managed'
  /** GetUser answered for another account than the event's (a misdirected credentials role). */
  | 'other-account'
  /** Offboarded (`disabled-at`): a disabled user gets no password. */
  | 'disabled'
  /** A re-send for a user whose roster says `console: false`. */
  | 'console-disabled'
  /** A CreateUser for a user already answered: a replay. Re-sends come only through the request tag. */
  | 'already-sent'
  /** A re-send whose credentials-requested value is no longer the user's (stale, or someone else's). */
  | 'stale-request';

/** The user should get credentials but cannot be reached (metric `UndeliverableUsers`, alarmed). */
export type UndeliverableUser =
  /** No email tag, no address-shaped name, no EMAIL_DOMAIN; or an email tag that is not an address. */
  | 'no-recipient'
  /** The address is outside RECIPIENT_DOMAINS. */
  | 'recipient-not-allowed';

export type DeliveryOutcome =
  | {
      readonly outcome: 'sent';
      readonly loginProfile: 'created' | 'updated';
      readonly recipientSource: RecipientSource;
      /** False when the email went out but the marker could not be written (logged). */
      readonly marked: boolean;
    }
  | { readonly outcome: 'ignored'; readonly reason: IgnoredUser }
  | { readonly outcome: 'refused'; readonly reason: RefusedUser }
  | { readonly outcome: 'undeliverable'; readonly reason: UndeliverableUser; readonly detail?: string };

export async function deliverCredentials(
  request: CredentialRequest,
  deps: DeliveryDependencies,
): Promise<DeliveryOutcome> {
  const { config, log } = deps;
  let user: UserRecord;
  try {
    user = await getUser(request.userName, deps);
  } catch (error) {
    // Retrying would only fill the dead-letter queue: the answer will not change.
    if (isNamed(error, 'AccessDenied', 'AccessDeniedException')) return refused('not-readable');
    throw error;
  }

  const checked = checkUser(request, user, config.managedPath, log);
  if (checked !== undefined) return checked;

  const recipient = resolveRecipient(user.userName, user.tags, config.emailDomain);
  if (!recipient.ok) return { outcome: 'undeliverable', reason: 'no-recipient', detail: recipient.reason };
  if (!isRecipientAllowed(recipient.address, config.recipientDomains)) {
    return { outcome: 'undeliverable', reason: 'recipient-not-allowed' };
  }

  const { password, loginProfile } = await setNewPassword(request, user, deps);

  const accountId = request.account.id;
  const alias = config.signInUrl === undefined ? await deps.facts.alias(accountId, deps.iam) : undefined;
  const signIn = signInFor({
    accountId,
    alias,
    name: request.account.kind === 'member' ? request.account.member.name : undefined,
    override: config.signInUrl,
  });
  const email = renderEmail({
    reason: request.eventName === 'CreateUser' ? 'new-user' : 'resend',
    userName: user.userName,
    password,
    signInUrl: signIn.url,
    account: signIn.account,
  });
  await sendEmail(recipient.address, email, deps);

  const marked = await markSent(user.userName, request.eventId, deps);
  return { outcome: 'sent', loginProfile, recipientSource: recipient.source, marked };
}

function refused(reason: RefusedUser): DeliveryOutcome {
  return { outcome: 'refused', reason };
}

/** Does the event agree with the user as IAM has it now? Undefined when it does. */
function checkUser(
  request: CredentialRequest,
  user: UserRecord,
  managedPath: string,
  log: Log,
): DeliveryOutcome | undefined {
  const { tags } = user;
  if (accountIdFromArn(user.arn) !== request.account.id) return refused('other-account');
  if (!user.path.startsWith(managedPath)) return refused('outside-path');
  if (!tags[TAG_MANAGED_BY]) return refused('not-managed');
  // A redelivery of an event already answered, whatever has happened to the user since.
  if (tags[TAG_CREDENTIALS_SENT] === request.eventId) return { outcome: 'ignored', reason: 'duplicate' };
  if (tags[TAG_DISABLED_AT] !== undefined) return refused('disabled');

  const consoleTag = tags[TAG_CONSOLE];
  if (consoleTag === undefined) {
    // Console access is the roster's default; a user created before the tag existed gets it.
    log('info', `no ${TAG_CONSOLE} tag: treated as true, the roster's default`);
  } else if (consoleTag !== 'true') {
    // The action creates such users every day; only a re-send for one is out of order.
    return request.eventName === 'CreateUser'
      ? { outcome: 'ignored', reason: 'console-disabled' }
      : refused('console-disabled');
  }

  if (request.eventName === 'CreateUser') {
    // Answered already (for a CreateUser or a later re-send): another CreateUser event is a replay.
    if (tags[TAG_CREDENTIALS_SENT] !== undefined) return refused('already-sent');
  } else if (tags[TAG_CREDENTIALS_REQUESTED] !== request.requestedValue) {
    return refused('stale-request');
  }
  return undefined;
}

function consistencyRetry(deps: DeliveryDependencies, call: string) {
  return {
    ...EVENTUAL_CONSISTENCY_BACKOFF,
    shouldRetry: (error: unknown) => isNamed(error, 'NoSuchEntityException'),
    sleep: deps.sleep,
    ...(deps.random === undefined ? {} : { random: deps.random }),
    onRetry: ({ attempt, delayMs }: { attempt: number; delayMs: number }) =>
      deps.log('info', `${call}: NoSuchEntity, IAM may not have caught up yet; retrying`, {
        attempt,
        delayMs,
      }),
  };
}

/** The user as IAM has it now: the event's word for path and tags is not taken. */
interface UserRecord {
  readonly userName: string;
  readonly path: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

async function getUser(userName: string, deps: DeliveryDependencies): Promise<UserRecord> {
  const { User: user } = await retry(
    () => deps.iam.send(new GetUserCommand({ UserName: userName })),
    consistencyRetry(deps, 'GetUser'),
  );
  if (user?.UserName === undefined || user.Path === undefined || user.Arn === undefined) {
    throw new Error('GetUser answered without the user name, path or ARN');
  }
  const tags: Record<string, string> = {};
  for (const tag of user.Tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  return { userName: user.UserName, path: user.Path, arn: user.Arn, tags };
}

function drawPassword(rules: PasswordRules, userName: string): string {
  const password = generatePassword(rules, { userName });
  // generatePassword already checks each draw; this guards the one place a password meets IAM.
  const violations = passwordViolations(password, rules, { userName });
  if (violations.length > 0)
    throw new Error(`generated password breaks the policy: ${violations.join(', ')}`);
  return password;
}

/**
 * A password drawn to the cached policy; if IAM refuses it, the policy has changed since it was
 * read: read it again and draw once more. A second refusal fails the record.
 */
async function setNewPassword(
  request: CredentialRequest,
  user: UserRecord,
  deps: DeliveryDependencies,
): Promise<{ password: string; loginProfile: 'created' | 'updated' }> {
  const accountId = request.account.id;
  const rules = await deps.facts.passwordRules(accountId, deps.iam);
  const password = drawPassword(rules, user.userName);
  try {
    return { password, loginProfile: await setLoginProfile(request, password, deps) };
  } catch (error) {
    if (!isNamed(error, 'PasswordPolicyViolationException')) throw error;
    deps.log('info', 'IAM refused the password: the password policy changed; reading it again');
    const fresh = await deps.facts.passwordRules(accountId, deps.iam, { refresh: true });
    const again = drawPassword(fresh, user.userName);
    return { password: again, loginProfile: await setLoginProfile(request, again, deps) };
  }
}

/**
 * CreateUser normally needs a new login profile, but a redelivery after a crash finds the one
 * the first attempt made. A re-send normally replaces the profile, but it may be gone (an expired
 * invitation deleted it). Either way the user ends up with this password, to be reset at sign-in.
 */
async function setLoginProfile(
  request: CredentialRequest,
  password: string,
  deps: DeliveryDependencies,
): Promise<'created' | 'updated'> {
  const input = { UserName: request.userName, Password: password, PasswordResetRequired: true };
  const create = () =>
    retry(
      () => deps.iam.send(new CreateLoginProfileCommand(input)),
      consistencyRetry(deps, 'CreateLoginProfile'),
    );
  const update = () => deps.iam.send(new UpdateLoginProfileCommand(input));

  if (request.eventName === 'CreateUser') {
    try {
      await create();
      return 'created';
    } catch (error) {
      if (!isNamed(error, 'EntityAlreadyExistsException')) throw error;
      deps.log('info', 'login profile exists already (a redelivery): replacing its password');
      await update();
      return 'updated';
    }
  }
  try {
    await update();
    return 'updated';
  } catch (error) {
    if (!isNamed(error, 'NoSuchEntityException')) throw error;
    deps.log('info', 'no login profile to update: creating one');
    await create();
    return 'created';
  }
}

/** Throttling and server errors are retried by the SES client itself (adaptive mode). */
async function sendEmail(
  to: string,
  email: { readonly subject: string; readonly text: string; readonly html: string },
  deps: DeliveryDependencies,
): Promise<void> {
  await deps.ses.send(
    new SendEmailCommand({
      FromEmailAddress: deps.config.senderEmail,
      ...(deps.config.configurationSet === undefined
        ? {}
        : { ConfigurationSetName: deps.config.configurationSet }),
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
        },
      },
    }),
  );
}

/**
 * The email is out: failing the invocation now would make AWS run it again and send a second
 * password. A marker that cannot be written is logged as an error instead; only a redelivery of
 * this very event could then send again.
 */
async function markSent(userName: string, eventId: string, deps: DeliveryDependencies): Promise<boolean> {
  try {
    await deps.iam.send(
      new TagUserCommand({ UserName: userName, Tags: [{ Key: TAG_CREDENTIALS_SENT, Value: eventId }] }),
    );
    return true;
  } catch (error) {
    deps.log('error', `email sent, but the ${TAG_CREDENTIALS_SENT} marker could not be written`, {
      error: errorName(error),
      detail: errorMessage(error),
    });
    return false;
  }
}
