// validate: the roster files and iam-gitops.yaml, every error at its line; no AWS call.
import type { CommandContext } from './command-context.js';
import { validRoster } from './read-roster.js';

export async function runValidate(context: CommandContext): Promise<void> {
  const read = await validRoster(context);
  await context.report.valid({ users: read.roster.users.length, files: read.fileCount });
}
