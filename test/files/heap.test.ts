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
  it('bounds the growth until restored, and a tighter bound set before stays', () => {
    expect(heapGrowth()).toBe(0);
    const outer = limitHeapGrowth(25);
    expect(heapGrowth()).toBe(25);
    const inner = limitHeapGrowth(50);
    expect(heapGrowth()).toBe(25);
    inner.restore();
    expect(heapGrowth()).toBe(25);
    outer.restore();
    expect(heapGrowth()).toBe(0);
    const looser = limitHeapGrowth(50);
    const tighter = limitHeapGrowth(25);
    expect(heapGrowth()).toBe(25);
    tighter.restore();
    expect(heapGrowth()).toBe(50);
    looser.restore();
    expect(heapGrowth()).toBe(0);
  });
});
