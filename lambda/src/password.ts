// Temporary console passwords: the account's password policy as rules, a generator that meets
// them, and a check of every password against them before IAM sees it.
import type { PasswordPolicy } from '@aws-sdk/client-iam';
import { generate } from 'generate-password';

/** The non-alphanumeric characters IAM accepts and counts as symbols (IAM User Guide, password policy). */
export const IAM_PASSWORD_SYMBOLS = "!@#$%^&*()_+-=[]{}|'";

/** IAM's hard ceiling, whatever the policy says. */
export const IAM_MAX_PASSWORD_LENGTH = 128;

/** Longer than most policies ask for: a temporary password is pasted, not typed from memory. */
export const DEFAULT_PASSWORD_LENGTH = 20;

export interface PasswordRules {
  readonly minLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
  /** How many of the four character types must appear (AWS's default policy: 3). */
  readonly minCharacterTypes: number;
}

/**
 * What IAM enforces when the account has no password policy: 8 to 128 characters, at least three
 * of uppercase, lowercase, numbers and symbols, and not the account name or email address.
 */
export const AWS_DEFAULT_PASSWORD_RULES: PasswordRules = {
  minLength: 8,
  requireLowercase: false,
  requireUppercase: false,
  requireNumbers: false,
  requireSymbols: false,
  minCharacterTypes: 3,
};

/** `undefined` means GetAccountPasswordPolicy answered NoSuchEntity: AWS's default applies. */
export function rulesFromPolicy(policy: PasswordPolicy | undefined): PasswordRules {
  if (policy === undefined) return AWS_DEFAULT_PASSWORD_RULES;
  return {
    // IAM's own minimum for a custom policy is 6; an absent field means that minimum.
    minLength: Math.max(policy.MinimumPasswordLength ?? 6, 1),
    requireLowercase: policy.RequireLowercaseCharacters === true,
    requireUppercase: policy.RequireUppercaseCharacters === true,
    requireNumbers: policy.RequireNumbers === true,
    requireSymbols: policy.RequireSymbols === true,
    minCharacterTypes: 0,
  };
}

const ALLOWED = new Set([
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'0123456789',
  ...IAM_PASSWORD_SYMBOLS,
]);

/**
 * Every rule the password breaks, in words that never quote the password itself (the result
 * may be logged). Empty means the password may be used.
 */
export function passwordViolations(
  password: string,
  rules: PasswordRules,
  context: { readonly userName?: string } = {},
): string[] {
  const violations: string[] = [];
  if (password.length < rules.minLength) violations.push(`shorter than ${rules.minLength} characters`);
  if (password.length > IAM_MAX_PASSWORD_LENGTH) {
    violations.push(`longer than ${IAM_MAX_PASSWORD_LENGTH} characters`);
  }
  if ([...password].some((character) => !ALLOWED.has(character))) {
    violations.push("contains a character outside IAM's letters, digits and symbols");
  }
  const has = {
    lowercase: /[a-z]/.test(password),
    uppercase: /[A-Z]/.test(password),
    numbers: /[0-9]/.test(password),
    symbols: [...password].some((character) => IAM_PASSWORD_SYMBOLS.includes(character)),
  };
  if (rules.requireLowercase && !has.lowercase) violations.push('no lowercase letter');
  if (rules.requireUppercase && !has.uppercase) violations.push('no uppercase letter');
  if (rules.requireNumbers && !has.numbers) violations.push('no number');
  if (rules.requireSymbols && !has.symbols) violations.push('no symbol');
  const types = Object.values(has).filter(Boolean).length;
  if (types < rules.minCharacterTypes) {
    violations.push(`${types} character types where ${rules.minCharacterTypes} are required`);
  }
  if (context.userName !== undefined && password.toLowerCase() === context.userName.toLowerCase()) {
    violations.push('equal to the user name');
  }
  return violations;
}

export class PasswordGenerationError extends Error {
  override readonly name = 'PasswordGenerationError';
}

export interface GenerateOptions {
  readonly userName?: string;
  /** Draws before giving up; a miss needs a class absent from every character, which is rare. */
  readonly maxAttempts?: number;
  /** generate-password's `generate`, unless a test substitutes it. */
  readonly generator?: typeof generate;
}

/**
 * A fresh random password that meets `rules`: all four character types, whatever the policy
 * requires, at the policy's length or DEFAULT_PASSWORD_LENGTH if that is longer. Nothing is
 * cached, so no password is ever handed out twice.
 *
 * generate-password's `strict` option is not used: it builds a RegExp character class from the
 * symbol string, and IAM's symbols (`]`, `^`, `-`) break that class, so strict mode accepts only
 * passwords that happen to contain `']`. Each draw is checked here instead, and redrawn if short of a type.
 */
export function generatePassword(rules: PasswordRules, options: GenerateOptions = {}): string {
  const draw = options.generator ?? generate;
  const maxAttempts = options.maxAttempts ?? 1_000;
  const length = Math.min(IAM_MAX_PASSWORD_LENGTH, Math.max(rules.minLength, DEFAULT_PASSWORD_LENGTH));
  const strictest: PasswordRules = {
    ...rules,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: true,
  };
  let violations: string[] = [];
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const password = draw({
      length,
      lowercase: true,
      uppercase: true,
      numbers: true,
      symbols: IAM_PASSWORD_SYMBOLS,
      // Drops i l L I | o O 0: a new employee may have to type the password from a phone.
      excludeSimilarCharacters: true,
      strict: false,
    });
    violations = passwordViolations(
      password,
      strictest,
      options.userName === undefined ? {} : { userName: options.userName },
    );
    if (violations.length === 0) return password;
  }
  throw new PasswordGenerationError(
    `no password met the account password policy in ${maxAttempts} draws (last: ${violations.join(', ')})`,
  );
}
