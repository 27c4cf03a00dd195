// The oldest Node.js this package runs on, from package.json's `engines` (one place to say it),
// checked by the CLI before anything else is loaded, so an old Node gets one clear line instead
// of a stack trace from deep inside a dependency.
import packageJson from '../../package.json' with { type: 'json' };

/** The major of an `engines` range of the form `>=22` (or `>=22.12.0`). */
export function minimumNodeMajor(range: string): number {
  const match = /^>=\s*v?(\d+)/.exec(range.trim());
  if (match?.[1] === undefined) throw new Error(`engines.node "${range}" is not of the form >=MAJOR`);
  return Number(match[1]);
}

export const MINIMUM_NODE_MAJOR = minimumNodeMajor(packageJson.engines.node);

/** What to tell the person when `version` (process.versions.node) is too old; undefined when it is not. */
export function nodeVersionProblem(
  version: string,
  minimum: number = MINIMUM_NODE_MAJOR,
): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ''), 10);
  if (major >= minimum) return undefined;
  return (
    `iam-gitops needs Node.js ${minimum} or newer; this is Node.js ${version}. ` +
    `Install Node.js ${minimum} or later (https://nodejs.org/en/download, or nvm install ${minimum}) and run it again.`
  );
}
