// The whole installation in one stack, deployed once per account in us-east-1: the trail, the
// SES sender, the credential pipeline and the two GitHub roles. Outputs are what the user pastes
// into the workflow and DNS.
import { CfnOutput, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CredentialPipeline } from './credential-pipeline.js';
import { GithubOidcRoles } from './github-oidc-roles.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';
import { SesSender } from './ses-sender.js';
import type { Settings } from './settings.js';
import { ManagementEventsTrail } from './trail.js';

/** IAM is global and CloudTrail delivers its events to EventBridge in this region only. */
export const REQUIRED_REGION = 'us-east-1';

export interface IamGitopsStackProps extends StackProps {
  readonly settings: Settings;
  /** The credential Lambda's code: `Code.fromAsset('lambda/dist')` in the app, inline code in tests. */
  readonly lambdaCode: lambda.Code;
}

export class RegionError extends Error {
  override readonly name = 'RegionError';
}

/**
 * Refuses before anything is made: in another region the rule would never see an IAM event and
 * the deploy would look fine while no email is ever sent. The hub of many accounts checks it too.
 */
export function assertRequiredRegion(stack: Stack, id: string): void {
  if (Token.isUnresolved(stack.region) || stack.region !== REQUIRED_REGION) {
    const where = Token.isUnresolved(stack.region) ? 'no region (environment-agnostic)' : stack.region;
    throw new RegionError(
      `${id} must be deployed to ${REQUIRED_REGION}, got ${where}: IAM's CloudTrail events reach EventBridge in ${REQUIRED_REGION} only. ` +
        `Set env: { region: '${REQUIRED_REGION}' }; to run the pipeline elsewhere, forward the events from a ${REQUIRED_REGION} rule (docs/infrastructure.md, "Other regions").`,
    );
  }
}

export class IamGitopsStack extends Stack {
  readonly pipeline: CredentialPipeline;
  readonly roles: GithubOidcRoles;
  readonly trail: ManagementEventsTrail | undefined;

  constructor(scope: Construct, id: string, props: IamGitopsStackProps) {
    super(scope, id, props);
    assertRequiredRegion(this, id);
    const { settings } = props;

    this.trail = settings.existingTrail ? undefined : new ManagementEventsTrail(this, 'ManagementEvents');
    this.roles = new GithubOidcRoles(this, 'GitHub', { settings });
    const sender = new SesSender(this, 'Sender', {
      sender: settings.sender,
      existing: settings.existingSenderIdentity,
    });
    this.pipeline = new CredentialPipeline(this, 'Credentials', {
      settings,
      code: props.lambdaCode,
      senderIdentityArn: sender.identityArn,
      configurationSet: {
        name: sender.configurationSet.configurationSetName,
        arn: sender.configurationSetArn,
      },
      applyRoleArn: this.roles.applyRole.roleArn,
    });
    acknowledgeNagFindings({ settings, roles: this.roles, pipeline: this.pipeline, trail: this.trail });

    const output = (key: string, value: string, description: string) =>
      new CfnOutput(this, key, { key, value, description });
    output(
      'PlanRoleArn',
      this.roles.planRole.roleArn,
      'role-to-assume for pull requests and the drift report',
    );
    output('ApplyRoleArn', this.roles.applyRole.roleArn, 'role-to-assume for the apply job');
    output(
      'TopicArn',
      this.pipeline.topic.topicArn,
      'SNS topic that carries IAM events to the credential Lambda',
    );
    output(
      'CredentialFunctionName',
      this.pipeline.function.functionName,
      'the credential Lambda (its logs say why an email was or was not sent)',
    );
    output(
      'ConfigurationSetName',
      sender.configurationSet.configurationSetName,
      'the SES configuration set (TLS required) the credential email is sent with',
    );
    output(
      'DeadLetterQueueUrl',
      this.pipeline.deadLetterQueue.queueUrl,
      'events that got no credentials email; the DeadLetterAlarm watches it',
    );
    output('IamPath', settings.iamPath, 'the managed IAM path: the workflow must use the same one');
    if (this.trail !== undefined)
      output('TrailArn', this.trail.trailArn, 'the trail recording management events');
  }
}
