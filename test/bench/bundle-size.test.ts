import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleBytes, staticImports } from '../../bench/bundle-size.js';

let folder: string | undefined;

afterEach(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

describe('staticImports', () => {
  it('finds the imports a module makes at load, not the ones it makes on demand', () => {
    const source =
      'import{a as b}from"./chunks/x.js";import"./chunks/y.js";import * as z from \'../w.js\';const c=import("./chunks/lazy.js");import fs from"node:fs";';

    expect(staticImports(source)).toEqual(['./chunks/x.js', './chunks/y.js', '../w.js']);
  });
});

describe('bundleBytes', () => {
  it('counts the entry and what it imports at load apart from the chunks loaded on demand', () => {
    folder = mkdtempSync(join(tmpdir(), 'iam-gitops-bundle-size-'));
    mkdirSync(join(folder, 'chunks'));
    const files = {
      'index.js': 'import{a}from"./chunks/shared.js";import("./chunks/lazy.js");',
      'chunks/shared.js': 'import"./deep.js";export const a=1;',
      'chunks/deep.js': 'x',
      'chunks/lazy.js': 'export const lazy=true;',
    };
    for (const [path, text] of Object.entries(files)) writeFileSync(join(folder, path), text);
    const bytes = (path: keyof typeof files) => Buffer.byteLength(files[path]);

    expect(bundleBytes(join(folder, 'index.js'))).toEqual({
      entry: bytes('index.js') + bytes('chunks/shared.js') + bytes('chunks/deep.js'),
      chunks: bytes('chunks/lazy.js'),
    });
    expect(bundleBytes(join(folder, 'missing.js'))).toBeUndefined();
  });
});
