// Synthesizes the stack as the app would, with inline Lambda code (no bundle needed) and settings
// read through the same validation as the app (CDK context and an iam-gitops.yaml fixture).
// Each synthesis writes its cloud assembly to a temporary folder of its own and removes it as soon
// as the template is read: the tests leave nothing behind in the temp directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IamGitopsStack } from '../../../infra/lib/iam-gitops-stack.js';
import { readSettings, type SettingKey, type Settings } from '../../../infra/lib/settings.js';
import { parseRepoConfig } from '../../../src/config/load-repo-config.js';
import type { CfnTemplate } from './template-policies.js';

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

/** The iam-gitops.yaml fixtures of test/infra/fixtures/config (`accounts`: the guarded one, many accounts). */
export type ConfigFixture = 'guarded' | 'open' | 'boundary-arn' | 'no-guardrails' | 'invalid' | 'accounts';

export const CONFIG_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'config');

export function configFixturePath(fixture: ConfigFixture): string {
  return join(CONFIG_FIXTURES, `${fixture}.yaml`);
}

export function settingsFrom(context: TestContext = {}, config: ConfigFixture = 'guarded'): Settings {
  const merged: TestContext = { ...BASE_CONTEXT, ...context };
  const file = `${config}.yaml`;
  const parsed = parseRepoConfig(file, readFileSync(configFixturePath(config), 'utf8'));
  return readSettings((key) => merged[key], parsed, file);
}

export interface Synthesized {
  readonly stack: IamGitopsStack;
  readonly template: Template;
}

export interface SynthOptions {
  readonly region?: string;
  readonly config?: ConfigFixture;
  /** Runs on the stack before it is synthesized (cdk-nag's aspects). */
  readonly beforeSynth?: (stack: Stack) => void;
}

/**
 * Runs `use` with an App whose cloud assembly goes to a temporary folder of its own, removed
 * afterwards. A bare `new App()` makes a `cdk.out*` folder in the temp directory at once and never
 * removes it.
 */
export function withApp<T>(use: (app: App) => T): T {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-gitops-test-cdk-out-'));
  try {
    return use(new App({ outdir }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function synth(context: TestContext = {}, options: SynthOptions = {}): Synthesized {
  return withApp((app) => {
    const stack = new IamGitopsStack(app, 'IamGitops', {
      env: { region: options.region ?? 'us-east-1' },
      settings: settingsFrom(context, options.config),
      lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
    });
    options.beforeSynth?.(stack);
    // The template is read into memory here; the folder can go.
    return { stack, template: Template.fromStack(stack) };
  });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function resourcesOf(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template | CfnTemplate, type: string, prefix: string): string {
  const resources = template instanceof Template ? resourcesOf(template) : template.Resources;
  const ids = Object.entries(resources)
    .filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
