import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderTagged, type Run } from '../../src/markdown/tagged.js';
import { partsOf, plainOfParts, taggedOf } from '../../src/review/parts.js';

/** Runs of well-formed tagged text: codes numbered 1… in order of appearance, pairs nested. */
const runsArbitrary: fc.Arbitrary<Run[]> = fc
  .array(fc.oneof(fc.constant('open'), fc.constant('close'), fc.constant('ph'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.constantFrom('<', '>', '&', '&amp;', '"', "'", ' ', '\n')), { maxLength: 30 })
  .map((steps) => {
    const runs: Run[] = [];
    const open: number[] = [];
    let next = 1;
    for (const step of steps) {
      if (step === 'open') {
        open.push(next);
        runs.push({ type: 'open', id: next++ });
      } else if (step === 'close') {
        const id = open.pop();
        if (id !== undefined) runs.push({ type: 'close', id });
      } else if (step === 'ph') {
        runs.push({ type: 'ph', id: next++ });
      } else {
        const last = runs.at(-1);
        if (last?.type === 'text') runs[runs.length - 1] = { type: 'text', value: last.value + step };
        else runs.push({ type: 'text', value: step });
      }
    }
    for (let id = open.pop(); id !== undefined; id = open.pop()) runs.push({ type: 'close', id });
    return runs;
  });

describe('parts', () => {
  it('tagged → parts → tagged gives the same text', () => {
    fc.assert(
      fc.property(runsArbitrary, (runs) => {
        const tagged = renderTagged(runs);
        const parts = partsOf(tagged);
        expect(parts).toBeDefined();
        expect(taggedOf(parts ?? [])).toEqual({ tagged });
      }),
      { numRuns: 500 },
    );
  });

  it('turns codes into open, close and ph parts', () => {
    expect(partsOf('Ala <pc id="1">ma &lt;kota&gt;</pc><ph id="2"/>.')).toEqual([{ text: 'Ala ' }, { open: 1 }, { text: 'ma <kota>' }, { close: 1 }, { ph: 2 }, { text: '.' }]);
  });

  it('joins text parts and drops empty ones', () => {
    expect(taggedOf([{ text: 'A' }, { text: '' }, { text: ' & B' }, { ph: 1 }])).toEqual({ tagged: 'A &amp; B<ph id="1"/>' });
  });

  it('refuses codes that do not pair up', () => {
    expect(taggedOf([{ open: 1 }, { text: 'x' }])).toEqual({ problem: 'unbalanced', at: 2 });
    expect(taggedOf([{ open: 1 }, { open: 2 }, { close: 1 }, { close: 2 }])).toEqual({ problem: 'unbalanced', at: 2 });
    expect(taggedOf([{ close: 1 }])).toEqual({ problem: 'unbalanced', at: 0 });
  });

  it('is undefined for text that is not tagged text', () => {
    expect(partsOf('a <b>bold</b>')).toBeUndefined();
  });

  it('gives the plain text', () => {
    expect(plainOfParts([{ text: 'A' }, { open: 1 }, { text: 'b' }, { close: 1 }])).toBe('Ab');
  });
});
