// The helper every infra test synthesizes through leaves nothing in the temp directory: the
// temp directory is pointed at an empty folder for the test, and must be empty again after.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT, synth, withApp } from './synth.js';

describe('synth', { timeout: SYNTH_TIMEOUT }, () => {
  const saved = process.env.TMPDIR;
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'iam-gitops-tmpdir-'));
    process.env.TMPDIR = scratch;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('uses the temp directory it is given (control: a bare App leaves a cdk.out folder there)', () => {
    expect(tmpdir()).toBe(scratch);

    new App();

    expect(readdirSync(scratch).filter((entry) => entry.startsWith('cdk.out'))).toHaveLength(1);
  });

  it('leaves nothing behind, however often it synthesizes', () => {
    const { template } = synth();
    synth({ existingTrail: true }, { config: 'open' });
    withApp((app) => app.node.id);

    expect(Object.keys(template.findResources('AWS::IAM::Role'))).toHaveLength(3);
    expect(readdirSync(scratch)).toEqual([]);
  });
});
