import { describe, expect, it } from 'vitest';
import { CommandFailed, rosterFailure } from '../../../src/commands/command-context.js';

const issue = (file: string) => ({ file, field: 'name', line: 1, column: 1, message: 'bad' });

describe('rosterFailure', () => {
  it('counts the errors and the files they are in, and says what was spared', () => {
    const failure = rosterFailure([issue('a.yaml'), issue('a.yaml'), issue('b.yaml')], 'nothing was changed');

    expect(failure).toBeInstanceOf(CommandFailed);
    expect(failure.message).toBe('3 errors in 2 files; nothing was changed');
    expect(failure.kind).toBe('invalid');
  });

  it('is the count alone without a consequence', () => {
    expect(rosterFailure([issue('a.yaml')]).message).toBe('1 error in 1 file');
  });
});
