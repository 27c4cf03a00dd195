// Synthesizes the stack as the app would, with inline Lambda code (no bundle needed) and settings
// read through the same validation as CDK context.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IamGitopsStack } from '../../../infra/lib/iam-gitops-stack.js';
import { readSettings, type SettingKey, type Settings } from '../../../infra/lib/settings.js';
import type { Environment, PolicyStatement } from './policy-evaluator.js';
import { resolve } from './policy-evaluator.js';

/**
 * Synthesizing loads most of aws-cdk-lib: the first synth of a test file takes seconds on a busy
 * machine, more than vitest's 5 s default.
 */
export const SYNTH_TIMEOUT = 60_000;

export type TestContext = Partial<Record<SettingKey, unknown>>;

/** The example values of cdk.json, which a fresh clone synthesizes with. */
export const BASE_CONTEXT: TestContext = {
  repository: 'example-org/iam-users',
  senderEmail: 'iam@example.com',
};

export function settingsFrom(context: TestContext = {}): Settings {
  const merged: TestContext = { ...BASE_CONTEXT, ...context };
  return readSettings((key) => merged[key]);
}

export interface Synthesized {
  readonly stack: IamGitopsStack;
  readonly template: Template;
}

export function synth(context: TestContext = {}, region = 'us-east-1'): Synthesized {
  const app = new App();
  const stack = new IamGitopsStack(app, 'IamGitops', {
    env: { region },
    settings: settingsFrom(context),
    lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
  });
  return { stack, template: Template.fromStack(stack) };
}

export const TEST_ENVIRONMENT: Environment = {
  partition: 'aws',
  accountId: '111122223333',
  region: 'us-east-1',
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** Every identity-policy statement of a role (inline policies and AWS::IAM::Policy attached to it), resolved. */
export function roleStatements(template: Template, roleId: string): PolicyStatement[] {
  const resources = template.toJSON().Resources as Resources;
  const documents: unknown[] = [];
  const role = resources[roleId];
  for (const policy of (role?.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
    documents.push(policy.PolicyDocument);
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.flatMap(
    (document) => (resolve(document, TEST_ENVIRONMENT) as { Statement: PolicyStatement[] }).Statement,
  );
}
