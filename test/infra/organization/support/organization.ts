// An organisation to synthesize: an iam-gitops.yaml with accounts in a temporary directory, the
// settings the app would read from it, and the hub stack synthesized as the app builds it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IamGitopsHubStack } from '../../../../infra/lib/organization/hub-stack.js';
import {
  type OrganizationSettingKey,
  type OrganizationSettings,
  readOrganizationSettings,
} from '../../../../infra/lib/organization/organization-settings.js';
import { readSettings, type SettingKey, type Settings } from '../../../../infra/lib/settings.js';
import type { CfnTemplate } from './cfn-resolve.js';

/** Synthesizing loads most of aws-cdk-lib: seconds on a busy machine, more than vitest's 5 s. */
export const SYNTH_TIMEOUT = 60_000;

export const HUB_ACCOUNT = '999988887777';
export const PROD_ACCOUNT = '111111111111';
export const DEV_ACCOUNT = '222222222222';
/** An account of no concern to the installation. */
export const OTHER_ACCOUNT = '333333333333';

/** Two members; dev's apply role has its own name. */
export const TWO_ACCOUNTS_CONFIG = `guardrails:
  groups: [developers]
  policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
accounts:
  prod: { id: "${PROD_ACCOUNT}" }
  dev: { id: "${DEV_ACCOUNT}", applyRole: dev-apply }
defaultAccounts: [dev]
`;

export const BASE_CONTEXT = {
  repository: 'example-org/iam-users',
  senderEmail: 'iam@example.com',
  organizationalUnits: 'ou-abcd-12345678',
} as const;

export type Context = Partial<Record<SettingKey | OrganizationSettingKey, unknown>>;

/** A directory holding `iam-gitops.yaml`; `remove` deletes it. */
export function configDirectory(text: string): { dir: string; file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iam-gitops-org-'));
  const file = join(dir, 'iam-gitops.yaml');
  writeFileSync(file, text);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function settingsFrom(context: Context = {}): Settings {
  const merged: Context = { ...BASE_CONTEXT, ...context };
  return readSettings((key) => merged[key]);
}

/** The organisation of `configText`, read as the app reads it. */
export async function organizationFrom(
  configText: string,
  context: Context = {},
): Promise<OrganizationSettings> {
  const config = configDirectory(configText);
  try {
    const merged: Context = { ...BASE_CONTEXT, ...context };
    const organization = await readOrganizationSettings((key) => merged[key], config.dir);
    if (organization === undefined) throw new Error('the configuration lists no accounts');
    return organization;
  } finally {
    config.remove();
  }
}

export interface SynthesizedHub {
  readonly stack: IamGitopsHubStack;
  readonly template: Template;
  readonly hub: CfnTemplate;
  readonly member: CfnTemplate;
}

export async function synthHub(
  configText = TWO_ACCOUNTS_CONFIG,
  context: Context = {},
  region = 'us-east-1',
): Promise<SynthesizedHub> {
  const organization = await organizationFrom(configText, context);
  const app = new App();
  const stack = new IamGitopsHubStack(app, 'IamGitopsHub', {
    env: { region },
    settings: settingsFrom(context),
    organization,
    lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
  });
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    hub: template.toJSON() as CfnTemplate,
    member: stack.memberTemplate as unknown as CfnTemplate,
  };
}
