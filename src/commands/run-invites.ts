// invites (CLI): the stale-invitation report on its own; the action runs it as part of drift.
import type { CommandContext } from './command-context.js';

export async function runInvites(context: CommandContext): Promise<void> {
  const iam = await context.iamClient();
  const { findStaleInvites, renderStaleInvitesMarkdown } = await import('./stale-invites.js');
  const report = await findStaleInvites(iam, context.settings);
  await context.report.invites(report, renderStaleInvitesMarkdown(report));
}
