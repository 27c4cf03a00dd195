#!/usr/bin/env node
// Installs moto server into a project-local virtualenv (.venv-moto) when it is missing.
// The integration tests, the demo and the benchmarks start moto from there, so a fresh
// clone needs nothing but Python 3.10+ with venv and pip. When those are missing, one line
// says what to install, instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOTO_VERSION = '5.2.5';
/** moto 5.2 supports Python 3.10 and later. */
const PYTHON_MINIMUM = [3, 10];
const root = process.env.IAM_GITOPS_MOTO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv-moto');
const motoServer = join(venv, 'bin', 'moto_server');
const marker = join(venv, `.moto-${MOTO_VERSION}`);
const INSTALL_HINT =
  'install Python 3.10 or later with venv and pip (Debian/Ubuntu: apt-get install python3 python3-venv python3-pip), or set PYTHON to one';

function fail(message) {
  process.stderr.write(`iam-gitops: ${message}\n`);
  process.exit(1);
}

/** Runs a program; the result, or undefined when it could not be started at all. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return result.error === undefined ? result : undefined;
}

if (existsSync(motoServer) && existsSync(marker)) process.exit(0);

const python = process.env.PYTHON ?? 'python3';
const probe = run(python, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])']);
if (probe === undefined)
  fail(`the tests run moto, a Python program, and "${python}" was not found: ${INSTALL_HINT}`);
if (probe.status !== 0) {
  const missing = /No module named '?(\w+)/.exec(probe.stderr)?.[1];
  fail(
    `"${python}" lacks ${missing ? `the ${missing} module` : 'venv or pip'}, which moto's install needs: ${INSTALL_HINT}`,
  );
}
const [major, minor] = probe.stdout.trim().split('.').map(Number);
if (major < PYTHON_MINIMUM[0] || (major === PYTHON_MINIMUM[0] && minor < PYTHON_MINIMUM[1])) {
  fail(
    `"${python}" is Python ${major}.${minor}; moto ${MOTO_VERSION} needs ${PYTHON_MINIMUM.join('.')} or later: ${INSTALL_HINT}`,
  );
}

console.log(
  `iam-gitops: installing moto[server]==${MOTO_VERSION} into .venv-moto (one time, about a minute)`,
);
if (!existsSync(join(venv, 'bin', 'python'))) {
  const created = run(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  if (created?.status !== 0) {
    // A half-made virtualenv would make every later run fail the same way.
    rmSync(venv, { recursive: true, force: true });
    fail(`"${python} -m venv" failed (see above): ${INSTALL_HINT}`);
  }
}
const installed = run(
  join(venv, 'bin', 'python'),
  ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`],
  { stdio: 'inherit' },
);
if (installed?.status !== 0)
  fail(`pip could not install moto[server]==${MOTO_VERSION} (see above); run "npm run moto:install" again`);
writeFileSync(marker, '');
