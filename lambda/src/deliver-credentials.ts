// The credential flow for one request: check the user with IAM, set a new temporary password,
// email it, and mark the user so that a redelivered event sends nothing.
//
// Exactly once, as far as AWS allows: the marker is written only after SES accepted the email, so
// a crash anywhere before it is repaired by the redelivery (a new password, then the email); a
// crash between the send and the marker sends a second email with a newer password. A duplicate
// is preferred to a lost email: the newest email always holds the working password.
import {
  CreateLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  type IAMClient,
  ListAccountAliasesCommand,
  type PasswordPolicy,
  TagUserCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { TAG_CONSOLE, TAG_CREDENTIALS_SENT, TAG_MANAGED_BY } from '../../src/contract.js';
import { type Backoff, retry, type Sleep } from '../../src/util/retry.js';
import type { CredentialRequest } from './classify-record.js';
import type { Config } from './config.js';
import { renderEmail } from './email.js';
import { errorMessage, errorName, isNamed, isThrottling } from './errors.js';
import type { Log } from './logger.js';
import { generatePassword, type PasswordRules, passwordViolations, rulesFromPolicy } from './password.js';
import { type RecipientSource, resolveRecipient } from './recipient.js';
import { accountIdFromArn, signInFor } from './sign-in-url.js';

export interface DeliveryDependencies {
  readonly iam: IAMClient;
  readonly ses: SESv2Client;
  readonly config: Config;
  /** Already carries the request's user and event id. */
  readonly log: Log;
  readonly sleep: Sleep;
  /** For the backoff's jitter; Math.random unless a test pins it. */
  readonly random?: () => number;
}

/** Right after CreateUser, IAM may still answer NoSuchEntity: about 6 s at most, then give up. */
export const EVENTUAL_CONSISTENCY_BACKOFF: Backoff = { attempts: 6, baseDelayMs: 250, maxDelayMs: 2_000 };

/** SES in the sandbox sends one email a second; on top of the SDK's own retries, wait up to 7 s. */
export const SES_THROTTLING_BACKOFF: Backoff = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 4_000 };

export type IgnoredUser =
  /** GetUser shows a path outside the managed one. */
  | 'outside-path'
  /**
   * GetUser was refused: the Lambda's role may read only users under the managed path, so IAM
   * answers AccessDenied for anyone else (a TagUser event cannot be filtered by path).
   */
  | 'not-readable'
  /** No managed-by tag: not a user of any roster. */
  | 'not-managed'
  /** The roster says `console: false`. */
  | 'console-disabled'
  /** The credentials-sent marker already names this event. */
  | 'duplicate';

export type DeliveryOutcome =
  | {
      readonly outcome: 'sent';
      readonly loginProfile: 'created' | 'updated';
      readonly recipientSource: RecipientSource;
      /** False when the email went out but the marker could not be written (logged). */
      readonly marked: boolean;
    }
  | { readonly outcome: 'ignored'; readonly reason: IgnoredUser }
  | { readonly outcome: 'no-recipient'; readonly reason: string };

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
    if (isNamed(error, 'AccessDenied', 'AccessDeniedException'))
      return { outcome: 'ignored', reason: 'not-readable' };
    throw error;
  }

  if (!user.path.startsWith(config.managedPath)) return { outcome: 'ignored', reason: 'outside-path' };
  const { tags } = user;
  if (!tags[TAG_MANAGED_BY]) return { outcome: 'ignored', reason: 'not-managed' };
  const consoleTag = tags[TAG_CONSOLE];
  if (consoleTag === undefined) {
    // Console access is the roster's default; a user created before the tag existed gets it.
    log('info', `no ${TAG_CONSOLE} tag: treated as true, the roster's default`);
  } else if (consoleTag !== 'true') {
    return { outcome: 'ignored', reason: 'console-disabled' };
  }
  if (tags[TAG_CREDENTIALS_SENT] === request.eventId) return { outcome: 'ignored', reason: 'duplicate' };

  const recipient = resolveRecipient(user.userName, tags, config.emailDomain);
  if (!recipient.ok) return { outcome: 'no-recipient', reason: recipient.reason };

  const rules = await readPasswordRules(deps.iam);
  const password = generatePassword(rules, { userName: user.userName });
  // generatePassword already checks each draw; this guards the one place a password meets IAM.
  const violations = passwordViolations(password, rules, { userName: user.userName });
  if (violations.length > 0)
    throw new Error(`generated password breaks the policy: ${violations.join(', ')}`);
  const loginProfile = await setLoginProfile(request, password, deps);

  const accountId = accountIdFromArn(user.arn);
  if (accountId === undefined) throw new Error('GetUser returned an ARN without an account id');
  const alias = config.signInUrl === undefined ? await readAccountAlias(deps.iam) : undefined;
  const signIn = signInFor({ accountId, alias, override: config.signInUrl });
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

async function readPasswordRules(iam: IAMClient): Promise<PasswordRules> {
  let policy: PasswordPolicy | undefined;
  try {
    policy = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
  } catch (error) {
    // NoSuchEntity: the account has no policy of its own, so AWS's default one applies.
    if (!isNamed(error, 'NoSuchEntityException')) throw error;
  }
  return rulesFromPolicy(policy);
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

async function readAccountAlias(iam: IAMClient): Promise<string | undefined> {
  const answer = await iam.send(new ListAccountAliasesCommand({}));
  // An account has at most one alias.
  return answer.AccountAliases?.[0];
}

async function sendEmail(
  to: string,
  email: { readonly subject: string; readonly text: string; readonly html: string },
  deps: DeliveryDependencies,
): Promise<void> {
  const command = new SendEmailCommand({
    FromEmailAddress: deps.config.senderEmail,
    Destination: { ToAddresses: [to] },
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
      },
    },
  });
  await retry(() => deps.ses.send(command), {
    ...SES_THROTTLING_BACKOFF,
    shouldRetry: isThrottling,
    sleep: deps.sleep,
    ...(deps.random === undefined ? {} : { random: deps.random }),
    onRetry: ({ attempt, delayMs, error }) =>
      deps.log('warn', 'SES throttled the send; retrying', { attempt, delayMs, error: errorName(error) }),
  });
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
