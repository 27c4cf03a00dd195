// Holds V8's young generation at the size it has reached, for the rest of the run. Called before
// the large work: IAM's listing (src/iam/read-snapshot.ts), and reading a large roster.
//
// Why: a plan reads IAM a page of 1,000 users at a time, and while the SDK parses a page nearly
// everything it allocates is still alive at the next minor GC. V8 reads that survival as a reason
// to double the young generation, and on Node 24 it doubles up to 2 × 32 MiB, which stays resident:
// a no-op plan at 5,000 users peaked at 163-190 MiB, of which 64 MiB was an empty young generation.
// Held, the survivors move to the old generation sooner, and the same plan peaks at 120-131 MiB in
// the same CPU time. Not held from the start: while Node loads the code, a young generation held
// at its first size (1 MiB) is collected so often that the cold start takes 10-13 ms longer.
//
// How: V8's own setting for the size (--max-semi-space-size) is read only when Node starts, and a
// runner starts an action as `node dist/index.js`, with no flags. The growth factor is read at each
// growth, so setting it to 1 stops the growth. V8 holds 2 as its least value for flags given at
// start; given later, 1 means "grow by nothing". Should a later Node ignore it, memory goes back to
// V8's default and nothing else changes (the bench's peak-RSS figure would say so).

export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

let held = false;

export function holdYoungGeneration(): void {
  if (held) return;
  held = true;
  // node:v8 is loaded here, not imported: a run that never lists IAM never loads it. Node 22.0-22.2
  // lack getBuiltinModule; there the young generation keeps V8's default.
  process.getBuiltinModule?.('node:v8').setFlagsFromString(YOUNG_GENERATION_FLAG);
}
