/**
 * An append-only list of 32-bit integers in one typed array, doubled as it fills: the
 * memory's index keeps the tokens and keys of all its sources in a few of these instead of
 * 200,000 small arrays, and a word signature gathers its hashes in one (`uint32View`
 * reads them back unsigned).
 */
export class IntList {
  data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) this.#grow(this.length + 1);
    this.data[this.length++] = value;
  }

  append(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) this.#grow(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  /** The values pushed, as unsigned 32-bit integers (the same bits, no copy). */
  uint32View(): Uint32Array {
    return new Uint32Array(this.data.buffer, this.data.byteOffset, this.length);
  }

  at(index: number): number {
    return this.data[index] ?? 0;
  }

  #grow(needed: number): void {
    const data = new Int32Array(Math.max(needed, 2 * this.data.length));
    data.set(this.data.subarray(0, this.length));
    this.data = data;
  }
}
