// The size of a bundle as Node loads it: the entry file and every chunk it imports statically
// (read at start), apart from the chunks only `import()` reaches (read when a command needs them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `import ... from "./x.js"` and `import "./x.js"`, not `import("./x.js")`. */
const STATIC_IMPORT = /\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

export function staticImports(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT)].map((match) => match[1] as string);
}

export interface BundleBytes {
  readonly entry: number;
  readonly chunks: number;
}

/** `entry` plus what it imports statically, and the other files of its `chunks` folder. */
export function bundleBytes(entry: string): BundleBytes | undefined {
  if (!existsSync(entry)) return undefined;
  const eager = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (eager.has(file)) continue;
    eager.add(file);
    for (const path of staticImports(readFileSync(file, 'utf8'))) pending.push(resolve(dirname(file), path));
  }
  const chunks = join(dirname(entry), 'chunks');
  const all = existsSync(chunks) ? readdirSync(chunks).map((file) => join(chunks, file)) : [];
  const size = (file: string) => statSync(file).size;
  const eagerBytes = [...eager].reduce((sum, file) => sum + size(file), 0);
  const lazyBytes = all
    .filter((file) => !eager.has(resolve(file)))
    .reduce((sum, file) => sum + size(file), 0);
  return { entry: eagerBytes, chunks: lazyBytes };
}
