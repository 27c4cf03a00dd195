import { describe, expect, it } from 'vitest';
import { truncateMarkdown } from '../../../src/github/truncate.js';

const note = ({ kept, total }: { kept: number; total: number }) => `(${kept} of ${total})`;
const lines = (count: number, width = 9) =>
  Array.from({ length: count }, (_, i) => String(i).padStart(width, '-')).join('\n');

describe('truncateMarkdown', () => {
  it('returns text that fits unchanged', () => {
    const text = lines(10);

    expect(truncateMarkdown(text, text.length, note)).toBe(text);
  });

  it('keeps whole lines, then a blank line and the note, within the limit', () => {
    const text = lines(100); // 100 lines of 9 characters and 99 newlines: 999

    const cut = truncateMarkdown(text, 200, note);

    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut).toBe(`${lines(18)}\n\n(179 of 999)`);
  });

  it('never splits a surrogate pair when counting characters', () => {
    const text = '😀'.repeat(50);

    // Room for 19 UTF-16 units: 9 emoji and half of a tenth.
    const cut = truncateMarkdown(text, 22, () => 'x');

    expect(cut.length).toBeLessThanOrEqual(22);
    expect(cut).toBe(`${'😀'.repeat(9)}\n\nx`);
  });

  it('counts bytes when asked, never splitting a character', () => {
    const text = 'é'.repeat(100); // 200 bytes

    // Room for 49 bytes: 24 characters and half of one.
    const cut = truncateMarkdown(text, 52, () => 'n', 'bytes');

    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(52);
    expect(cut).toBe(`${'é'.repeat(24)}\n\nn`);
  });
});
