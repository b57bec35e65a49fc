import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { wordDiff, wordTokens } from '../../src/review/diff.js';

const join = (parts: readonly { op: string; text: string }[], keep: string): string =>
  parts
    .filter((part) => part.op === 'same' || part.op === keep)
    .map((part) => part.text)
    .join('');

describe('wordDiff', () => {
  it('shows a changed word as removed then added', () => {
    expect(wordDiff('Targi odbędą się 31 marca w Gdańsku.', 'Targi odbędą się 6 kwietnia w Gdańsku.')).toEqual([
      { op: 'same', text: 'Targi odbędą się ' },
      { op: 'removed', text: '31 marca' },
      { op: 'added', text: '6 kwietnia' },
      { op: 'same', text: ' w Gdańsku.' },
    ]);
  });

  it('shows punctuation on its own', () => {
    expect(wordDiff('Ala ma kota.', 'Ala ma kota!')).toEqual([
      { op: 'same', text: 'Ala ma kota' },
      { op: 'removed', text: '.' },
      { op: 'added', text: '!' },
    ]);
  });

  it('shows an insertion alone', () => {
    expect(wordDiff('Ala ma kota.', 'Ala ma dużego kota.')).toEqual([
      { op: 'same', text: 'Ala ma ' },
      { op: 'added', text: 'dużego ' },
      { op: 'same', text: 'kota.' },
    ]);
  });

  it('is all same for equal texts, and empty for two empty ones', () => {
    expect(wordDiff('Bez zmian.', 'Bez zmian.')).toEqual([{ op: 'same', text: 'Bez zmian.' }]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('keeps words whole (Polish letters included)', () => {
    expect(wordTokens('Żółć, gęś-ja')).toEqual(['Żółć', ',', ' ', 'gęś-ja']);
  });

  it('gives back both texts, whatever they are', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), (before, after) => {
        const parts = wordDiff(before, after);
        expect(join(parts, 'removed')).toBe(before);
        expect(join(parts, 'added')).toBe(after);
        expect(parts.every((part) => part.text !== '')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('stays cheap for very long texts', () => {
    const before = Array.from({ length: 5000 }, (_, index) => `a${index}`).join(' ');
    const after = Array.from({ length: 5000 }, (_, index) => `b${index}`).join(' ');
    const parts = wordDiff(before, after);
    expect(join(parts, 'removed')).toBe(before);
    expect(join(parts, 'added')).toBe(after);
  });
});
