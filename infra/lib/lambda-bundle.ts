// The credential Lambda's bundle (lambda/dist, built by scripts/bundle.mjs with esbuild in about a
// second). Built before every synth, so a deploy always ships the code of the working tree.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The handler `index.handler` resolves to either file; the bundle script writes one of them. */
const ENTRY_FILES = ['index.mjs', 'index.js'];

export class LambdaBundleError extends Error {
  override readonly name = 'LambdaBundleError';
}

/** Builds lambda/dist from lambda/src and returns the folder. */
export function ensureLambdaBundle(root: string): string {
  const dist = join(root, 'lambda', 'dist');
  if (!existsSync(join(root, 'lambda', 'src', 'index.ts'))) {
    throw new LambdaBundleError(
      'the credential Lambda has no source yet (lambda/src/index.ts); the stack needs it to deploy',
    );
  }
  try {
    // Its progress goes to stderr, so `cdk synth > template.yaml` stays a template.
    execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), 'lambda'], {
      cwd: root,
      stdio: ['ignore', 2, 2],
    });
  } catch {
    // Never fall back to an older bundle: a deploy would ship code that is not the source's.
    throw new LambdaBundleError(
      'building the credential Lambda failed (its output is above); `node scripts/bundle.mjs lambda` repeats it',
    );
  }
  if (!ENTRY_FILES.some((file) => existsSync(join(dist, file)))) {
    throw new LambdaBundleError(`building the Lambda produced no ${ENTRY_FILES.join(' or ')} in ${dist}`);
  }
  return dist;
}
