// The hub's StackSet, self-managed, deployed through moto's CloudFormation into two member
// accounts of a hub: the template, parameters and instance groups exactly as the synthesized hub
// stack declares them. moto creates self-managed instances in each account; it checks no trust
// and skips types it does not know, so what is asserted is what it does create: the roles with
// their path, trust and policies, and the forwarding rule, which moto does deliver across accounts.
// Trust itself is decided by the IAM simulator in member-stack.test.ts and hub-stack.test.ts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Capability,
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeleteStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_RULE_NAME } from '../../../infra/lib/organization/member-stack.js';
import { freshAccount, type TestAccount } from '../../support/aws.js';
import { crushArrays } from '../../support/crush-arrays.js';
import { logicalId } from '../support/synth.js';
import {
  type CfnTemplate,
  type Environment,
  type PolicyDocument,
  resolveIn,
  rolePolicies,
} from '../support/template-policies.js';
import {
  accountEnvironment,
  hubSettingsFromText,
  type SynthesizedHub,
  synthHub,
} from './support/organization.js';

interface StackSetProperties {
  StackSetName: string;
  TemplateBody: string;
  Capabilities: string[];
  PermissionModel: string;
  Parameters: { ParameterKey: string; ParameterValue: unknown }[];
  StackInstancesGroup: {
    Regions: string[];
    DeploymentTargets: { Accounts: string[] };
    ParameterOverrides?: { ParameterKey: string; ParameterValue: string }[];
  }[];
}

let hubAccount: TestAccount;
let prod: TestAccount;
let dev: TestAccount;
let synthesized: SynthesizedHub;
let properties: StackSetProperties;
let hubTemplate: CfnTemplate;
let hub: Environment;
let stackSetParameters: { ParameterKey: string; ParameterValue: string }[];
let hubQueueUrl: string;
let hubBusName: string;

const cfn = () => new CloudFormationClient(hubAccount.clientConfig);

beforeAll(async () => {
  [hubAccount, prod, dev] = await Promise.all([freshAccount(), freshAccount(), freshAccount()]);
  const context = { stackSetModel: 'self-managed', organizationalUnits: undefined };
  synthesized = synthHub(context, {
    settings: hubSettingsFromText(
      `guardrails: { groups: [developers], policies: ['*'] }
accounts:
  prod: { id: "${prod.accountId}" }
  dev: { id: "${dev.accountId}", applyRole: dev-apply }
`,
      context,
    ),
  });
  hubTemplate = synthesized.template.toJSON() as CfnTemplate;
  hub = accountEnvironment(hubAccount.accountId);
  const stackSet = Object.values(hubTemplate.Resources).find(
    (r) => r.Type === 'AWS::CloudFormation::StackSet',
  );
  properties = stackSet?.Properties as unknown as StackSetProperties;
  stackSetParameters = properties.Parameters.map(({ ParameterKey, ParameterValue }) => ({
    ParameterKey,
    ParameterValue: String(resolveIn(hubTemplate, ParameterValue, {}, hub)),
  }));

  // The hub side of the forwarding: the bus the parameters name, a rule on it, a queue to read.
  const busArn =
    stackSetParameters.find((p) => p.ParameterKey === 'CentralEventBusArn')?.ParameterValue ?? '';
  hubBusName = busArn.slice(busArn.lastIndexOf('/') + 1);
  const events = new EventBridgeClient(hubAccount.clientConfig);
  const sqs = new SQSClient(hubAccount.clientConfig);
  await events.send(new CreateEventBusCommand({ Name: hubBusName }));
  hubQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'hub-received' }))).QueueUrl ?? '';
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: hubQueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  await events.send(
    new PutRuleCommand({
      Name: 'received',
      EventBusName: hubBusName,
      EventPattern: '{"source":["aws.iam"]}',
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'received',
      EventBusName: hubBusName,
      Targets: [{ Id: 'queue', Arn: queueArn }],
    }),
  );

  await cfn().send(
    new CreateStackSetCommand({
      StackSetName: properties.StackSetName,
      TemplateBody: properties.TemplateBody,
      Capabilities: properties.Capabilities as Capability[],
      PermissionModel: properties.PermissionModel as 'SELF_MANAGED',
      Parameters: stackSetParameters,
    }),
  );
  for (const group of properties.StackInstancesGroup) {
    // AWS merges ParameterOverrides into the StackSet's parameters; moto 5.2.5 takes them as the
    // whole list, so the merged list is sent (the same values AWS would use).
    const overrides = group.ParameterOverrides ?? [];
    await cfn().send(
      new CreateStackInstancesCommand({
        StackSetName: properties.StackSetName,
        Accounts: group.DeploymentTargets.Accounts,
        Regions: group.Regions,
        ...(overrides.length === 0
          ? {}
          : {
              ParameterOverrides: [
                ...stackSetParameters,
                ...overrides.map(({ ParameterKey, ParameterValue }) => ({ ParameterKey, ParameterValue })),
              ],
            }),
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  if (properties === undefined) return;
  await cfn().send(
    new DeleteStackInstancesCommand({
      StackSetName: properties.StackSetName,
      Accounts: [prod.accountId, dev.accountId],
      Regions: ['us-east-1'],
      RetainStacks: false,
    }),
  );
  await cfn().send(new DeleteStackSetCommand({ StackSetName: properties.StackSetName }));
  const events = new EventBridgeClient(hubAccount.clientConfig);
  await events.send(new RemoveTargetsCommand({ Rule: 'received', EventBusName: hubBusName, Ids: ['queue'] }));
  await events.send(new DeleteRuleCommand({ Name: 'received', EventBusName: hubBusName }));
  await events.send(new DeleteEventBusCommand({ Name: hubBusName }));
  await new SQSClient(hubAccount.clientConfig).send(new DeleteQueueCommand({ QueueUrl: hubQueueUrl }));
});

/** The member template's statements for `roleId`, resolved in `account` with the StackSet's values. */
function expectedStatements(account: TestAccount, roleId: string): PolicyDocument['Statement'] {
  const parameters = Object.fromEntries(stackSetParameters.map((p) => [p.ParameterKey, p.ParameterValue]));
  return rolePolicies(synthesized.member, roleId, parameters, accountEnvironment(account.accountId)).flatMap(
    (policy) => policy.Statement,
  );
}

async function inlineStatements(iam: IAMClient, roleName: string): Promise<unknown[]> {
  const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  const statements: unknown[] = [];
  for (const PolicyName of PolicyNames) {
    const { PolicyDocument = '' } = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName }),
    );
    statements.push(...(JSON.parse(decodeURIComponent(PolicyDocument)) as PolicyDocument).Statement);
  }
  return statements;
}

