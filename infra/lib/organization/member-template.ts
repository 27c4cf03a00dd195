// The member account template, synthesized from MemberStack in an App of its own and handed to
// the StackSet as its TemplateBody: one definition (the constructs), no second copy in YAML.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Settings } from '../settings.js';
import { MemberStack } from './member-stack.js';
import { OrganizationError } from './organization-error.js';

/** CloudFormation's limit on a TemplateBody passed inline (a TemplateURL would allow 1 MB). */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

export interface MemberTemplate {
  /** The template as an object (for tests and size checks). */
  readonly template: Record<string, unknown>;
  /** The template as CloudFormation receives it: compact JSON. */
  readonly body: string;
}

/**
 * Synthesizes the member template for `settings`, in a temporary directory it removes again.
 * Throws OrganizationError when the template exceeds `maxBytes` (tests lower it).
 */
export function synthesizeMemberTemplate(
  settings: Settings,
  maxBytes: number = TEMPLATE_BODY_MAX_BYTES,
): MemberTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-gitops-member-'));
  try {
    const app = new App({
      // Its own directory: under `cdk synth` the CLI's CDK_OUTDIR would otherwise receive a second
      // manifest, and the hub's app would be replaced by this one.
      outdir,
      analyticsReporting: false,
      autoSynth: false,
      // Construct paths in every resource's metadata are for the CDK CLI, not for StackSets.
      context: { 'aws:cdk:enable-path-metadata': false },
    });
    const stack = new MemberStack(app, 'IamGitopsMember', { settings });
    const template = app.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
    const body = JSON.stringify(template);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > maxBytes) {
      throw new OrganizationError(
        `the member account template is ${bytes} bytes, more than the ${maxBytes} CloudFormation takes inline; ` +
          `shorten the guardrail lists in ${settings.configFile}`,
      );
    }
    return { template, body };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
