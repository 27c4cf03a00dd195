// One deploy for the organisation (DESIGN.md, "Many accounts"): the stack in the hub account
// (identity or tooling). It holds the GitHub roles, which may only assume the member accounts'
// roles; the central credential pipeline (an event bus the members forward their IAM events to,
// the SNS topic, the Lambda, SES, the dead-letter queue and alarms), whose Lambda may only assume
// the members' credentials roles; and the StackSet that puts those roles and the forwarding rule
// in every member account. No trail: the hub manages no users, each member's trail records its own.
// The pipeline is the single-account one (credential-pipeline.ts), on the hub bus and with the
// member accounts: the same encrypted topic, explicit Deny, configuration set, alarms and Lambda.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CredentialPipeline } from '../credential-pipeline.js';
import { GithubOidcRoles } from '../github-oidc-roles.js';
import { assertRequiredRegion } from '../iam-gitops-stack.js';
import { acknowledgePipeline } from '../nag-suppressions.js';
import { SesSender } from '../ses-sender.js';
import type { Settings } from '../settings.js';
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
    const sender = new SesSender(this, 'Sender', {
      sender: settings.sender,
      existing: settings.existingSenderIdentity,
    });
    this.bus = new CentralEventBus(this, 'Events', {
      memberAccountIds: organization.accounts.map((account) => account.id),
    });
    this.pipeline = new CredentialPipeline(this, 'Credentials', {
      settings,
      code: props.lambdaCode,
      senderIdentityArn: sender.identityArn,
      configurationSet: {
        name: sender.configurationSet.configurationSetName,
        arn: sender.configurationSetArn,
      },
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

    const output = (key: string, value: string, description: string) =>
      new CfnOutput(this, key, { key, value, description });
    output(
      'PlanRoleArn',
      this.roles.planRole.roleArn,
      "role-to-assume for pull requests and the drift report (the hub's; it chains into each account)",
    );
    output('ApplyRoleArn', this.roles.applyRole.roleArn, "role-to-assume for the apply job (the hub's)");
    output('EventBusArn', this.bus.bus.eventBusArn, "the hub bus receiving the member accounts' IAM events");
    output(
      'StackSetName',
      this.members.stackSet.stackSetName,
      "the StackSet holding the member accounts' roles",
    );
    output(
      'TopicArn',
      this.pipeline.topic.topicArn,
      "SNS topic that carries the members' IAM events to the central credential Lambda",
    );
    output(
      'ConfigurationSetName',
      sender.configurationSet.configurationSetName,
      'the SES configuration set (TLS required) the credential email is sent with',
    );
    output(
      'CredentialFunctionName',
      this.pipeline.function.functionName,
      'the central credential Lambda (its logs say why an email was or was not sent)',
    );
    output(
      'DeadLetterQueueUrl',
      this.pipeline.deadLetterQueue.queueUrl,
      'events that got no credentials email; the DeadLetterAlarm watches it',
    );
    output('IamPath', settings.iamPath, 'the managed IAM path: the workflow must use the same one');
  }
}
