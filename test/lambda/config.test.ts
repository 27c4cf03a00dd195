import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../lambda/src/config.js';
import { DEFAULT_IAM_PATH, LAMBDA_ENV } from '../../src/contract.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:iam-gitops-credentials';
const required = { [LAMBDA_ENV.sender]: 'it@corp.example', [LAMBDA_ENV.topicArn]: TOPIC };

describe('readConfig', () => {
  it('reads the required variables and defaults the path', () => {
    expect(readConfig(required)).toEqual({
      senderEmail: 'it@corp.example',
      managedPath: DEFAULT_IAM_PATH,
      topicArn: TOPIC,
    });
  });

  it('reads every optional variable', () => {
    const config = readConfig({
      ...required,
      [LAMBDA_ENV.sender]: 'IT Onboarding <it@corp.example>',
      [LAMBDA_ENV.managedPath]: '/people/staff/',
      [LAMBDA_ENV.emailDomain]: '@corp.example',
      [LAMBDA_ENV.signInUrl]: 'https://corp.awsapps.com/start',
    });

    expect(config).toEqual({
      senderEmail: 'IT Onboarding <it@corp.example>',
      managedPath: '/people/staff/',
      topicArn: TOPIC,
      emailDomain: 'corp.example',
      signInUrl: 'https://corp.awsapps.com/start',
    });
  });

  it('treats empty variables as unset', () => {
    const config = readConfig({ ...required, [LAMBDA_ENV.emailDomain]: '', [LAMBDA_ENV.signInUrl]: '  ' });
    expect(config).not.toHaveProperty('emailDomain');
    expect(config).not.toHaveProperty('signInUrl');
  });

  it.each([LAMBDA_ENV.sender, LAMBDA_ENV.topicArn])('fails naming %s when it is missing', (name) => {
    const env: Record<string, string | undefined> = { ...required, [name]: undefined };
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(`missing environment variable ${name}`);
  });

  it.each([
    [LAMBDA_ENV.sender, 'not-an-address'],
    [LAMBDA_ENV.sender, 'it@corp.example\nBcc: someone@evil.example'],
    [LAMBDA_ENV.topicArn, 'iam-gitops-credentials'],
    [LAMBDA_ENV.managedPath, 'iam-gitops'],
    [LAMBDA_ENV.emailDomain, 'not a domain'],
    [LAMBDA_ENV.signInUrl, 'http://console.aws.amazon.com'],
    [LAMBDA_ENV.signInUrl, 'javascript:alert(1)'],
    [LAMBDA_ENV.signInUrl, 'not a url'],
  ])('fails naming %s when it is %j', (name, value) => {
    expect(() => readConfig({ ...required, [name]: value })).toThrow(`environment variable ${name} must be`);
  });
});
