import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/pipeline/id-set.js';

describe('IdSet', () => {
  it('answers as a Set<string> does, through growth, for any ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 24 }), { maxLength: 3000 }), fc.array(fc.string({ maxLength: 24 }), { maxLength: 200 }), (added, asked) => {
        const ids = new IdSet();
        const reference = new Set<string>();
        for (const id of added) {
          ids.add(id);
          reference.add(id);
        }
        expect(ids.size).toBe(reference.size);
        for (const id of [...added, ...asked]) expect(ids.has(id)).toBe(reference.has(id));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps 400,000 segment ids apart (hex hashes as the extraction makes them)', () => {
    const ids = new IdSet();
    const hex = (n: number): string => (Math.imul(n, 2654435761) >>> 0).toString(16).padStart(8, '0') + n.toString(16).padStart(12, '0');
    for (let n = 0; n < 400_000; n += 1) ids.add(hex(n));
    expect(ids.size).toBe(400_000);
    for (let n = 0; n < 400_000; n += 997) expect(ids.has(hex(n))).toBe(true);
    for (let n = 400_000; n < 420_000; n += 1) expect(ids.has(hex(n))).toBe(false);
  });
});
