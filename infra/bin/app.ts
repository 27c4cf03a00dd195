// The CDK app: `npx cdk synth` / `npx cdk deploy` from the repository root (see cdk.json).
// Settings come from CDK context (cdk.json, or -c key=value) and the roster repository's
// iam-gitops.yaml (context `config`, resolved against the working directory): its guardrails, and
// its `accounts:`, which make this the hub of many accounts (docs/organizations.md).
// docs/infrastructure.md lists the settings.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IamGitopsStack, REQUIRED_REGION } from '../lib/iam-gitops-stack.js';
import { ensureLambdaBundle } from '../lib/lambda-bundle.js';
import { IamGitopsHubStack } from '../lib/organization/hub-stack.js';
import { readOrganizationSettings } from '../lib/organization/organization-settings.js';
import { loadSettings } from '../lib/settings.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The mistakes a user can make, printed as one line; anything else keeps its stack trace. */
const USER_ERRORS = [
  'SettingsError',
  'RegionError',
  'LambdaBundleError',
  'OrganizationError',
  'LambdaEnvironmentError',
];

try {
  const app = new App();
  const context = (key: string) => app.node.tryGetContext(key);
  const settings = await loadSettings(context, process.cwd());
  const organization = readOrganizationSettings(context, settings);
  // The region is fixed and the account is left to the deploying credentials (Aws.ACCOUNT_ID):
  // synth needs no AWS call and no network.
  const env = { region: REQUIRED_REGION };
  if (organization !== undefined) {
    new IamGitopsHubStack(app, 'IamGitopsHub', {
      env,
      description: `iam-gitops hub: GitHub roles, central credential pipeline and member StackSet for ${settings.repository}`,
      settings,
      organization,
      lambdaCode: lambda.Code.fromAsset(ensureLambdaBundle(root)),
    });
  } else {
    new IamGitopsStack(app, 'IamGitops', {
      env,
      description: `iam-gitops: GitOps for IAM users of ${settings.repository} (credential pipeline, GitHub roles)`,
      settings,
      lambdaCode: lambda.Code.fromAsset(ensureLambdaBundle(root)),
    });
  }
  app.synth();
} catch (error) {
  if (error instanceof Error && USER_ERRORS.includes(error.name)) {
    console.error(`iam-gitops: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
