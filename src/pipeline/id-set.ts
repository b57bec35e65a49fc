/**
 * A set of segment ids kept in typed arrays, for what a run remembers across the chunks of
 * one language (ids sent down the chain that stayed open). A `Set<string>` of a big project's
 * ids costs about 100 bytes an id (the string, the hash table): at 5,000 articles, 370,000
 * ids and some 37 MB a language (measured in a heap snapshot), for nothing but "seen before?".
 *
 * 1. An id is kept as a 64-bit hash (two 32-bit FNV-style hashes), 9 bytes a slot in an
 *    open-addressing table kept between a quarter and half full: 18 to 36 bytes an id.
 * 2. Two ids with the same 64-bit hash are taken as one: for n ids the chance is about
 *    n² / 2⁶⁵ (4 · 10⁻⁹ at 370,000), and the cost of it is a segment not sent again in the
 *    same run, which the next run sends.
 */

const emptySlot = 0;
const usedSlot = 1;

export class IdSet {
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  #slots = new Uint8Array(1024);
  #size = 0;

  /** Number of ids. */
  get size(): number {
    return this.#size;
  }

  has(id: string): boolean {
    const [high, low] = hashesOf(id);
    return this.#find(high, low).found;
  }

  add(id: string): this {
    const [high, low] = hashesOf(id);
    const { found, at } = this.#find(high, low);
    if (found) return this;
    this.#high[at] = high;
    this.#low[at] = low;
    this.#slots[at] = usedSlot;
    this.#size += 1;
    if (this.#size * 2 > this.#slots.length) this.#grow();
    return this;
  }

  /** Where the id of these hashes is, or the empty slot where it would go. */
  #find(high: number, low: number): { found: boolean; at: number } {
    const mask = this.#slots.length - 1;
    for (let at = (high ^ low) & mask; ; at = (at + 1) & mask) {
      if (this.#slots[at] === emptySlot) return { found: false, at };
      if (this.#high[at] === high && this.#low[at] === low) return { found: true, at };
    }
  }

  #grow(): void {
    const [high, low, slots] = [this.#high, this.#low, this.#slots];
    const capacity = slots.length * 2;
    this.#high = new Uint32Array(capacity);
    this.#low = new Uint32Array(capacity);
    this.#slots = new Uint8Array(capacity);
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] !== usedSlot) continue;
      const { at } = this.#find(high[i] ?? 0, low[i] ?? 0);
      this.#high[at] = high[i] ?? 0;
      this.#low[at] = low[i] ?? 0;
      this.#slots[at] = usedSlot;
    }
  }
}

/** Two 32-bit FNV-1a hashes of the UTF-16 code units of `id`, with different offset bases. */
function hashesOf(id: string): [number, number] {
  let high = 0x811c9dc5;
  let low = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i);
    high = Math.imul(high ^ unit, 0x01000193);
    low = Math.imul(low ^ unit, 0x01000193) ^ (low >>> 15);
  }
  return [high >>> 0, low >>> 0];
}
