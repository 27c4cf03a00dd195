// Helpers for tests that talk to moto: a fresh account per test, and client settings for it.
import { inject } from 'vitest';
import { accountIn, type TestAccount } from './moto-account.js';

export { randomAccountId, type TestAccount } from './moto-account.js';

export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

/** A new, empty AWS account in the run's moto server. */
export function freshAccount(endpoint = motoEndpoint()): Promise<TestAccount> {
  return accountIn(endpoint);
}
