// drift: what IAM holds that the roster does not say, and stale invitations, from one read of
// IAM. Changes nothing but, with `expire-invites`, the login profiles of stale invitations.
import { countOf } from '../plan/markdown.js';
import { hasAccounts } from './accounts-config.js';
import { type CommandContext, CommandFailed } from './command-context.js';
import { driftCount, findDrift, renderDriftMarkdown } from './drift.js';
import { planFromIam } from './plan-from-iam.js';
import { NOTHING_READ, validRoster } from './read-roster.js';

export async function runDrift(context: CommandContext): Promise<void> {
  const read = await validRoster(context, NOTHING_READ);
  if (hasAccounts(read.config)) {
    const { runDriftAcrossAccounts } = await import('./run-drift-accounts.js');
    return runDriftAcrossAccounts(context, { ...read, config: read.config });
  }
  const { iam, plan, snapshot } = await planFromIam(context, read);
  const drift = findDrift(plan);
  const count = driftCount(drift);
  // Stale invitations ride along: the snapshot is already read.
  const { findStaleInvites, renderStaleInvitesMarkdown } = await import('./stale-invites.js');
  const invites = await findStaleInvites(iam, context.settings, { snapshot });
  const markdown = `${renderDriftMarkdown(drift)}\n${renderStaleInvitesMarkdown(invites)}`;
  await context.report.drifted({ plan, drift, count, invites, markdown });
  if (count === 0) return;
  const line = `${countOf(count, 'drift finding')}: IAM differs from the roster`;
  if (context.settings.failOnDrift) throw new CommandFailed(line, 'invalid');
  context.report.warning(line);
}