const hubArn = (key: string) => stackSetParameters.find((p) => p.ParameterKey === key)?.ParameterValue;

describe('the member StackSet, self-managed, in two member accounts', () => {
  it.each([
    ['prod', 'iam-gitops-apply', () => prod],
    ['dev', 'dev-apply', () => dev],
  ])(
    '%s holds the plan, apply (%s) and credentials roles, trusting the hub, with the template policies',
    async (_, applyRole, member) => {
      const account = member();
      const iam = new IAMClient(account.clientConfig);
      const roleId = (prefix: string) => logicalId(synthesized.member, 'AWS::IAM::Role', prefix);
      const roles = [
        ['iam-gitops-plan', 'PlanRole', hubArn('HubPlanRoleArn')],
        [applyRole, 'ApplyRole', hubArn('HubApplyRoleArn')],
        ['iam-gitops-credentials', 'CredentialsRole', hubArn('CredentialLambdaRoleArn')],
      ] as const;

      const { Roles = [] } = await iam.send(new ListRolesCommand({ PathPrefix: '/iam-gitops/' }));
      expect(Roles.map((role) => role.RoleName).sort()).toEqual(roles.map(([name]) => name).sort());
      for (const [name, prefix, trusted] of roles) {
        const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
        expect(Role?.Arn).toBe(`arn:aws:iam::${account.accountId}:role/iam-gitops/${name}`);
        expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''))).toEqual({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: trusted } }],
        });
        expect(await inlineStatements(iam, name)).toEqual(expectedStatements(account, roleId(prefix)));
      }
    },
  );

  it.each([
    ['prod', () => prod],
    ['dev', () => dev],
  ])('%s forwards the credential events to the hub bus through its own role', async (_, member) => {
    const account = member();
    const events = new EventBridgeClient(account.clientConfig);

    const rule = await events.send(new DescribeRuleCommand({ Name: FORWARD_RULE_NAME }));
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: FORWARD_RULE_NAME }));

    expect(JSON.parse(rule.EventPattern ?? '')).toEqual(
      synthesized.member.Resources[logicalId(synthesized.member, 'AWS::Events::Rule', 'ForwardRule')]
        ?.Properties?.EventPattern,
    );
    expect(Targets).toHaveLength(1);
    expect(Targets[0]?.Arn).toBe(hubArn('CentralEventBusArn'));
    expect(Targets[0]?.RoleArn).toMatch(new RegExp(`^arn:aws:iam::${account.accountId}:role/.*ForwardRole`));
  });

  it("delivers a member's CreateUser event to the hub bus, and not an unrelated one", async () => {
    const fixture = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', 'fixtures', 'cloudtrail', 'create-user-managed-path.json'),
        'utf8',
      ),
    ) as { source: string; 'detail-type': string; detail: { eventID: string } };
    const other = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', 'fixtures', 'cloudtrail', 'delete-user.json'),
        'utf8',
      ),
    ) as typeof fixture;
    const events = new EventBridgeClient(prod.clientConfig);

    for (const event of [other, fixture]) {
      const answer = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: event.source,
              DetailType: event['detail-type'],
              Detail: JSON.stringify(crushArrays(event.detail)),
            },
          ],
        }),
      );
      expect(answer.FailedEntryCount ?? 0).toBe(0);
    }
    const { Messages = [] } = await new SQSClient(hubAccount.clientConfig).send(
      new ReceiveMessageCommand({ QueueUrl: hubQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );

    expect(Messages.map((m) => (JSON.parse(m.Body ?? '{}') as typeof fixture).detail.eventID)).toEqual([
      fixture.detail.eventID,
    ]);
  });
});
