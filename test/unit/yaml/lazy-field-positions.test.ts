import { describe, expect, it, vi } from 'vitest';
import type { SourcePosition } from '../../../src/roster/roster-issue.js';
import { LazyFieldPositions } from '../../../src/yaml/lazy-field-positions.js';
import { positionFor } from '../../../src/yaml/located-yaml.js';

const POSITIONS = new Map<string, SourcePosition>([
  ['', { line: 1, column: 1 }],
  ['name#key', { line: 1, column: 1 }],
  ['name', { line: 1, column: 7 }],
]);

describe('LazyFieldPositions', () => {
  it('works nothing out until something reads it', () => {
    const build = vi.fn(() => POSITIONS);

    new LazyFieldPositions(build);

    expect(build).not.toHaveBeenCalled();
  });

  it('works the positions out once, on the first read, and answers every read from them', () => {
    const build = vi.fn(() => POSITIONS);
    const positions = new LazyFieldPositions(build);

    expect(positions.get('name')).toEqual({ line: 1, column: 7 });
    expect(positions.has('name#key')).toBe(true);
    expect(positions.has('email')).toBe(false);
    expect(positions.size).toBe(3);
    expect(positionFor(positions, 'name.first')).toEqual({ line: 1, column: 7 });
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('iterates as the map it stands for', () => {
    const positions = new LazyFieldPositions(() => POSITIONS);
    const visited: string[] = [];

    positions.forEach((_position, key, map) => {
      expect(map).toBe(positions);
      visited.push(key);
    });

    expect([...positions]).toEqual([...POSITIONS]);
    expect([...positions.keys()]).toEqual(['', 'name#key', 'name']);
    expect([...positions.values()]).toEqual([...POSITIONS.values()]);
    expect([...positions.entries()]).toEqual([...POSITIONS.entries()]);
    expect(visited).toEqual(['', 'name#key', 'name']);
  });
});
