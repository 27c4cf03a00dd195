import { describe, expect, it } from 'vitest';
import {
  createIamClient,
  DEFAULT_MAX_ATTEMPTS,
  retrySettings,
  userAgent,
} from '../../../src/iam/iam-client.js';
import { VERSION } from '../../../src/version.js';

describe('userAgent', () => {
  it('names the project and version, and the purpose when given', () => {
    expect(userAgent()).toEqual([['iam-gitops', VERSION]]);
    expect(userAgent('cli-plan')).toEqual([
      ['iam-gitops', VERSION],
      ['iam-gitops-cli-plan', VERSION],
    ]);
  });
});

describe('retrySettings', () => {
  it('is adaptive with the project default when the environment says nothing', () => {
    expect(retrySettings({})).toEqual({ retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS });
  });

  it('honours AWS_RETRY_MODE and a positive whole AWS_MAX_ATTEMPTS', () => {
    expect(retrySettings({ AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '3' })).toEqual({
      retryMode: 'standard',
      maxAttempts: 3,
    });
  });

  it.each(['0', '-2', 'many', ''])('ignores AWS_MAX_ATTEMPTS=%j', (value) => {
    expect(retrySettings({ AWS_MAX_ATTEMPTS: value }).maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
  });
});

describe('createIamClient', () => {
  it('sets the region, the user agent and the retry settings', async () => {
    const client = createIamClient({
      region: 'us-east-1',
      purpose: 'test',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    });

    expect(await client.config.region()).toBe('us-east-1');
    expect(client.config.customUserAgent).toEqual(userAgent('test'));
    expect(await client.config.maxAttempts()).toBe(retrySettings().maxAttempts);
    expect(client.config.retryMode).toBe(retrySettings().retryMode);
    client.destroy();
  });
});
