// Provenance from the event alone: whose account, whose session. Each refusal beside the event that
// differs from it in one field only, and is accepted.
import { describe, expect, it } from 'vitest';
import type { UserIdentity } from '../../lambda/src/envelope.js';
import {
  checkProvenance,
  type EventOrigin,
  isSessionOf,
  type ProvenanceSettings,
} from '../../lambda/src/provenance.js';
import type { MemberAccount } from '../../src/contract.js';

const OWN = '111122223333';
const APPLY_ROLE = `arn:aws:iam::${OWN}:role/iam-gitops/iam-gitops-apply`;
const prod: MemberAccount = {
  id: '444455556666',
  name: 'prod',
  applyRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-apply',
  credentialsRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
};

function sessionOf(roleArn: string): UserIdentity {
  const [, account = '', name = ''] = /::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) ?? [];
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${name}/GitHubActions`,
    accountId: account,
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn } },
  };
}

const single: ProvenanceSettings = { ownAccountId: OWN, applyRoleArn: APPLY_ROLE };
const central: ProvenanceSettings = { ...single, memberAccounts: [prod] };
// The hub's own account listed under `accounts:` too, with the member roles the StackSet puts there.
const hubAsMember: MemberAccount = {
  id: OWN,
  name: 'tooling',
  applyRoleArn: `arn:aws:iam::${OWN}:role/iam-gitops/tooling-apply`,
  credentialsRoleArn: `arn:aws:iam::${OWN}:role/iam-gitops/iam-gitops-credentials`,
};
const centralListingItself: ProvenanceSettings = { ...single, memberAccounts: [prod, hubAsMember] };

const ownEvent: EventOrigin = {
  eventAccount: OWN,
  recipientAccountId: OWN,
  userIdentity: sessionOf(APPLY_ROLE),
};
const prodEvent: EventOrigin = {
  eventAccount: prod.id,
  recipientAccountId: prod.id,
  userIdentity: sessionOf(prod.applyRoleArn),
};

describe('isSessionOf', () => {
  it('accepts an assumed session of the role', () => {
    expect(isSessionOf(sessionOf(APPLY_ROLE), APPLY_ROLE)).toBe(true);
  });

  it.each<[string, UserIdentity | undefined]>([
    ['no identity', undefined],
    ['an IAM user', { type: 'IAMUser', arn: `arn:aws:iam::${OWN}:user/mallory`, accountId: OWN }],
    ['the root user', { type: 'Root', arn: `arn:aws:iam::${OWN}:root`, accountId: OWN }],
    ['a session of another role', sessionOf(`arn:aws:iam::${OWN}:role/iam-gitops/iam-gitops-plan`)],
    ['the same role name at another path', sessionOf(`arn:aws:iam::${OWN}:role/iam-gitops-apply`)],
    ['a session without its issuer', { type: 'AssumedRole', arn: 'x', sessionContext: {} }],
    [
      'an identity claiming the issuer without being a session',
      { type: 'IAMUser', sessionContext: { sessionIssuer: { type: 'Role', arn: APPLY_ROLE } } },
    ],
    [
      'an issuer that is not a role',
      { type: 'AssumedRole', sessionContext: { sessionIssuer: { type: 'IAMUser', arn: APPLY_ROLE } } },
    ],
  ])('refuses %s', (_what, identity) => {
    expect(isSessionOf(identity, APPLY_ROLE)).toBe(false);
  });
});

describe('checkProvenance, one account', () => {
  it("accepts the apply role's session in the own account", () => {
    expect(checkProvenance(ownEvent, single)).toEqual({ ok: true, account: { kind: 'own', id: OWN } });
  });

  it.each<[string, EventOrigin, string]>([
    [
      'another account',
      { ...ownEvent, eventAccount: '999988887777', recipientAccountId: '999988887777' },
      'other-account',
    ],
    [
      'an EventBridge account that differs from CloudTrail',
      { ...ownEvent, eventAccount: '999988887777' },
      'other-account',
    ],
    [
      'a CloudTrail account that differs from EventBridge',
      { ...ownEvent, recipientAccountId: '999988887777' },
      'other-account',
    ],
    ['no recipientAccountId', { ...ownEvent, recipientAccountId: undefined }, 'other-account'],
    [
      'another principal',
      { ...ownEvent, userIdentity: sessionOf(`arn:aws:iam::${OWN}:role/admin`) },
      'not-apply-role',
    ],
    // A member's events are not answered by a Lambda that lists no members.
    ['a member account unknown to this Lambda', prodEvent, 'other-account'],
  ])('refuses %s', (_what, origin, reason) => {
    expect(checkProvenance(origin, single)).toEqual({ ok: false, reason });
  });
});

describe('checkProvenance, many accounts', () => {
  it("accepts a member's apply role in that member's account", () => {
    expect(checkProvenance(prodEvent, central)).toEqual({
      ok: true,
      account: { kind: 'member', id: prod.id, member: prod },
    });
  });

  it.each<[string, EventOrigin, string]>([
    [
      "the hub's apply role in a member account",
      { ...prodEvent, userIdentity: sessionOf(APPLY_ROLE) },
      'not-apply-role',
    ],
    [
      "a member's credentials role",
      { ...prodEvent, userIdentity: sessionOf(prod.credentialsRoleArn) },
      'not-apply-role',
    ],
    [
      'an account that is not listed',
      { ...prodEvent, eventAccount: '777788889999', recipientAccountId: '777788889999' },
      'other-account',
    ],
    // The forwarding rule keeps the sender's account; one that says otherwise was not forwarded by it.
    ["a member's event claiming the hub as its source", { ...prodEvent, eventAccount: OWN }, 'other-account'],
  ])('refuses %s', (_what, origin, reason) => {
    expect(checkProvenance(origin, central)).toEqual({ ok: false, reason });
  });
});

// One rule: an event's account is answered through its MEMBER_ACCOUNTS entry when listed, else, the
// Lambda's own account, through APPLY_ROLE_ARN. Each way beside the session the other way accepts.
describe('checkProvenance, its own account listed or not', () => {
  it('answers its own account, not listed, through APPLY_ROLE_ARN', () => {
    expect(checkProvenance(ownEvent, central)).toEqual({ ok: true, account: { kind: 'own', id: OWN } });
  });

  it("refuses a member's apply role in its own account, not listed", () => {
    expect(checkProvenance({ ...ownEvent, userIdentity: sessionOf(prod.applyRoleArn) }, central)).toEqual({
      ok: false,
      reason: 'not-apply-role',
    });
  });

  it('answers its own account, listed, through the member entry', () => {
    const event: EventOrigin = { ...ownEvent, userIdentity: sessionOf(hubAsMember.applyRoleArn) };

    expect(checkProvenance(event, centralListingItself)).toEqual({
      ok: true,
      account: { kind: 'member', id: OWN, member: hubAsMember },
    });
  });

  it.each<[string, UserIdentity]>([
    ['APPLY_ROLE_ARN', sessionOf(APPLY_ROLE)],
    ["another member's apply role", sessionOf(prod.applyRoleArn)],
  ])('refuses %s in its own account, listed', (_what, userIdentity) => {
    expect(checkProvenance({ ...ownEvent, userIdentity }, centralListingItself)).toEqual({
      ok: false,
      reason: 'not-apply-role',
    });
  });

  it('answers the other members as before when it lists itself', () => {
    expect(checkProvenance(prodEvent, centralListingItself)).toEqual({
      ok: true,
      account: { kind: 'member', id: prod.id, member: prod },
    });
  });
});
