import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../lambda/src/config.js';
import { DEFAULT_IAM_PATH, LAMBDA_ENV, type MemberAccount } from '../../src/contract.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:iam-gitops-credentials';
const APPLY_ROLE = 'arn:aws:iam::111122223333:role/iam-gitops/iam-gitops-apply';
const required = {
  [LAMBDA_ENV.sender]: 'it@corp.example',
  [LAMBDA_ENV.topicArn]: TOPIC,
  [LAMBDA_ENV.applyRoleArn]: APPLY_ROLE,
};

const prod: MemberAccount = {
  id: '444455556666',
  name: 'prod',
  applyRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-apply',
  credentialsRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
};
/** MEMBER_ACCOUNTS as the infrastructure writes it for prod (default role names) alone. */
const PROD_ONLY = '{"444455556666":"prod"}';

describe('readConfig', () => {
  it('reads the required variables and defaults the path', () => {
    expect(readConfig(required)).toEqual({
      senderEmail: 'it@corp.example',
      managedPath: DEFAULT_IAM_PATH,
      topicArn: TOPIC,
      applyRoleArn: APPLY_ROLE,
    });
  });

  it('reads every optional variable', () => {
    const config = readConfig({
      ...required,
      [LAMBDA_ENV.sender]: 'IT Onboarding <it@corp.example>',
      [LAMBDA_ENV.managedPath]: '/people/staff/',
      [LAMBDA_ENV.emailDomain]: '@corp.example',
      [LAMBDA_ENV.signInUrl]: 'https://corp.awsapps.com/start',
      [LAMBDA_ENV.recipientDomains]: 'example.com, corp.example',
      [LAMBDA_ENV.memberAccounts]: PROD_ONLY,
      [LAMBDA_ENV.configurationSet]: 'iam-gitops-tls',
    });

    expect(config).toEqual({
      senderEmail: 'IT Onboarding <it@corp.example>',
      managedPath: '/people/staff/',
      topicArn: TOPIC,
      applyRoleArn: APPLY_ROLE,
      emailDomain: 'corp.example',
      signInUrl: 'https://corp.awsapps.com/start',
      recipientDomains: ['example.com', 'corp.example'],
      memberAccounts: [prod],
      configurationSet: 'iam-gitops-tls',
    });
  });

  it('treats empty variables as unset', () => {
    const config = readConfig({
      ...required,
      [LAMBDA_ENV.emailDomain]: '',
      [LAMBDA_ENV.signInUrl]: '  ',
      [LAMBDA_ENV.recipientDomains]: '',
      [LAMBDA_ENV.memberAccounts]: ' ',
    });
    expect(Object.keys(config).sort()).toEqual(['applyRoleArn', 'managedPath', 'senderEmail', 'topicArn']);
  });

  it.each([LAMBDA_ENV.sender, LAMBDA_ENV.topicArn, LAMBDA_ENV.applyRoleArn])(
    'fails naming %s when it is missing',
    (name) => {
      const env: Record<string, string | undefined> = { ...required, [name]: undefined };
      expect(() => readConfig(env)).toThrow(ConfigError);
      expect(() => readConfig(env)).toThrow(`missing environment variable ${name}`);
    },
  );

  it.each([
    [LAMBDA_ENV.sender, 'not-an-address'],
    // The one email rule refuses what the roster refuses.
    [LAMBDA_ENV.sender, 'it@exa_mple.com'],
    [LAMBDA_ENV.sender, 'it@corp.example\nBcc: someone@evil.example'],
    [LAMBDA_ENV.topicArn, 'iam-gitops-credentials'],
    [LAMBDA_ENV.applyRoleArn, 'iam-gitops-apply'],
    [LAMBDA_ENV.applyRoleArn, 'arn:aws:iam::111122223333:user/iam-gitops-apply'],
    [LAMBDA_ENV.managedPath, 'iam-gitops'],
    [LAMBDA_ENV.emailDomain, 'not a domain'],
    [LAMBDA_ENV.emailDomain, 'exa_mple.com'],
    [LAMBDA_ENV.signInUrl, 'http://console.aws.amazon.com'],
    [LAMBDA_ENV.signInUrl, 'javascript:alert(1)'],
    [LAMBDA_ENV.signInUrl, 'not a url'],
    [LAMBDA_ENV.recipientDomains, 'example.com,exa_mple.com'],
    // guardrails.recipientDomains are lower case, and IAM compares them to the letter.
    [LAMBDA_ENV.recipientDomains, 'Example.com'],
    [LAMBDA_ENV.recipientDomains, ','],
    [LAMBDA_ENV.memberAccounts, 'prod'],
    [LAMBDA_ENV.memberAccounts, '{}'],
    [LAMBDA_ENV.memberAccounts, '[]'],
    // The format before it was made compact (an array of ARNs) is refused, not half read.
    [LAMBDA_ENV.memberAccounts, JSON.stringify([prod])],
    [LAMBDA_ENV.memberAccounts, '{"4444":"prod"}'],
    [LAMBDA_ENV.memberAccounts, '{"444455556666":"prod account"}'],
    [LAMBDA_ENV.memberAccounts, '{"444455556666":{"name":"prod","extra":true}}'],
    [LAMBDA_ENV.memberAccounts, '{"444455556666":{"applyRole":"custom-apply"}}'],
    [LAMBDA_ENV.memberAccounts, '{"444455556666":{"name":"prod","applyRole":"a/b"}}'],
    [LAMBDA_ENV.memberAccounts, '{"444455556666":"prod","777788889999":"prod"}'],
  ])('fails naming %s when it is %j', (name, value) => {
    expect(() => readConfig({ ...required, [name]: value })).toThrow(`environment variable ${name} must be`);
  });

  it('names the member and the field that is wrong', () => {
    expect(() =>
      readConfig({
        ...required,
        [LAMBDA_ENV.memberAccounts]: '{"444455556666":{"name":"prod","credentialsRole":""}}',
      }),
    ).toThrow('(444455556666.credentialsRole: must be an IAM role name)');
  });
});

