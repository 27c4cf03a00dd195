// resend: ask the credential Lambda for new sign-in details for one user the roster names, by
// tagging it `iam-gitops:credentials-requested`. The password never passes through this run.

import { hasAccounts } from './accounts-config.js';
import { type CommandContext, CommandFailed } from './command-context.js';
import { NOTHING_READ, validRoster } from './read-roster.js';
import type { ResendRequested } from './resend.js';

export function resendMarkdown(request: ResendRequested): string {
  return `Asked for new sign-in details for \`${request.user}\`: tagged \`iam-gitops:credentials-requested\` = \`${request.value}\`. The credential Lambda sets a new password and emails it; the password never passes through this run.`;
}

export async function runResend(context: CommandContext): Promise<void> {
  const { user } = context;
  // The route (action) and the command line (CLI) guarantee a user; checked so the type says so.
  if (user === undefined) throw new Error('resend needs a user');
  const read = await validRoster(context, NOTHING_READ);
  const resend = await import('./resend.js');
  try {
    const entry = resend.rosterUserFor(read.roster, user);
    if (hasAccounts(read.config)) {
      const { runResendAcrossAccounts } = await import('./run-resend-accounts.js');
      return await runResendAcrossAccounts(context, { ...read, config: read.config }, entry);
    }
    if (context.account !== undefined) {
      throw new resend.ResendRefused(
        `account "${context.account}" was given, but ${context.settings.config.displayPath} lists no accounts (one account)`,
      );
    }
    const iam = await context.iamClient();
    const request = await resend.requestCredentials(iam, context.settings, entry, {
      now: new Date(),
      runId: context.runId,
    });
    await context.report.resent(request, resendMarkdown(request));
  } catch (error) {
    // A refusal is a verdict on the request (not this user, not managed here), not a failure.
    if (error instanceof resend.ResendRefused) throw new CommandFailed(error.message, 'invalid');
    throw error;
  }
}
