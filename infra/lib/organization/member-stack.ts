// What the StackSet puts in every member account (DESIGN.md, "Many accounts"), as CDK constructs
// built with the same statement functions as the single-account stack, so the guardrails are
// defined once:
// - `iam-gitops-plan` and `iam-gitops-apply` (path /iam-gitops/), trusting only the hub's plan
//   and apply roles, with the single-account plan and apply permissions;
// - `iam-gitops-credentials`, trusting only the central credential Lambda's role, with the
//   single-account Lambda's IAM permissions (login profile and marker tag of the users this
//   repository manages, password policy, alias);
// - a us-east-1 rule forwarding CreateUser/TagUser (credentialEventPattern) to the central bus,
//   through a role EventBridge assumes for the cross-account delivery.
// Whatever differs per installation or account comes in as a template parameter: the template is
// synthesized once (member-template.ts) and deployed unchanged to every account.
import {
  type App,
  Aws,
  BootstraplessSynthesizer,
  CfnParameter,
  Duration,
  type IStackSynthesizer,
  Stack,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DEFAULT_MEMBER_ROLES, MEMBER_ROLE_PATH } from '../../../src/config/repo-config-schema.js';
import { applyStatements, planStatements } from '../apply-permissions.js';
import { credentialEventPattern } from '../credential-event-pattern.js';
import { lambdaIamStatements } from '../credential-pipeline.js';
import { REQUIRED_REGION } from '../iam-gitops-stack.js';
import { acknowledgeApplyRole, acknowledgeLambdaIam, acknowledgePlanRole } from '../nag-suppressions.js';
import type { Settings } from '../settings.js';

/** The member template's parameters: the hub's ARNs (set on the StackSet) and the role names. */
export const MEMBER_PARAMETERS = {
  hubPlanRoleArn: 'HubPlanRoleArn',
  hubApplyRoleArn: 'HubApplyRoleArn',
  credentialLambdaRoleArn: 'CredentialLambdaRoleArn',
  centralEventBusArn: 'CentralEventBusArn',
  planRoleName: 'PlanRoleName',
  applyRoleName: 'ApplyRoleName',
  credentialsRoleName: 'CredentialsRoleName',
} as const;

export type MemberParameter = (typeof MEMBER_PARAMETERS)[keyof typeof MEMBER_PARAMETERS];

/**
 * The forwarding rule's name in every member account. Fixed, because the central bus admits
 * events only from rules of this name (aws:SourceArn), and the forwarding role's trust names it.
 */
export const FORWARD_RULE_NAME = 'iam-gitops-credential-events';

export interface MemberStackProps {
  readonly settings: Settings;
}

export class MemberStack extends Stack {
  readonly planRole: iam.Role;
  readonly applyRole: iam.Role;
  readonly credentialsRole: iam.Role;
  readonly forwardRule: events.Rule;
  readonly forwardRole: iam.Role;

