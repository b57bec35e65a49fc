import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCodePoints, packBatches, type BatchLimits } from '../../src/queue/index.js';

interface Segment {
  readonly id: string;
  readonly source: string;
}

function segments(...sources: string[]): Segment[] {
  return sources.map((source, index) => ({ id: `s${index}`, source }));
}

function requestBytes(batch: readonly Segment[], overhead: number): number {
  return overhead + Buffer.byteLength(JSON.stringify(batch.map((segment) => segment.source)), 'utf8');
}

describe('packBatches', () => {
  it('closes a batch at the segment limit', () => {
    const batches = packBatches(segments('a', 'b', 'c', 'd', 'e'), { maxSegments: 2 });
    expect(batches.map((batch) => batch.segments.map((segment) => segment.source))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('counts characters as code points', () => {
    expect(countCodePoints('żółć 🦀')).toBe(6);
    const batches = packBatches(segments('🦀🦀', '🦀🦀', 'ab'), { maxCharacters: 4 });
    expect(batches.map((batch) => batch.characters)).toEqual([4, 2]);
  });

  it('counts bytes of the JSON array of texts plus the overhead', () => {
    const input = segments('zażółć', 'gęślą', 'jaźń "cytat"');
    const [batch] = packBatches(input, { requestOverheadBytes: 40 });
    expect(batch?.bytes).toBe(requestBytes(input, 40));
  });

  it('sends a segment over a limit alone, flagged', () => {
    const batches = packBatches(segments('ab', 'x'.repeat(10), 'cd'), { maxCharacters: 5 });
    expect(batches.map((batch) => [batch.segments.length, batch.isOversized])).toEqual([
      [1, false],
      [1, true],
      [1, false],
    ]);
  });

  it('checks its limits', () => {
    expect(() => packBatches([], { maxSegments: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`maxSegments\` to be a number from 1 and up, got \`0\` (number)]`,
    );
  });

  it('respects every limit at once, keeps order, loses and duplicates nothing', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'ż', '"', '\\', '\n', '🦀', 'ß', ' '), maxLength: 40 });
    const limits = fc.record(
      {
        maxSegments: fc.integer({ min: 1, max: 10 }),
        maxCharacters: fc.integer({ min: 1, max: 80 }),
        maxBytes: fc.integer({ min: 1, max: 300 }),
        requestOverheadBytes: fc.integer({ min: 0, max: 50 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), limits, (sources, limits: BatchLimits) => {
        const input = segments(...sources);
        const batches = packBatches(input, limits);
        expect(batches.flatMap((batch) => batch.segments)).toEqual(input);
        const overhead = limits.requestOverheadBytes ?? 0;
        for (const batch of batches) {
          expect(batch.segments.length).toBeGreaterThan(0);
          const characters = batch.segments.reduce((sum, segment) => sum + [...segment.source].length, 0);
          const bytes = requestBytes(batch.segments, overhead);
          expect(batch.characters).toBe(characters);
          expect(batch.bytes).toBe(bytes);
          const fits =
            batch.segments.length <= (limits.maxSegments ?? Infinity) &&
            characters <= (limits.maxCharacters ?? Infinity) &&
            bytes <= (limits.maxBytes ?? Infinity);
          if (batch.isOversized) {
            expect(batch.segments).toHaveLength(1);
            expect(fits).toBe(false);
          } else {
            expect(fits).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
