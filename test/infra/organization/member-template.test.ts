import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  synthesizeMemberTemplate,
  TEMPLATE_BODY_MAX_BYTES,
} from '../../../infra/lib/organization/member-template.js';
import { OrganizationError } from '../../../infra/lib/organization/organization-error.js';
import { SYNTH_TIMEOUT, settingsFrom } from './support/organization.js';

const ownTemporaryDirectories = () =>
  readdirSync(tmpdir()).filter((name) => name.startsWith('iam-gitops-member-'));

describe('synthesizeMemberTemplate', { timeout: SYNTH_TIMEOUT }, () => {
  it('gives the member stack as compact JSON, well inside the inline TemplateBody limit', () => {
    const { template, body } = synthesizeMemberTemplate(settingsFrom());

    expect(body).toBe(JSON.stringify(template));
    expect(Buffer.byteLength(body)).toBeLessThan(TEMPLATE_BODY_MAX_BYTES / 2);
    expect(Object.keys(template).sort()).toEqual(['Description', 'Parameters', 'Resources']);
    expect(template.Description).toBe(
      'iam-gitops member account: roles for example-org/iam-users and the forwarding of IAM events to the hub',
    );
  });

  it('carries nothing a StackSet cannot deploy: no bootstrap check, no CDK metadata or asset', () => {
    const { template, body } = synthesizeMemberTemplate(settingsFrom());
    const resources = template.Resources as Record<string, { Type: string; Metadata?: unknown }>;

    expect(template).not.toHaveProperty('Rules');
    expect(template.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(Object.values(resources).map((resource) => resource.Type)).not.toContain('AWS::CDK::Metadata');
    expect(Object.values(resources).filter((resource) => resource.Metadata !== undefined)).toEqual([]);
    expect(body).not.toMatch(/cdk-hnb659fds|AssetParameters|aws:cdk:path/);
  });

  it('is the same template for the same settings (one definition, deployed unchanged everywhere)', () => {
    expect(synthesizeMemberTemplate(settingsFrom()).body).toBe(synthesizeMemberTemplate(settingsFrom()).body);
  });

  it('leaves no temporary directory behind', () => {
    const before = ownTemporaryDirectories();

    synthesizeMemberTemplate(settingsFrom());

    expect(ownTemporaryDirectories()).toEqual(before);
  });

  it('refuses a template over the limit, saying its size, and still cleans up', () => {
    const before = ownTemporaryDirectories();

    expect(() => synthesizeMemberTemplate(settingsFrom(), 1_000)).toThrow(OrganizationError);
    expect(() => synthesizeMemberTemplate(settingsFrom(), 1_000)).toThrow(
      /^the member account template is \d+ bytes, more than the 1000 CloudFormation takes inline; shorten the guardrail lists in iam-gitops.yaml$/,
    );
    expect(ownTemporaryDirectories()).toEqual(before);
  });
});
