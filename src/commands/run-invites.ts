// invites (CLI): the stale-invitation report on its own; the action runs it as part of drift. The
// roster is not read, only iam-gitops.yaml: with `accounts:` the report covers every account.
import { loadRepoConfig } from '../config/load-repo-config.js';
import { hasAccounts } from './accounts-config.js';
import { type CommandContext, rosterFailure } from './command-context.js';
import { NOTHING_READ } from './read-roster.js';

export async function runInvites(context: CommandContext): Promise<void> {
  const configured = await loadRepoConfig(context.settings.config);
  if (!configured.ok) {
    await context.report.invalid(configured.issues);
    throw rosterFailure(configured.issues, NOTHING_READ);
  }
  if (hasAccounts(configured.config)) {
    const { runInvitesAcrossAccounts } = await import('./run-invites-accounts.js');
    return runInvitesAcrossAccounts(context, configured.config);
  }
  const iam = await context.iamClient();
  const { findStaleInvites, renderStaleInvitesMarkdown } = await import('./stale-invites.js');
  const report = await findStaleInvites(iam, context.settings);
  await context.report.invites(report, renderStaleInvitesMarkdown(report));
}
