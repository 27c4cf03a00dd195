// The outputs both stacks print, exactly: keys in order, values and words, for one account and for
// the hub, with the stack's own outputs after them.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { addCredentialDelivery } from '../../infra/lib/credential-delivery.js';
import { GithubOidcRoles } from '../../infra/lib/github-oidc-roles.js';
import { addStackOutputs } from '../../infra/lib/stack-outputs.js';
import { logicalId, SYNTH_TIMEOUT, settingsFrom, withApp } from './support/synth.js';

/** The outputs of a stack holding the roles, the sender and the pipeline, with `hub` and one own output. */
function outputsOf(hub: boolean): { outputs: Record<string, unknown>; template: Template } {
  return withApp((app) => {
    const stack = new Stack(app, 'Installation', { env: { region: 'us-east-1' } });
    const settings = settingsFrom();
    const roles = new GithubOidcRoles(stack, 'GitHub', { settings });
    const { sender, pipeline } = addCredentialDelivery(stack, {
      settings,
      code: lambda.Code.fromInline('export const handler = async () => undefined;'),
      applyRoleArn: roles.applyRole.roleArn,
    });
    addStackOutputs(
      stack,
      { roles, sender, pipeline, iamPath: settings.iamPath, hub },
      { Own: ['own value', 'what this stack alone prints'] },
    );
    const template = Template.fromStack(stack);
    return { outputs: template.toJSON().Outputs as Record<string, unknown>, template };
  });
}

/** The values, as the template has them. */
function values(template: Template): Record<string, unknown> {
  const id = (type: string, prefix: string) => logicalId(template, type, prefix);
  return {
    PlanRoleArn: { 'Fn::GetAtt': [id('AWS::IAM::Role', 'GitHubPlanRole'), 'Arn'] },
    ApplyRoleArn: { 'Fn::GetAtt': [id('AWS::IAM::Role', 'GitHubApplyRole'), 'Arn'] },
    TopicArn: { Ref: id('AWS::SNS::Topic', 'CredentialsTopic') },
    CredentialFunctionName: { Ref: id('AWS::Lambda::Function', 'CredentialsFunction') },
    ConfigurationSetName: { Ref: id('AWS::SES::ConfigurationSet', 'SenderConfigurationSet') },
    DeadLetterQueueUrl: { Ref: id('AWS::SQS::Queue', 'CredentialsDeadLetterQueue') },
    IamPath: '/iam-gitops/',
    Own: 'own value',
  };
}

/** The outputs `words` describes, each with its value; SenderIdentity is the sender's own. */
function expected(template: Template, words: Record<string, string>): Record<string, unknown> {
  const value = values(template);
  return {
    SenderIdentity: {
      Value: 'iam@example.com',
      Description: 'The SES identity the credential email is sent from (verify it before the first send)',
    },
    ...Object.fromEntries(
      Object.entries(words).map(([key, description]) => [
        key,
        { Value: value[key], Description: description },
      ]),
    ),
  };
}

const SHARED = {
  ConfigurationSetName: 'the SES configuration set (TLS required) the credential email is sent with',
  DeadLetterQueueUrl: 'events that got no credentials email; the DeadLetterAlarm watches it',
  IamPath: 'the managed IAM path: the workflow must use the same one',
};

describe('addStackOutputs', { timeout: SYNTH_TIMEOUT }, () => {
  it("prints what one account needs, then the stack's own outputs", () => {
    const { outputs, template } = outputsOf(false);

    expect(outputs).toEqual(
      expected(template, {
        PlanRoleArn: 'role-to-assume for pull requests and the drift report',
        ApplyRoleArn: 'role-to-assume for the apply job',
        TopicArn: 'SNS topic that carries IAM events to the credential Lambda',
        CredentialFunctionName: 'the credential Lambda (its logs say why an email was or was not sent)',
        ...SHARED,
        Own: 'what this stack alone prints',
      }),
    );
    expect(Object.keys(outputs)).toEqual([
      'SenderIdentity',
      'PlanRoleArn',
      'ApplyRoleArn',
      'TopicArn',
      'CredentialFunctionName',
      'ConfigurationSetName',
      'DeadLetterQueueUrl',
      'IamPath',
      'Own',
    ]);
  });

  it("says where the hub's roles and central Lambda differ", () => {
    const { outputs, template } = outputsOf(true);

    expect(outputs).toEqual(
      expected(template, {
        PlanRoleArn:
          "role-to-assume for pull requests and the drift report (the hub's; it chains into each account)",
        ApplyRoleArn: "role-to-assume for the apply job (the hub's)",
        TopicArn: "SNS topic that carries the members' IAM events to the central credential Lambda",
        CredentialFunctionName:
          'the central credential Lambda (its logs say why an email was or was not sent)',
        ...SHARED,
        Own: 'what this stack alone prints',
      }),
    );
  });
});
