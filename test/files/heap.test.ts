import { describe, expect, it } from 'vitest';
import { collectGarbage, heapGrowth, limitHeapGrowth } from '../../src/files/heap.js';

describe('collectGarbage', () => {
  it('frees what nothing holds any more', () => {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let garbage: { text: string; n: number }[] | undefined = Array.from({ length: 400_000 }, (_, n) => ({ text: `segment ${n}`, n }));
    expect(garbage.length).toBe(400_000);
    garbage = undefined;
    collectGarbage();
    // Some 40 MB were allocated; a collection that only scavenged would leave most of them.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('limitHeapGrowth', () => {
  it.each([
    ['a looser bound inside a tighter one', 25, 50],
    ['a tighter bound inside a looser one', 50, 25],
  ])('%s: the tighter bound holds, and each restore puts back the one before', (_, outer, inner) => {
    expect(heapGrowth()).toBe(0);
    const first = limitHeapGrowth(outer);
    expect(heapGrowth()).toBe(outer);
    const second = limitHeapGrowth(inner);
    expect(heapGrowth()).toBe(Math.min(outer, inner));
    second.restore();
    expect(heapGrowth()).toBe(outer);
    first.restore();
    expect(heapGrowth()).toBe(0);
  });
});
