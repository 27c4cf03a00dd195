// Field positions worked out on first use. A valid file's positions are read only if a later
// check (a plan error, a duplicate name) points into it, which at 5,000 files is almost never; a
// map per file held from the start was most of the roster's memory and a third of its parse time.
import type { SourcePosition } from '../roster/roster-issue.js';

export class LazyFieldPositions implements ReadonlyMap<string, SourcePosition> {
  #build: (() => ReadonlyMap<string, SourcePosition>) | undefined;
  #built: ReadonlyMap<string, SourcePosition> | undefined;

  /** `build` runs at most once, on the first read; it is dropped (with what it holds) afterwards. */
  constructor(build: () => ReadonlyMap<string, SourcePosition>) {
    this.#build = build;
  }

  get #positions(): ReadonlyMap<string, SourcePosition> {
    if (this.#built === undefined) {
      this.#built = (this.#build as () => ReadonlyMap<string, SourcePosition>)();
      this.#build = undefined;
    }
    return this.#built;
  }

  get size(): number {
    return this.#positions.size;
  }

  get(key: string): SourcePosition | undefined {
    return this.#positions.get(key);
  }

  has(key: string): boolean {
    return this.#positions.has(key);
  }

  forEach(
    callback: (value: SourcePosition, key: string, map: ReadonlyMap<string, SourcePosition>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.#positions) callback.call(thisArg, value, key, this);
  }

  entries(): MapIterator<[string, SourcePosition]> {
    return this.#positions.entries();
  }

  keys(): MapIterator<string> {
    return this.#positions.keys();
  }

  values(): MapIterator<SourcePosition> {
    return this.#positions.values();
  }

  [Symbol.iterator](): MapIterator<[string, SourcePosition]> {
    return this.#positions[Symbol.iterator]();
  }
}
