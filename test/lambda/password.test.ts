import type { PasswordPolicy } from '@aws-sdk/client-iam';
import { describe, expect, it, vi } from 'vitest';
import {
  AWS_DEFAULT_PASSWORD_RULES,
  DEFAULT_PASSWORD_LENGTH,
  generatePassword,
  IAM_PASSWORD_SYMBOLS,
  PasswordGenerationError,
  type PasswordRules,
  passwordViolations,
  rulesFromPolicy,
} from '../../lambda/src/password.js';

const strictPolicy: PasswordPolicy = {
  MinimumPasswordLength: 32,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
  PasswordReusePrevention: 24,
};

const allowed = /^[A-Za-z0-9!@#$%^&*()_+\-=[\]{}|']+$/;

describe('rulesFromPolicy', () => {
  it("stands for AWS's default policy when the account has none", () => {
    expect(rulesFromPolicy(undefined)).toEqual({
      minLength: 8,
      requireLowercase: false,
      requireUppercase: false,
      requireNumbers: false,
      requireSymbols: false,
      minCharacterTypes: 3,
    });
  });

  it("translates the account's policy", () => {
    expect(rulesFromPolicy(strictPolicy)).toEqual({
      minLength: 32,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
      minCharacterTypes: 0,
    });
    expect(rulesFromPolicy({ RequireNumbers: true })).toEqual({
      minLength: 6,
      requireLowercase: false,
      requireUppercase: false,
      requireNumbers: true,
      requireSymbols: false,
      minCharacterTypes: 0,
    });
  });
});

describe('passwordViolations', () => {
  const strict = rulesFromPolicy(strictPolicy);

  it('passes a password that keeps every rule', () => {
    expect(passwordViolations('Aa1!Bb2@Cc3#Dd4$Ee5%Ff6^Gg7&Hh8*', strict)).toEqual([]);
  });

  it('names every broken rule, without quoting the password', () => {
    const password = 'short~é';
    const violations = passwordViolations(password, strict);

    expect(violations).toEqual([
      'shorter than 32 characters',
      "contains a character outside IAM's letters, digits and symbols",
      'no uppercase letter',
      'no number',
      'no symbol',
    ]);
    expect(violations.some((violation) => violation.includes(password))).toBe(false);
  });

  it.each([
    ['no lowercase letter', 'AAAAAAAA1!AAAAAAAAAAAAAAAAAAAAAA'],
    ['no uppercase letter', 'aaaaaaaa1!aaaaaaaaaaaaaaaaaaaaaa'],
    ['no number', 'aaaaaaaaA!aaaaaaaaaaaaaaaaaaaaaa'],
    ['no symbol', 'aaaaaaaaA1aaaaaaaaaaaaaaaaaaaaaa'],
  ])('finds %s', (violation, password) => {
    expect(passwordViolations(password, strict)).toEqual([violation]);
  });

  it('refuses symbols IAM does not count, such as ~ and space', () => {
    expect(passwordViolations('Aa1!Bb2@Cc3#Dd4$Ee5%Ff6^Gg7&Hh8~', strict)).toEqual([
      "contains a character outside IAM's letters, digits and symbols",
    ]);
    expect(passwordViolations('Aa1! Bb2@Cc3#Dd4$Ee5%Ff6^Gg7&Hh8', strict)).toHaveLength(1);
  });

  it("applies AWS's default: three character types of four", () => {
    expect(passwordViolations('abcdefgh12', AWS_DEFAULT_PASSWORD_RULES)).toEqual([
      '2 character types where 3 are required',
    ]);
    expect(passwordViolations('abcdefgh12X', AWS_DEFAULT_PASSWORD_RULES)).toEqual([]);
  });

  it('refuses more than 128 characters and the user name itself', () => {
    expect(passwordViolations(`Aa1!${'x'.repeat(125)}`, strict)).toEqual(['longer than 128 characters']);
    const userName = 'Aa1!Bb2@Cc3#Dd4$Ee5%Ff6^Gg7&Hh8*';
    // IAM compares without regard to case.
    expect(passwordViolations('aA1!Bb2@Cc3#Dd4$Ee5%Ff6^Gg7&Hh8*', strict, { userName })).toEqual([
      'equal to the user name',
    ]);
  });
});

describe('generatePassword', () => {
  it('makes 10,000 passwords that all meet a strict policy (length 32, every class), none twice', () => {
    const rules = rulesFromPolicy(strictPolicy);
    const seen = new Set<string>();
    let failures = 0;
    let wrongLength = 0;
    let foreign = 0;

    for (let i = 0; i < 10_000; i++) {
      const password = generatePassword(rules, { userName: 'alice@example.com' });
      if (passwordViolations(password, rules, { userName: 'alice@example.com' }).length > 0) failures++;
      if (password.length !== 32) wrongLength++;
      if (!allowed.test(password)) foreign++;
      seen.add(password);
    }

    expect({ failures, wrongLength, foreign, distinct: seen.size }).toEqual({
      failures: 0,
      wrongLength: 0,
      foreign: 0,
      distinct: 10_000,
    });
    // Symbols are drawn from IAM's whole set (but `|`, dropped as a look-alike of l and I).
    const used = new Set([...seen].flatMap((password) => [...password]));
    expect([...IAM_PASSWORD_SYMBOLS].filter((symbol) => !used.has(symbol))).toEqual(['|']);
  });

  it("uses all four character types at the default length under AWS's default policy", () => {
    const password = generatePassword(AWS_DEFAULT_PASSWORD_RULES);

    expect(password).toHaveLength(DEFAULT_PASSWORD_LENGTH);
    const everyType: PasswordRules = {
      ...AWS_DEFAULT_PASSWORD_RULES,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
    };
    expect(passwordViolations(password, everyType)).toEqual([]);
  });

  it("follows a longer policy up to IAM's maximum", () => {
    expect(generatePassword({ ...AWS_DEFAULT_PASSWORD_RULES, minLength: 64 })).toHaveLength(64);
    expect(generatePassword({ ...AWS_DEFAULT_PASSWORD_RULES, minLength: 128 })).toHaveLength(128);
  });

  it("asks generate-password for IAM's symbols and checks each draw itself", () => {
    const generator = vi
      .fn()
      .mockReturnValueOnce('lowercaseonly-----------')
      .mockReturnValue('Aa1!Bb2@Cc3#Dd4$Ee5%');

    const password = generatePassword(AWS_DEFAULT_PASSWORD_RULES, { generator });

    expect(password).toBe('Aa1!Bb2@Cc3#Dd4$Ee5%');
    expect(generator).toHaveBeenCalledTimes(2);
    expect(generator).toHaveBeenCalledWith({
      length: 20,
      lowercase: true,
      uppercase: true,
      numbers: true,
      symbols: IAM_PASSWORD_SYMBOLS,
      excludeSimilarCharacters: true,
      strict: false,
    });
  });

  it('gives up after maxAttempts draws, without quoting any of them', () => {
    const generator = vi.fn().mockReturnValue('onlylowercaseletters');

    const attempt = () => generatePassword(AWS_DEFAULT_PASSWORD_RULES, { generator, maxAttempts: 3 });

    expect(attempt).toThrow(PasswordGenerationError);
    expect(attempt).toThrow(
      'no password met the account password policy in 3 draws (last: no uppercase letter, no number, no symbol, 1 character types where 3 are required)',
    );
    expect(generator).toHaveBeenCalledTimes(6);
  });
});
