// The CLI: the action's commands for a laptop or another CI, over the same runners
// (src/commands/run-*.ts). Flags are read and checked by src/settings/cli-flags.ts, with the
// action's rules. Exit codes: 0 success; 1 invalid roster, plan error, refused re-send, or drift
// with --fail-on-drift; 2 usage, AWS or other failure.
import { type CommandContext, CommandFailed } from '../commands/command-context.js';
import { COMMAND_RUNNERS } from '../commands/runners.js';
import { type CliRequest, parseCliFlags, USAGE, UsageError } from '../settings/cli-flags.js';
import { errorMessage } from '../util/error-message.js';
import { VERSION } from '../version.js';
import { type CliIo, cliReporter } from './cli-reporter.js';

export type { CliIo } from './cli-reporter.js';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_FAILURE = 2;

function cliContext(request: Extract<CliRequest, { kind: 'run' }>, io: CliIo): CommandContext {
  const { settings, command } = request;
  return {
    settings,
    report: cliReporter(io, { json: settings.json, displayDir: settings.displayDir }),
    iamClient: async () => {
      // Loaded when AWS is first needed: validate never loads the AWS SDK.
      const { createIamClient } = await import('../iam/iam-client.js');
      return createIamClient({ region: settings.region, purpose: `cli-${command}` });
    },
    hub: async () => {
      // Loaded only with accounts in iam-gitops.yaml: the environment's credentials are the hub's.
      const { environmentHub, memberIamClients } = await import('../accounts/role-chain.js');
      const purpose = `cli-${command}`;
      const hub = await environmentHub({
        region: settings.region,
        purpose,
        noCredentials:
          "no AWS credentials: with accounts in the configuration, the CLI needs the hub's credentials " +
          "(AWS_PROFILE, AWS_ACCESS_KEY_ID, ...) to assume each account's role",
      });
      // The CLI prints no credentials; there is nothing to mask.
      return {
        ...hub,
        mask: () => {},
        createIamClient: memberIamClients({ region: settings.region, purpose }),
      };
    },
    user: request.user,
    account: request.account,
    // In another CI, its run id names the request in the tag, as the action's does.
    runId: io.env.GITHUB_RUN_ID || 'cli',
  };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const request = parseCliFlags(argv, io.env, io.cwd);
    if (request.kind === 'help') {
      io.out(USAGE);
      return EXIT_OK;
    }
    if (request.kind === 'version') {
      io.out(VERSION);
      return EXIT_OK;
    }
    await COMMAND_RUNNERS[request.command](cliContext(request, io));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`iam-gitops: ${error.message}\n\n${USAGE}`);
      return EXIT_FAILURE;
    }
    // A verdict, after the details were printed: the run's last line, as the action's failed step.
    if (error instanceof CommandFailed) {
      io.err(error.message);
      return error.kind === 'invalid' ? EXIT_INVALID : EXIT_FAILURE;
    }
    io.err(`iam-gitops: ${errorMessage(error)}`);
    return EXIT_FAILURE;
  }
}

/** The process's own streams, environment and directory. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}
