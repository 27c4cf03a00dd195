#!/usr/bin/env node
// The iam-gitops command (package.json `bin`, bundled to dist/cli/index.js). The Node.js version is
// checked first, with nothing else loaded; the CLI itself is loaded only on a Node that can run it.
import { nodeVersionProblem } from './util/node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 2;
} else {
  const { processIo, runCli } = await import('./cli/run-cli.js');
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
