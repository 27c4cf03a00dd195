import { describe, expect, it } from 'vitest';
import { isEmailAddress, resolveRecipient } from '../../lambda/src/recipient.js';
import { TAG_EMAIL } from '../../src/contract.js';

describe('isEmailAddress', () => {
  it.each(['alice@example.com', 'new.hire+x1@corp.example', "o'brien@example.co.uk"])(
    'accepts %s',
    (value) => {
      expect(isEmailAddress(value)).toBe(true);
    },
  );

  it.each([
    'alice',
    'alice@localhost',
    'a b@example.com',
    '@example.com',
    'alice@-example.com',
    `${'a'.repeat(250)}@x.io`,
  ])('refuses %s', (value) => {
    expect(isEmailAddress(value)).toBe(false);
  });
});

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
});
