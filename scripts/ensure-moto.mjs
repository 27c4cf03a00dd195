#!/usr/bin/env node
// Installs moto server into a project-local virtualenv (.venv-moto) when it is missing.
// The integration tests, the demo and the benchmarks start moto from there, so a fresh
// clone needs nothing but Python 3 with venv and pip.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOTO_VERSION = '5.2.5';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv-moto');
const motoServer = join(venv, 'bin', 'moto_server');
const marker = join(venv, `.moto-${MOTO_VERSION}`);

if (existsSync(motoServer) && existsSync(marker)) process.exit(0);

const python = process.env.PYTHON ?? 'python3';
console.log(`iam-gitops: installing moto[server]==${MOTO_VERSION} into .venv-moto (one time)`);
if (!existsSync(join(venv, 'bin', 'python'))) {
  execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
}
execFileSync(
  join(venv, 'bin', 'python'),
  ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`],
  { stdio: 'inherit' },
);
execFileSync('touch', [marker]);
