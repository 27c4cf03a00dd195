// The action: read the inputs, route the event to a command, run it. One catch ends in setFailed.
import * as core from '@actions/core';
import { COMMAND_RUNNERS } from './commands/runners.js';
import { actionContext, announce } from './github/action-reporter.js';
import { routeEvent } from './github/event-route.js';
import { oidcTokenAvailable, readWorkflowContext } from './github/workflow-context.js';
import { readInputs } from './settings/action-inputs.js';
import { errorMessage } from './util/error-message.js';

export async function run(): Promise<void> {
  try {
    const settings = readInputs();
    const workflow = readWorkflowContext();
    const route = routeEvent(
      workflow.event,
      {
        command: settings.command,
        user: settings.user,
        account: settings.account,
        roleToAssume: settings.aws.roleToAssume,
      },
      { oidcToken: oidcTokenAvailable() },
    );
    announce({ settings, route });
    await COMMAND_RUNNERS[route.command](actionContext({ settings, workflow, route }));
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}
