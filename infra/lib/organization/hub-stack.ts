// One deploy for the organisation (DESIGN.md, "Many accounts"): the stack in the hub account
// (identity or tooling). It holds the GitHub roles, which may only assume the member accounts'
// roles; the central credential pipeline (an event bus the members forward their IAM events to,
// the SNS topic, the Lambda, SES, the dead-letter queue and alarms), whose Lambda may only assume
// the members' credentials roles; and the StackSet that puts those roles and the forwarding rule
// in every member account. No trail: the hub manages no users, each member's trail records its own.
// The pipeline is the single-account one (credential-pipeline.ts), on the hub bus and with the
// member accounts: the same encrypted topic, explicit Deny, configuration set, alarms and Lambda.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { addCredentialDelivery } from '../credential-delivery.js';
import type { CredentialPipeline } from '../credential-pipeline.js';
import { GithubOidcRoles } from '../github-oidc-roles.js';
import { assertRequiredRegion } from '../iam-gitops-stack.js';
import { acknowledgePipeline } from '../nag-suppressions.js';
import type { Settings } from '../settings.js';
import { addStackOutputs } from '../stack-outputs.js';
import { CentralEventBus } from './central-event-bus.js';
import { hubRoleStatements, memberAccountsForLambda } from './member-roles.js';
import { MemberStackSet } from './member-stack-set.js';
import { synthesizeMemberTemplate } from './member-template.js';
import type { OrganizationSettings } from './organization-settings.js';

export interface IamGitopsHubStackProps extends StackProps {
  readonly settings: Settings;
  readonly organization: OrganizationSettings;
  /** The credential Lambda's code: `Code.fromAsset('lambda/dist')` in the app, inline code in tests. */
  readonly lambdaCode: lambda.Code;
}

export class IamGitopsHubStack extends Stack {
  readonly bus: CentralEventBus;
  readonly pipeline: CredentialPipeline;
  readonly roles: GithubOidcRoles;
  readonly members: MemberStackSet;
  /** The member template deployed by the StackSet, as an object. */
  readonly memberTemplate: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: IamGitopsHubStackProps) {
    super(scope, id, props);
    assertRequiredRegion(this, id);
    const { settings, organization } = props;

    this.roles = new GithubOidcRoles(this, 'GitHub', {
      settings,
      statements: hubRoleStatements(this.partition, organization.accounts),
    });
    this.bus = new CentralEventBus(this, 'Events', {
      memberAccountIds: organization.accounts.map((account) => account.id),
    });
    const { sender, pipeline } = addCredentialDelivery(this, {
      settings,
      code: props.lambdaCode,
      // The hub apply role creates no user in the hub (it may only assume the members' apply
      // roles), and the rule takes only the members' events: the Lambda's own-account rule then
      // holds for a role that never calls IAM here, and every answer goes through a member's
      // apply role from MEMBER_ACCOUNTS (docs/organizations.md, "The central Lambda").
      applyRoleArn: this.roles.applyRole.roleArn,
      // The cast only bridges a typing gap (EventBus declares eventSourceName optional where
      // IEventBus does not), which exactOptionalPropertyTypes refuses.
      eventBus: this.bus.bus as events.IEventBus,
      memberAccounts: memberAccountsForLambda(organization.accounts),
    });
    this.pipeline = pipeline;
    // The hub roles hold no wildcard (exact member role ARNs); the pipeline's findings are those of
    // one account, without the IAM ones (the Lambda's IAM rights are the members' credentials roles).
    acknowledgePipeline(this.pipeline, settings);

    const member = synthesizeMemberTemplate(settings);
    this.memberTemplate = member.template;
    this.members = new MemberStackSet(this, 'Members', {
      organization,
      templateBody: member.body,
      hub: {
        hubPlanRoleArn: this.roles.planRole.roleArn,
        hubApplyRoleArn: this.roles.applyRole.roleArn,
        credentialLambdaRoleArn: this.pipeline.role.roleArn,
        centralEventBusArn: this.bus.bus.eventBusArn,
      },
    });

    addStackOutputs(
      this,
      { roles: this.roles, sender, pipeline, iamPath: settings.iamPath, hub: true },
      {
        EventBusArn: [this.bus.bus.eventBusArn, "the hub bus receiving the member accounts' IAM events"],
        StackSetName: [this.members.stackSet.stackSetName, "the StackSet holding the member accounts' roles"],
      },
    );
  }
}
