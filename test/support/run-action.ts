// Runs the built action (dist/index.js) the way the runner does: a node process whose inputs are
// INPUT_* variables (every input of action.yml at its default unless set), with the event payload
// in a file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and nothing else from this process's
// environment (in particular no AWS credentials).
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js');
export const EVENTS_DIR = join(ROOT, 'test', 'fixtures', 'github-events');

export type EventName = 'pull_request' | 'pull_request_target' | 'push' | 'workflow_dispatch' | 'schedule';

export interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  readonly summary: string;
  /** Step outputs, parsed from GITHUB_OUTPUT. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Every file the step could have written to (summary, outputs, RUNNER_TEMP), concatenated. */
  readonly files: string;
}

export interface RunOptions {
  readonly event: EventName;
  /** Payload file under test/fixtures/github-events, default `<event>.json`. */
  readonly payloadFile?: string;
  /** Changes to the payload for this run (merged one level deep). */
  readonly payloadPatch?: Record<string, unknown>;
  /** Action inputs by their action.yml names. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** The repository checkout (GITHUB_WORKSPACE). */
  readonly workspace: string;
  /** What `${{ github.token }}` evaluates to for the github-token input's default. */
  readonly githubToken?: string;
  /** Environment on top of the runner's; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface ActionMetadata {
  inputs: Record<string, { default?: string }>;
}

/** The runner's INPUT_ name: upper case, spaces to underscores, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses GITHUB_OUTPUT: `name<<DELIMITER\nvalue\nDELIMITER` blocks (and plain `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (index++; index < lines.length && lines[index] !== delimiter; index++)
        value.push(lines[index] ?? '');
      outputs[name] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

async function defaultInputs(githubToken: string): Promise<Record<string, string>> {
  const metadata = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(metadata.inputs)) {
    // The runner evaluates defaults; the only expression among them is the job's token.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, not a JS template
    const value = (input.default ?? '').replace('${{ github.token }}', githubToken);
    env[inputVariable(name)] = value;
  }
  return env;
}

/** A temporary repository checkout holding a copy of one or more fixture roster folders as `users/`. */
export async function checkoutWith(...rosterDirs: string[]): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'iam-gitops-workspace-'));
  await mkdir(join(workspace, 'users'));
  for (const dir of rosterDirs) await cp(dir, join(workspace, 'users'), { recursive: true });
  return workspace;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const scratch = await mkdtemp(join(tmpdir(), 'iam-gitops-runner-'));
  try {
    const runnerTemp = join(scratch, 'temp');
    await mkdir(runnerTemp);
    const eventPath = join(scratch, 'event.json');
    const payloadSource = join(EVENTS_DIR, options.payloadFile ?? `${options.event}.json`);
    if (options.payloadPatch) {
      const payload = JSON.parse(await readFile(payloadSource, 'utf8')) as Record<string, unknown>;
      for (const [key, value] of Object.entries(options.payloadPatch)) {
        const current = payload[key];
        payload[key] =
          typeof current === 'object' && current !== null && typeof value === 'object' && value !== null
            ? { ...current, ...value }
            : value;
      }
      await writeFile(eventPath, JSON.stringify(payload, null, 2));
    } else {
      await copyFile(payloadSource, eventPath);
    }
    const summaryPath = join(scratch, 'step_summary');
    const outputPath = join(scratch, 'output');
    await writeFile(summaryPath, '');
    await writeFile(outputPath, '');

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/iam-users',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '8812345678',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'iam-gitops',
      GITHUB_JOB: 'iam-gitops',
      RUNNER_TEMP: runnerTemp,
      AWS_MAX_ATTEMPTS: '1',
      ...(await defaultInputs(options.githubToken ?? '')),
    };
    for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value;
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }

    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [ACTION_ENTRY],
          { cwd: options.workspace, env, maxBuffer: 64 * 1024 * 1024 },
          (error, out, err) => {
            const failed = error as (Error & { code?: number | string }) | null;
            resolve({
              code: failed ? Number(failed.code ?? 1) : 0,
              stdout: String(out),
              stderr: String(err),
            });
          },
        );
      },
    );
    const summary = await readFile(summaryPath, 'utf8');
    const outputText = await readFile(outputPath, 'utf8');
    let planJson = '';
    try {
      planJson = await readFile(join(runnerTemp, 'iam-gitops-plan.json'), 'utf8');
    } catch {
      // not every command writes a plan
    }
    return {
      code,
      stdout,
      stderr,
      summary,
      outputs: parseOutputFile(outputText),
      files: [summary, outputText, planJson].join('\n'),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Workflow commands (`::error file=...::message`) the step printed, parsed. */
export function workflowCommands(
  stdout: string,
  name: string,
): { properties: Record<string, string>; message: string }[] {
  const unescapeData = (text: string) =>
    text
      .replace(/%0D/g, '\r')
      .replace(/%0A/g, '\n')
      .replace(/%3A/g, ':')
      .replace(/%2C/g, ',')
      .replace(/%25/g, '%');
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`::${name} `) || line.startsWith(`::${name}::`))
    .map((line) => {
      const rest = line.slice(name.length + 2);
      const split = rest.indexOf('::');
      const propertyText = rest.slice(0, split).trim();
      const properties: Record<string, string> = {};
      for (const pair of propertyText === '' ? [] : propertyText.split(',')) {
        const eq = pair.indexOf('=');
        properties[pair.slice(0, eq)] = unescapeData(pair.slice(eq + 1));
      }
      return { properties, message: unescapeData(rest.slice(split + 2)) };
    });
}
