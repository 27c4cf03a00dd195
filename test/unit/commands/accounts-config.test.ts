import { describe, expect, it } from 'vitest';
import { hasAccounts } from '../../../src/commands/accounts-config.js';

describe('hasAccounts', () => {
  it('is true only with accounts: in the configuration', () => {
    expect(hasAccounts({ accounts: { prod: { id: '111111111111' } } })).toBe(true);
    expect(hasAccounts({ guardrails: { groups: ['*'], policies: ['*'] } })).toBe(false);
    expect(hasAccounts({})).toBe(false);
  });
});
