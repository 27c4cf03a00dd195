import { describe, expect, it } from 'vitest';
import { signInFor } from '../../lambda/src/sign-in-url.js';

describe('signInFor', () => {
  it("uses the alias in AWS's account sign-in URL", () => {
    expect(signInFor({ accountId: '111122223333', alias: 'acme-prod', override: undefined })).toEqual({
      url: 'https://acme-prod.signin.aws.amazon.com/console',
      account: 'acme-prod',
    });
  });

  it('uses the account id when there is no alias', () => {
    expect(signInFor({ accountId: '111122223333', alias: undefined, override: undefined })).toEqual({
      url: 'https://111122223333.signin.aws.amazon.com/console',
      account: '111122223333',
    });
  });

  it('names a member account by its configured name when it has no alias, but signs in by its id', () => {
    expect(
      signInFor({ accountId: '444455556666', alias: undefined, name: 'prod', override: undefined }),
    ).toEqual({ url: 'https://444455556666.signin.aws.amazon.com/console', account: 'prod' });
    expect(
      signInFor({ accountId: '444455556666', alias: 'acme-prod', name: 'prod', override: undefined }),
    ).toEqual({ url: 'https://acme-prod.signin.aws.amazon.com/console', account: 'acme-prod' });
  });

  it('takes the configured URL as it is', () => {
    expect(
      signInFor({ accountId: '111122223333', alias: undefined, override: 'https://corp.awsapps.com/start' }),
    ).toEqual({ url: 'https://corp.awsapps.com/start', account: '111122223333' });
  });
});
