import { describe, expect, it } from 'vitest';
import { resolveRecipient } from '../../lambda/src/recipient.js';
import { TAG_EMAIL } from '../../src/contract.js';

describe('resolveRecipient', () => {
  it('prefers the email tag', () => {
    expect(
      resolveRecipient('alice@example.com', { [TAG_EMAIL]: 'alice@home.example' }, 'corp.example'),
    ).toEqual({
      ok: true,
      address: 'alice@home.example',
      source: 'email-tag',
    });
  });

  it('then takes a user name that is an address', () => {
    expect(resolveRecipient('alice@example.com', {}, 'corp.example')).toEqual({
      ok: true,
      address: 'alice@example.com',
      source: 'user-name',
    });
  });

  it('then the user name at EMAIL_DOMAIN', () => {
    expect(resolveRecipient('alice', {}, 'corp.example')).toEqual({
      ok: true,
      address: 'alice@corp.example',
      source: 'email-domain',
    });
  });

  it('finds nobody without a tag, an address-shaped name or a domain', () => {
    expect(resolveRecipient('alice', {}, undefined)).toEqual({
      ok: false,
      reason: `no ${TAG_EMAIL} tag, the user name is not an email address and EMAIL_DOMAIN is not set`,
    });
  });

  it('does not fall back when the email tag is broken', () => {
    expect(resolveRecipient('alice@example.com', { [TAG_EMAIL]: 'alice at home' }, undefined)).toEqual({
      ok: false,
      reason: `the ${TAG_EMAIL} tag is not an email address`,
    });
  });

  it('refuses a name that makes no address with the domain', () => {
    expect(resolveRecipient('alice,bob', {}, 'corp.example')).toEqual({
      ok: false,
      reason: 'the user name does not make an email address with EMAIL_DOMAIN',
    });
  });

  it("applies the roster's own email rule to the tag (src/settings/fields.ts)", () => {
    expect(resolveRecipient('alice', { [TAG_EMAIL]: 'alice@exa_mple.com' }, undefined)).toEqual({
      ok: false,
      reason: `the ${TAG_EMAIL} tag is not an email address`,
    });
    expect(resolveRecipient('alice', { [TAG_EMAIL]: "o'brien+x@example.co.uk" }, undefined)).toMatchObject({
      ok: true,
    });
  });
});
