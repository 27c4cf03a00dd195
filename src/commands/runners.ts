// One runner per command, for both front ends: the action routes an event to one of the first
// five, the CLI a command line to any of them.
import type { CommandRunner } from './command-context.js';
import { runApply } from './run-apply.js';
import { runDrift } from './run-drift.js';
import { runInvites } from './run-invites.js';
import { runPlan } from './run-plan.js';
import { runResend } from './run-resend.js';
import { runValidate } from './run-validate.js';

export const COMMAND_RUNNERS = {
  validate: runValidate,
  plan: runPlan,
  apply: runApply,
  resend: runResend,
  drift: runDrift,
  invites: runInvites,
} as const satisfies Record<string, CommandRunner>;
