// The account-wide facts every email needs, the password policy and the account alias, kept per
// container for a few minutes, so that a warm event costs four AWS calls (GetUser, the login
// profile, SendEmail, TagUser) instead of six. Kept per account: the central Lambda serves many.
// A stale policy is harmless: IAM answers a password it no longer accepts with
// PasswordPolicyViolation, and the flow then reads the policy again (`refresh`) and retries once.
import {
  GetAccountPasswordPolicyCommand,
  type IAMClient,
  ListAccountAliasesCommand,
  type PasswordPolicy,
} from '@aws-sdk/client-iam';
import { isNamed } from './errors.js';
import { type PasswordRules, rulesFromPolicy } from './password.js';

/** Long enough to spare the reads during a burst of new users, short enough to follow a change soon. */
export const ACCOUNT_FACTS_TTL_MS = 5 * 60_000;

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

export interface AccountFactsOptions {
  readonly ttlMs?: number;
  /** Milliseconds; Date.now unless a test moves the clock. */
  readonly now?: () => number;
}

export class AccountFacts {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #rules = new Map<string, Entry<PasswordRules>>();
  readonly #aliases = new Map<string, Entry<string | undefined>>();

  constructor(options: AccountFactsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? ACCOUNT_FACTS_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The account's password policy as rules; `refresh` reads it again whatever the cache holds. */
  passwordRules(
    accountId: string,
    iam: IAMClient,
    options: { refresh?: boolean } = {},
  ): Promise<PasswordRules> {
    return this.#cached(this.#rules, accountId, options.refresh === true, () => readPasswordRules(iam));
  }

  /** The account's alias, if it has one (an account has at most one). */
  alias(accountId: string, iam: IAMClient): Promise<string | undefined> {
    return this.#cached(this.#aliases, accountId, false, async () => {
      const answer = await iam.send(new ListAccountAliasesCommand({}));
      return answer.AccountAliases?.[0];
    });
  }

  async #cached<T>(
    cache: Map<string, Entry<T>>,
    accountId: string,
    refresh: boolean,
    read: () => Promise<T>,
  ): Promise<T> {
    const entry = cache.get(accountId);
    if (!refresh && entry !== undefined && entry.expiresAt > this.#now()) return entry.value;
    // A failed read is not kept: the next event asks again.
    const value = await read();
    cache.set(accountId, { value, expiresAt: this.#now() + this.#ttlMs });
    return value;
  }
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
