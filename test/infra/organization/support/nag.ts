// cdk-nag's AwsSolutions pack over an app, as the list of findings it reports (rule and construct
// path), read from the validation report it writes. The app's output directory is removed again.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

interface ValidationReport {
  readonly pluginReports: {
    readonly violations: {
      readonly ruleName: string;
      readonly violatingConstructs: { readonly constructPath: string }[];
    }[];
  }[];
}

export function nagFindings(build: (app: App) => void): NagFinding[] {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-gitops-nag-'));
  try {
    const app = new App({ outdir });
    build(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch (error) {
      // A finding fails the synth; the report says which. Any other failure is the test's.
      if (!existsSync(join(outdir, 'validation-report.json'))) throw error;
    }
    const file = join(outdir, 'validation-report.json');
    if (!existsSync(file)) return [];
    const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
    return report.pluginReports.flatMap((plugin) =>
      plugin.violations.flatMap((violation) =>
        violation.violatingConstructs.map((construct) => ({
          rule: violation.ruleName,
          path: construct.constructPath,
        })),
      ),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
