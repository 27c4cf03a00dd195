// The whole installation in one stack, deployed once per account in us-east-1: the trail, the
// SES sender, the credential pipeline and the two GitHub roles. Outputs are what the user pastes
// into the workflow and DNS.
import { Stack, type StackProps, Token } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { addCredentialDelivery } from './credential-delivery.js';
import type { CredentialPipeline } from './credential-pipeline.js';
import { GithubOidcRoles } from './github-oidc-roles.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';
import type { Settings } from './settings.js';
import { addStackOutputs } from './stack-outputs.js';
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
    const { sender, pipeline } = addCredentialDelivery(this, {
      settings,
      code: props.lambdaCode,
      applyRoleArn: this.roles.applyRole.roleArn,
    });
    this.pipeline = pipeline;
    acknowledgeNagFindings({ settings, roles: this.roles, pipeline, trail: this.trail });

    addStackOutputs(
      this,
      { roles: this.roles, sender, pipeline, iamPath: settings.iamPath, hub: false },
      this.trail === undefined
        ? {}
        : { TrailArn: [this.trail.trailArn, 'the trail recording management events'] },
    );
  }
}