describe('readConfig, MEMBER_ACCOUNTS', () => {
  const members = (value: string, topicArn = TOPIC) =>
    readConfig({ ...required, [LAMBDA_ENV.topicArn]: topicArn, [LAMBDA_ENV.memberAccounts]: value })
      .memberAccounts;

  it("derives each member's role ARNs in its own account, the defaults unless named, in the given order", () => {
    expect(
      members(
        '{"444455556666":"prod","777788889999":{"name":"legacy","applyRole":"legacy-apply","credentialsRole":"legacy-credentials"},"012345678901":{"name":"dev","credentialsRole":"dev-credentials"}}',
      ),
    ).toEqual([
      prod,
      {
        id: '777788889999',
        name: 'legacy',
        applyRoleArn: 'arn:aws:iam::777788889999:role/iam-gitops/legacy-apply',
        credentialsRoleArn: 'arn:aws:iam::777788889999:role/iam-gitops/legacy-credentials',
      },
      {
        id: '012345678901',
        name: 'dev',
        applyRoleArn: 'arn:aws:iam::012345678901:role/iam-gitops/iam-gitops-apply',
        credentialsRoleArn: 'arn:aws:iam::012345678901:role/iam-gitops/dev-credentials',
      },
    ]);
  });

  it("derives them in the partition of the Lambda's own topic", () => {
    expect(
      members(PROD_ONLY, 'arn:aws-us-gov:sns:us-gov-west-1:111122223333:iam-gitops-credentials'),
    ).toEqual([
      {
        ...prod,
        applyRoleArn: 'arn:aws-us-gov:iam::444455556666:role/iam-gitops/iam-gitops-apply',
        credentialsRoleArn: 'arn:aws-us-gov:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
      },
    ]);
  });

  it('reads a hundred accounts in well under the 4 KB Lambda allows for the whole environment', () => {
    const value = JSON.stringify(
      Object.fromEntries(
        Array.from({ length: 100 }, (_, index) => [String(100_000_000_000 + index), `account-${index}`]),
      ),
    );

    expect(members(value)).toHaveLength(100);
    // 100 quoted ids (14) and colons, names of 9 or 10 letters quoted, 99 commas, the braces.
    expect(Buffer.byteLength(value)).toBe(100 * 15 + (10 * 11 + 90 * 12) + 99 + 2);
  });
});
