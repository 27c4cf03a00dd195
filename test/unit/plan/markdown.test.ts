import { describe, expect, it } from 'vitest';
import { alert, code, countOf, escapeCell } from '../../../src/plan/markdown.js';

describe('escapeCell', () => {
  it('escapes pipes and backslashes, turns backticks into quotes and joins lines', () => {
    expect(escapeCell('a|b')).toBe('a\\|b');
    expect(escapeCell('a\\b')).toBe('a\\\\b');
    expect(escapeCell('run `rm -rf`')).toBe("run 'rm -rf'");
    expect(escapeCell('one\r\ntwo\n\nthree')).toBe('one two three');
    expect(escapeCell('plain')).toBe('plain');
  });
});

describe('code', () => {
  it('wraps escaped text in backticks, so a cell or a backtick in a name breaks nothing', () => {
    expect(code('alice@example.com')).toBe('`alice@example.com`');
    expect(code('e`rin|x')).toBe("`e'rin\\|x`");
  });
});

describe('countOf', () => {
  it('says the count and the word in the right number', () => {
    expect(countOf(0, 'change')).toBe('0 changes');
    expect(countOf(1, 'change')).toBe('1 change');
    expect(countOf(2, 'stale invitation')).toBe('2 stale invitations');
  });

  it('takes an irregular plural', () => {
    expect(countOf(1, 'policy', 'policies')).toBe('1 policy');
    expect(countOf(3, 'policy', 'policies')).toBe('3 policies');
  });
});

describe('alert', () => {
  it('quotes every line under the alert marker, empty lines as a bare >', () => {
    expect(alert('WARNING', ['**Careful**', '', '- one'])).toBe(
      ['> [!WARNING]', '> **Careful**', '>', '> - one'].join('\n'),
    );
  });
});
