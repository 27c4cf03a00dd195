// The CDK app: `npx cdk synth` / `npx cdk deploy` from the repository root (see cdk.json).
// Settings come from CDK context (cdk.json, or -c key=value); docs/infrastructure.md lists them.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IamGitopsStack, REQUIRED_REGION } from '../lib/iam-gitops-stack.js';
import { ensureLambdaBundle } from '../lib/lambda-bundle.js';
import { IamGitopsHubStack } from '../lib/organization/hub-stack.js';
import { readOrganizationSettings } from '../lib/organization/organization-settings.js';
import { readSettings } from '../lib/settings.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

try {
  const app = new App();
  const settings = readSettings((key) => app.node.tryGetContext(key));
  // `accounts:` in iam-gitops.yaml makes this the hub of many accounts (docs/organizations.md).
  const organization = await readOrganizationSettings((key) => app.node.tryGetContext(key));
  if (organization !== undefined) {
    new IamGitopsHubStack(app, 'IamGitopsHub', {
      env: { region: REQUIRED_REGION },
      description: `iam-gitops hub: GitHub roles, central credential pipeline and member StackSet for ${settings.repository}`,
      settings,
      organization,
      lambdaCode: lambda.Code.fromAsset(ensureLambdaBundle(root)),
    });
  } else
    new IamGitopsStack(app, 'IamGitops', {
      // The region is fixed and the account is left to the deploying credentials (Aws.ACCOUNT_ID):
      // synth needs no AWS call and no network.
      env: { region: REQUIRED_REGION },
      description: `iam-gitops: GitOps for IAM users of ${settings.repository} (credential pipeline, GitHub roles)`,
      settings,
      lambdaCode: lambda.Code.fromAsset(ensureLambdaBundle(root)),
    });
  app.synth();
} catch (error) {
  // One readable line for the mistakes a user can make (settings, region, a missing bundle);
  // anything else keeps its stack trace.
  if (
    error instanceof Error &&
    ['SettingsError', 'RegionError', 'LambdaBundleError', 'OrganizationError'].includes(error.name)
  ) {
    console.error(`iam-gitops: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
