/**
 * The stems of a Hunspell `.dic` file and their flags, kept as the file's own text plus an
 * open-addressing hash table of line offsets: a third of the memory of a `Map` of 300,000
 * strings, built in one pass without cutting the file into lines.
 */

/** FNV-1a over UTF-16 code units of `text[start, end)`. */
function hashRange(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Stems → raw flag strings (one per entry; homonyms have several). */
export class StemTable {
  readonly #text: string;
  readonly #stemStart: Int32Array;
  readonly #stemEnd: Int32Array;
  readonly #flagsEnd: Int32Array;
  /** Entry index + 1 per slot; 0 is empty. */
  readonly #slots: Int32Array;
  readonly #mask: number;
  /** Entries whose stem has escapes (`a\/b`): rare, kept as strings. */
  readonly #escaped = new Map<string, string[]>();
  readonly #count: number;

  constructor(dic: string, unescape: (line: string) => [string, string]) {
    this.#text = dic;
    let lines = 0;
    for (let i = dic.indexOf('\n'); i >= 0; i = dic.indexOf('\n', i + 1)) lines += 1;
    const capacity = Math.max(16, lines + 1);
    this.#stemStart = new Int32Array(capacity);
    this.#stemEnd = new Int32Array(capacity);
    this.#flagsEnd = new Int32Array(capacity);
    let size = 1;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    let count = 0;
    // Where the next tab, space and backslash are: searched again only once passed, so
    // a file with few of them is still read in one pass.
    const nextOf = (char: string, from: number, known: number): number => (known >= from || known === -1 ? known : dic.indexOf(char, from));
    let tab = -2;
    let space = -2;
    let backslash = -2;
    let slash = -2;
    // The first line is the entry count.
    let start = dic.indexOf('\n') + 1;
    while (start > 0 && start < dic.length) {
      let end = dic.indexOf('\n', start);
      if (end < 0) end = dic.length;
      const next = end + 1;
      let lineEnd = end;
      if (lineEnd > start && dic.charCodeAt(lineEnd - 1) === 13) lineEnd -= 1;
      // A tab starts morphological fields, and so does a space before `xx:`.
      tab = nextOf('\t', start, tab);
      if (tab >= 0 && tab < lineEnd) lineEnd = tab;
      space = nextOf(' ', start, space);
      for (let i = space; i >= 0 && i < lineEnd; i = dic.indexOf(' ', i + 1)) {
        if (/^ [a-z][a-z]:/.test(dic.slice(i, i + 4))) {
          lineEnd = i;
          break;
        }
      }
      while (lineEnd > start && dic.charCodeAt(lineEnd - 1) === 32) lineEnd -= 1;
      if (lineEnd > start && dic.charCodeAt(start) !== 9) {
        backslash = nextOf('\\', start, backslash);
        if (backslash >= 0 && backslash < lineEnd) {
          const [stem, flags] = unescape(dic.slice(start, lineEnd));
          if (stem !== '') this.#escaped.set(stem, [...(this.#escaped.get(stem) ?? []), flags]);
        } else {
          slash = nextOf('/', start + 1, slash);
          const stemEnd = slash >= 0 && slash < lineEnd ? slash : lineEnd;
          this.#stemStart[count] = start;
          this.#stemEnd[count] = stemEnd;
          this.#flagsEnd[count] = lineEnd;
          let slot = hashRange(dic, start, stemEnd) & this.#mask;
          while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
          this.#slots[slot] = count + 1;
          count += 1;
        }
      }
      start = next;
    }
    this.#count = count + this.#escaped.size;
  }

  /** Number of entries. */
  get size(): number {
    return this.#count;
  }

  #matches(index: number, stem: string): boolean {
    const start = this.#stemStart[index] ?? 0;
    return (this.#stemEnd[index] ?? 0) - start === stem.length && this.#text.startsWith(stem, start);
  }

  /** Whether some entry has this stem. */
  has(stem: string): boolean {
    for (let slot = hashRange(stem, 0, stem.length) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const entry = this.#slots[slot] ?? 0;
      if (entry === 0) return this.#escaped.has(stem);
      if (this.#matches(entry - 1, stem)) return true;
    }
  }

  /** The raw flag strings of the entries with this stem. */
  flagsOf(stem: string): string[] {
    const found: string[] = [];
    for (let slot = hashRange(stem, 0, stem.length) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const entry = this.#slots[slot] ?? 0;
      if (entry === 0) break;
      const index = entry - 1;
      if (!this.#matches(index, stem)) continue;
      const stemEnd = this.#stemEnd[index] ?? 0;
      const flagsEnd = this.#flagsEnd[index] ?? 0;
      found.push(stemEnd < flagsEnd ? this.#text.slice(stemEnd + 1, flagsEnd) : '');
    }
    for (const flags of this.#escaped.get(stem) ?? []) found.push(flags);
    return found;
  }

  /** Every entry as [stem, flags], in file order (escaped stems last). */
  *entries(): IterableIterator<[string, string]> {
    for (let index = 0; index < this.#count - this.#escaped.size; index++) {
      const start = this.#stemStart[index] ?? 0;
      const stemEnd = this.#stemEnd[index] ?? 0;
      const flagsEnd = this.#flagsEnd[index] ?? 0;
      yield [this.#text.slice(start, stemEnd), stemEnd < flagsEnd ? this.#text.slice(stemEnd + 1, flagsEnd) : ''];
    }
    for (const [stem, list] of this.#escaped) for (const flags of list) yield [stem, flags];
  }
}