  constructor(scope: App, id: string, props: MemberStackProps) {
    super(scope, id, {
      env: { region: REQUIRED_REGION },
      // No bootstrap version parameter or rule, no asset: the members are not bootstrapped.
      // (The cast bridges a typing gap that exactOptionalPropertyTypes refuses: bootstrapQualifier.)
      synthesizer: new BootstraplessSynthesizer() as IStackSynthesizer,
      analyticsReporting: false,
      description: `iam-gitops member account: roles for ${props.settings.repository} and the forwarding of IAM events to the hub`,
    });
    const { settings } = props;

    const parameter = (name: MemberParameter, description: string, defaultValue?: string) =>
      new CfnParameter(this, name, {
        type: 'String',
        description,
        ...(defaultValue === undefined ? { allowedPattern: '.+' } : { default: defaultValue }),
      }).valueAsString;
    const hubPlanRoleArn = parameter(
      MEMBER_PARAMETERS.hubPlanRoleArn,
      'The hub plan role (may assume the plan role)',
    );
    const hubApplyRoleArn = parameter(
      MEMBER_PARAMETERS.hubApplyRoleArn,
      'The hub apply role (may assume the apply role)',
    );
    const lambdaRoleArn = parameter(
      MEMBER_PARAMETERS.credentialLambdaRoleArn,
      "The central credential Lambda's role (may assume the credentials role)",
    );
    const centralBusArn = parameter(
      MEMBER_PARAMETERS.centralEventBusArn,
      "The hub's event bus that receives this account's IAM events",
    );
    const planRoleName = parameter(
      MEMBER_PARAMETERS.planRoleName,
      'Name of the plan role',
      DEFAULT_MEMBER_ROLES.planRole,
    );
    const applyRoleName = parameter(
      MEMBER_PARAMETERS.applyRoleName,
      'Name of the apply role',
      DEFAULT_MEMBER_ROLES.applyRole,
    );
    const credentialsRoleName = parameter(
      MEMBER_PARAMETERS.credentialsRoleName,
      'Name of the credentials role',
      DEFAULT_MEMBER_ROLES.credentialsRole,
    );

    // Exact role ARNs, no account root and no condition: only those roles' sessions may assume.
    const memberRole = (roleId: string, roleName: string, trusted: string, description: string) =>
      new iam.Role(this, roleId, {
        roleName,
        path: MEMBER_ROLE_PATH,
        description,
        maxSessionDuration: Duration.hours(1),
        assumedBy: new iam.ArnPrincipal(trusted),
      });

    this.planRole = memberRole(
      'PlanRole',
      planRoleName,
      hubPlanRoleArn,
      `iam-gitops plan (read-only) for ${settings.repository}, assumed from the hub plan role`,
    );
    this.applyRole = memberRole(
      'ApplyRole',
      applyRoleName,
      hubApplyRoleArn,
      `iam-gitops apply (writes managed users) for ${settings.repository}, assumed from the hub apply role`,
    );
    this.credentialsRole = memberRole(
      'CredentialsRole',
      credentialsRoleName,
      lambdaRoleArn,
      'iam-gitops credentials: login profiles of managed users, assumed by the central credential Lambda',
    );
    for (const statement of planStatements(this, settings)) this.planRole.addToPolicy(statement);
    for (const statement of applyStatements(this, settings)) this.applyRole.addToPolicy(statement);
    for (const statement of lambdaIamStatements(this, settings)) this.credentialsRole.addToPolicy(statement);
    // The same wildcards as the single-account roles, acknowledged by the same functions.
    acknowledgePlanRole(this.planRole, settings);
    acknowledgeApplyRole(this.applyRole, settings);
    acknowledgeLambdaIam(this.credentialsRole, settings);

    // Built from the fixed name rather than taken from the rule: the rule names the role as its
    // target's, so the role's trust naming the rule's attribute would be a cycle.
    const forwardRuleArn = this.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: FORWARD_RULE_NAME,
    });
    this.forwardRole = new iam.Role(this, 'ForwardRole', {
      description: 'iam-gitops: lets EventBridge deliver this account IAM events to the hub bus',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        // Only this account's forwarding rule, so no other rule (of any account) can borrow it.
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnEquals: { 'aws:SourceArn': forwardRuleArn },
        },
      }),
    });
    this.forwardRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutEventsToTheHubBus',
        actions: ['events:PutEvents'],
        resources: [centralBusArn],
      }),
    );

    const pattern = credentialEventPattern(settings.iamPath);
    this.forwardRule = new events.Rule(this, 'ForwardRule', {
      ruleName: FORWARD_RULE_NAME,
      description: `iam-gitops: CreateUser under ${settings.iamPath} and TagUser requesting credentials, to the hub`,
      eventPattern: {
        source: [...pattern.source],
        detailType: [...pattern['detail-type']],
        detail: structuredClone(pattern.detail) as Record<string, unknown>,
      },
    });
    const forwardRole = this.forwardRole;
    this.forwardRule.addTarget({ bind: () => ({ arn: centralBusArn, role: forwardRole }) });
  }
}
