import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_FLAG } from '../../../src/util/young-generation.js';

/**
 * A fresh Node that keeps many young objects alive across minor GCs (as the SDK does while it
 * parses a page of users), with or without the flag set at run time; the young generation's
 * size afterwards, in MiB.
 */
function youngGenerationMiB(flag: string | undefined): number {
  const script = `
    const v8 = require('node:v8');
    if (process.env.FLAG) v8.setFlagsFromString(process.env.FLAG);
    const kept = [];
    for (let round = 0; round < 6; round++) {
      const page = [];
      for (let i = 0; i < 150000; i++) page.push({ name: 'user' + i, groups: ['developers'], round });
      kept.push(page);
    }
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 1048576) + ' ' + kept.length);
  `;
  const env = { ...process.env, FLAG: flag ?? '' };
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  return Number(out.split(' ')[0]);
}

describe('the young-generation setting', () => {
  it("keeps V8's young generation from growing when set at run time, which V8's default lets grow", () => {
    const grown = youngGenerationMiB(undefined);
    const kept = youngGenerationMiB(YOUNG_GENERATION_FLAG);

    expect(grown).toBeGreaterThan(8);
    expect(kept).toBeLessThanOrEqual(4);
  });
});
