import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  synthesizeMemberTemplate,
  TEMPLATE_BODY_MAX_BYTES,
} from '../../../infra/lib/organization/member-template.js';
import { OrganizationError } from '../../../infra/lib/organization/organization-error.js';
import { hubSettingsFrom, SYNTH_TIMEOUT } from './support/organization.js';

const ownTemporaryDirectories = () =>
  readdirSync(tmpdir()).filter((name) => name.startsWith('iam-gitops-member-'));

describe('synthesizeMemberTemplate', { timeout: SYNTH_TIMEOUT }, () => {
  it('gives the member stack as compact JSON, well inside the inline TemplateBody limit', () => {
    const { template, body } = synthesizeMemberTemplate(hubSettingsFrom());

    expect(body).toBe(JSON.stringify(template));
    expect(Buffer.byteLength(body)).toBeLessThan(TEMPLATE_BODY_MAX_BYTES / 2);
    expect(Object.keys(template).sort()).toEqual(['Description', 'Parameters', 'Resources']);
    expect(template.Description).toBe(
      'iam-gitops member account: roles for example-org/iam-users and the forwarding of IAM events to the hub',
    );
  });

  it('carries nothing a StackSet cannot deploy: no bootstrap check, no CDK metadata or asset', () => {
    const { template, body } = synthesizeMemberTemplate(hubSettingsFrom());
    const resources = template.Resources as Record<string, { Type: string; Metadata?: unknown }>;

    expect(template).not.toHaveProperty('Rules');
    expect(template.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(Object.values(resources).map((resource) => resource.Type)).not.toContain('AWS::CDK::Metadata');
    expect(Object.values(resources).filter((resource) => resource.Metadata !== undefined)).toEqual([]);
    expect(body).not.toMatch(/cdk-hnb659fds|AssetParameters|aws:cdk:path/);
  });

  it('is the same template for the same settings (one definition, deployed unchanged everywhere)', () => {
    expect(synthesizeMemberTemplate(hubSettingsFrom()).body).toBe(
      synthesizeMemberTemplate(hubSettingsFrom()).body,
    );
  });

  it('leaves no temporary directory behind', () => {
    const before = ownTemporaryDirectories();

    synthesizeMemberTemplate(hubSettingsFrom());

    expect(ownTemporaryDirectories()).toEqual(before);
  });

  it('refuses a template over the limit, saying its size, and still cleans up', () => {
    const before = ownTemporaryDirectories();

    expect(() => synthesizeMemberTemplate(hubSettingsFrom(), 1_000)).toThrow(OrganizationError);
    expect(() => synthesizeMemberTemplate(hubSettingsFrom(), 1_000)).toThrow(
      /^the member account template is \d+ bytes, more than the 1000 CloudFormation takes inline; shorten the guardrail lists in accounts.yaml$/,
    );
    expect(ownTemporaryDirectories()).toEqual(before);
  });
});
