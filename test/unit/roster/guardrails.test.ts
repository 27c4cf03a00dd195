import { describe, expect, it } from 'vitest';
import type { Guardrails } from '../../../src/config/repo-config-schema.js';
import { CHANGE_PASSWORD_POLICY_ARN } from '../../../src/contract.js';
import {
  boundaryMatches,
  guardrailIssues,
  guardrailWarnings,
  recipientOf,
} from '../../../src/roster/guardrails.js';
import { desiredUser } from '../support/factories.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const OPTIONS = { configFile: 'iam-gitops.yaml' };
const STRICT: Guardrails = {
  groups: ['developers'],
  policies: [READ_ONLY],
  permissionsBoundary: 'iam-gitops-boundary',
  recipientDomains: ['example.com'],
};

/** `field: message` of each issue. */
function issues(...args: Parameters<typeof guardrailIssues>): string[] {
  return guardrailIssues(...args).map((issue) => `${issue.field}: ${issue.message}`);
}

describe('boundaryMatches', () => {
  it('compares ARNs exactly', () => {
    const arn = 'arn:aws:iam::123456789012:policy/iam-gitops-boundary';

    expect(boundaryMatches(arn, arn)).toBe(true);
    expect(boundaryMatches('arn:aws:iam::210987654321:policy/iam-gitops-boundary', arn)).toBe(false);
  });

  it("matches a name with that customer managed policy in any account, never AWS's or another path", () => {
    expect(
      boundaryMatches('arn:aws:iam::123456789012:policy/iam-gitops-boundary', 'iam-gitops-boundary'),
    ).toBe(true);
    expect(
      boundaryMatches('arn:aws-cn:iam::210987654321:policy/iam-gitops-boundary', 'iam-gitops-boundary'),
    ).toBe(true);
    expect(boundaryMatches('arn:aws:iam::aws:policy/iam-gitops-boundary', 'iam-gitops-boundary')).toBe(false);
    expect(
      boundaryMatches('arn:aws:iam::123456789012:policy/x/iam-gitops-boundary', 'iam-gitops-boundary'),
    ).toBe(false);
    expect(
      boundaryMatches('arn:aws:iam::123456789012:policy/iam-gitops-boundary2', 'iam-gitops-boundary'),
    ).toBe(false);
  });
});

describe('recipientOf', () => {
  it('is the resolved email, else name@emailDomain, else nobody', () => {
    expect(recipientOf(desiredUser('alice@example.com'), 'corp.example')).toBe('alice@example.com');
    expect(recipientOf(desiredUser('bob', { email: 'robert@example.com' }), 'corp.example')).toBe(
      'robert@example.com',
    );
    expect(recipientOf(desiredUser('dana'), 'corp.example')).toBe('dana@corp.example');
    expect(recipientOf(desiredUser('dana'), undefined)).toBeUndefined();
  });
});

describe('guardrailIssues', () => {
  it('finds nothing in a user inside every guardrail', () => {
    const user = desiredUser('alice@example.com', {
      groups: ['developers'],
      policies: [READ_ONLY, CHANGE_PASSWORD_POLICY_ARN],
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/iam-gitops-boundary',
    });

    expect(issues(user, STRICT, OPTIONS)).toEqual([]);
  });

  it('allows IAMUserChangePassword to console users only', () => {
    const person = desiredUser('alice@example.com', { policies: [CHANGE_PASSWORD_POLICY_ARN] });
    const machine = desiredUser('ci', { console: false, policies: [CHANGE_PASSWORD_POLICY_ARN] });

    expect(issues(person, STRICT, OPTIONS)).toEqual([]);
    expect(issues(machine, STRICT, OPTIONS)).toEqual([
      `policies.0: policy ${CHANGE_PASSWORD_POLICY_ARN} is not allowed by guardrails.policies in iam-gitops.yaml (allowed: ${READ_ONLY})`,
    ]);
  });

  it("compares group names exactly, as IAM's resource ARNs do", () => {
    const user = desiredUser('alice@example.com', { groups: ['Developers'] });

    expect(issues(user, STRICT, OPTIONS)).toEqual([
      'groups.0: group "Developers" is not allowed by guardrails.groups in iam-gitops.yaml (allowed: developers)',
    ]);
  });

  it("lets '*' allow any group or policy", () => {
    const user = desiredUser('alice@example.com', { groups: ['admins'], policies: [ADMIN] });

    expect(issues(user, { groups: ['*'], policies: ['*'] }, OPTIONS)).toEqual([]);
  });

  it('lists at most six allowed values, and says none for an empty list', () => {
    const many: Guardrails = { groups: ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8'], policies: [] };
    const user = desiredUser('ci', { console: false, groups: ['admins'], policies: [ADMIN] });

    expect(issues(user, many, { configFile: 'config/iam-gitops.yaml' })).toEqual([
      'groups.0: group "admins" is not allowed by guardrails.groups in config/iam-gitops.yaml (allowed: g1, g2, g3, g4, g5, g6 and 2 more)',
      `policies.0: policy ${ADMIN} is not allowed by guardrails.policies in config/iam-gitops.yaml (allowed: none)`,
    ]);
  });

  it('checks recipients exactly, in lower case, and only when domains are listed', () => {
    const upper = desiredUser('alice@EXAMPLE.com');
    const sub = desiredUser('bob@mail.example.com');

    expect(issues(upper, STRICT, OPTIONS).map((issue) => issue.split(':')[0])).toEqual(['name']);
    expect(issues(sub, STRICT, OPTIONS).map((issue) => issue.split(':')[0])).toEqual(['name']);
    expect(issues(sub, { groups: ['*'], policies: ['*'] }, OPTIONS)).toEqual([]);
  });

  it('checks a console user without an address at name@emailDomain, and a machine user without one not at all', () => {
    const person = desiredUser('dana');
    const machine = desiredUser('ci', { console: false });

    expect(issues(person, STRICT, { ...OPTIONS, emailDomain: 'example.com' })).toEqual([]);
    expect(issues(person, STRICT, { ...OPTIONS, emailDomain: 'example.org' })).toEqual([
      'name: dana@example.org is outside the allowed domains: credentials are emailed only inside guardrails.recipientDomains in iam-gitops.yaml (example.com; exact, lower case)',
    ]);
    expect(issues(machine, STRICT, { ...OPTIONS, emailDomain: 'example.org' })).toEqual([]);
  });

  it('leaves the boundary alone when the file names none: the plan sets the guardrail one', () => {
    expect(issues(desiredUser('alice@example.com'), STRICT, OPTIONS)).toEqual([]);
  });
});

describe('guardrailWarnings', () => {
  const source = {
    file: 'iam-gitops.yaml',
    positions: new Map([
      ['guardrails.groups.0', { line: 2, column: 12 }],
      ['guardrails.policies.0', { line: 3, column: 14 }],
    ]),
  };

  it("warns once per list set to '*', at its entry", () => {
    const warnings = guardrailWarnings({ groups: ['*'], policies: ['*'] }, source);

    expect(warnings.map((w) => [w.file, w.field, w.line, w.column])).toEqual([
      ['iam-gitops.yaml', 'guardrails.groups', 2, 12],
      ['iam-gitops.yaml', 'guardrails.policies', 3, 14],
    ]);
  });

  it('warns about nothing when the lists name their values, or there are no guardrails', () => {
    expect(guardrailWarnings(STRICT, source)).toEqual([]);
    expect(guardrailWarnings(undefined, source)).toEqual([]);
  });
});
