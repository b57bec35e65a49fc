/**
 * Word signatures: which folded words a document holds, in a few kilobytes, so that the search
 * for the segments a changed memory entry may fill (`pipeline/plan.ts`) passes over documents
 * that cannot hold one without reading them.
 *
 * 1. A document's signature is the sorted, distinct 32-bit FNV-1a hashes (over UTF-16 code
 *    units) of the folded words of all its segment sources: exactly the words the fuzzy score
 *    pairs (`foldedWords`, `fuzzy.ts`). A source that cannot be tokenized leaves the document
 *    without a signature: it may hold anything.
 * 2. The bound is `tm.ts`'s (principle 4), read from the side of the changed source s: with N
 *    its words and W its weight, a source scoring ≥ t against s shares C ≥ α =
 *    N − (100 − t)·W/(20·t) folded words with it, counted with repeats (the score is
 *    symmetric). For any segment of a document, C ≤ Σ count_s(w) over the distinct folded
 *    words w of s that the segment holds, hence over those whose hash is in the document's
 *    signature. A document whose sum is below α holds no segment similar to s; nor does a
 *    segment whose own folded words give a sum below α (`maybeSimilar`). Hash collisions
 *    only add words to a signature (or merge words of s, adding their counts): the test stays
 *    conservative. When α ≤ 0 (or s cannot be tokenized) any document may.
 * 3. Integers only: sum ≥ α is tested as 20·t·sum ≥ 20·t·N − (100 − t)·W, exact for the
 *    integer thresholds of the config; any other threshold lets every document through.
 */
import { foldedWords, foldWord, forEachWord, lowersAsciiPlainly, TaggedSourceError, TokenTable, weights } from './fuzzy.js';
import { IntList } from './int-list.js';

/** FNV-1a, 32 bits, over the UTF-16 code units of a folded word. */
export function wordHash(folded: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < folded.length; i++) {
    hash ^= folded.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The word signature of a document whose segment sources are `sources` (principle 1):
 * `undefined` when one of them cannot be tokenized.
 */
export function wordSignature(sources: Iterable<string>, language: string): Uint32Array | undefined {
  // Extraction makes a signature of every document it parses: an ASCII word is hashed in
  // place (its folded form is its lower case), any other is cut out, folded and hashed once
  // a document. Hashes gather in a typed array, sorted and made distinct at the end: in a
  // set, most 32-bit hashes were numbers the collector had to allocate and sweep.
  const plainAscii = lowersAsciiPlainly(language);
  const hashOf = new Map<string, number>();
  const hashes = new IntList();
  const add = (text: string, start: number, end: number): void => {
    if (plainAscii) {
      let hash = 0x811c9dc5;
      let at = start;
      for (; at < end; at++) {
        let unit = text.charCodeAt(at);
        if (unit > 0x7f) break;
        if (unit >= 0x41 && unit <= 0x5a) unit |= 0x20;
        hash ^= unit;
        hash = Math.imul(hash, 0x01000193);
      }
      if (at === end) return hashes.push(hash);
    }
    const word = text.slice(start, end);
    let hash = hashOf.get(word);
    if (hash === undefined) {
      hash = wordHash(foldWord(word, language));
      hashOf.set(word, hash);
    }
    hashes.push(hash);
  };
  try {
    for (const source of sources) forEachWord(source, add);
  } catch (error) {
    if (error instanceof TaggedSourceError) return undefined;
    throw error;
  }
  // A typed array sorts numerically without a comparator.
  const sorted = hashes.uint32View().sort();
  let distinct = 0;
  for (let at = 0; at < sorted.length; at++) if (at === 0 || sorted[at] !== sorted[at - 1]) sorted[distinct++] = sorted[at] ?? 0;
  return sorted.slice(0, distinct);
}

/**
 * Which documents, and which of their segments, may be similar (score ≥ threshold) to one of
 * a set of sources, by the bound of principle 2. Made by `wordReach`.
 */
export class WordReach {
  readonly #language: string;
  /** The distinct word hashes of all the sources, ascending. */
  readonly #words: Uint32Array;
  /** The sources holding `#words[k]` are `#sources[#starts[k] … #starts[k + 1])`, each gaining `#gains[…]`. */
  readonly #starts: Int32Array;
  readonly #sources: Int32Array;
  readonly #gains: Float64Array;
  /** What a source's gains must reach: 20·t·N − (100 − t)·W. */
  readonly #goals: Float64Array;
  /** `k` of each folded word of the sources; -1 for a folded word of none (learnt as segments are read). */
  readonly #byFolded: Map<string, number>;
  /** The folded form of each word token met (`foldedWords`). */
  readonly #folds = new Map<string, string>();
  readonly #sums: Float64Array;
  /** Sources whose sum is not 0: what the next test sets back. */
  readonly #touched: number[] = [];
  /** `#seen[k] === #stamp`: word k already counted for the segment at hand. */
  readonly #seen: Int32Array;
  #stamp = 0;

  constructor(language: string, words: Uint32Array, holders: { readonly starts: Int32Array; readonly sources: Int32Array; readonly gains: Float64Array }, goals: Float64Array, byFolded: Map<string, number>) {
    this.#language = language;
    this.#words = words;
    this.#starts = holders.starts;
    this.#sources = holders.sources;
    this.#gains = holders.gains;
    this.#goals = goals;
    this.#byFolded = byFolded;
    this.#sums = new Float64Array(goals.length);
    this.#seen = new Int32Array(words.length);
  }

  /** Whether a document of this signature may hold a segment similar to one of the sources. */
  mayHoldSimilar(signature: Uint32Array): boolean {
    const words = this.#words;
    this.#reset();
    // Few words against a big signature: binary search; else one merge of both lists.
    if (words.length * 16 < signature.length) {
      let low = 0;
      for (let k = 0; k < words.length; k++) {
        const word = words[k] ?? 0;
        let high = signature.length;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if ((signature[middle] ?? 0) < word) low = middle + 1;
          else high = middle;
        }
        if (low < signature.length && signature[low] === word && this.#gain(k)) return true;
      }
      return false;
    }
    let j = 0;
    for (let k = 0; k < words.length && j < signature.length; k++) {
      const word = words[k] ?? 0;
      while (j < signature.length && (signature[j] ?? 0) < word) j++;
      if (signature[j] === word && this.#gain(k)) return true;
    }
    return false;
  }

  /**
   * Whether a segment source may be similar to one of the sources: the same bound over its own
   * folded words (compared as words, not hashes). A source that cannot be tokenized may.
   */
  maybeSimilar(source: string): boolean {
    let words: string[];
    try {
      words = foldedWords(source, this.#language, this.#folds);
    } catch (error) {
      if (error instanceof TaggedSourceError) return true;
      throw error;
    }
    this.#reset();
    const stamp = ++this.#stamp;
    for (const word of words) {
      let k = this.#byFolded.get(word);
      if (k === undefined) {
        k = -1;
        this.#byFolded.set(word, k);
      }
      if (k < 0 || this.#seen[k] === stamp) continue;
      this.#seen[k] = stamp;
      if (this.#gain(k)) return true;
    }
    return false;
  }

  #reset(): void {
    for (const source of this.#touched) this.#sums[source] = 0;
    this.#touched.length = 0;
  }

  /** Add what holding word `k` gains each source; whether one reached its goal. */
  #gain(k: number): boolean {
    const end = this.#starts[k + 1] ?? 0;
    for (let at = this.#starts[k] ?? 0; at < end; at++) {
      const source = this.#sources[at] ?? 0;
      const before = this.#sums[source] ?? 0;
      if (before === 0) this.#touched.push(source);
      const sum = before + (this.#gains[at] ?? 0);
      this.#sums[source] = sum;
      if (sum >= (this.#goals[source] ?? 0)) return true;
    }
    return false;
  }
}

/**
 * The reach of `sources` at `threshold` (principle 2), or `undefined` when any document may
 * hold a similar segment: a source with α ≤ 0, one that cannot be tokenized, a threshold that
 * is not a whole number from 1 up.
 */
export function wordReach(sources: readonly string[], threshold: number, language: string): WordReach | undefined {
  if (!Number.isInteger(threshold) || threshold < 1) return undefined;
  const table = new TokenTable(language);
  const folds = new Map<string, string>();
  const hashOf = new Map<string, number>();
  const counts: Map<number, number>[] = [];
  const goals: number[] = [];
  for (const source of sources) {
    let words: string[];
    let total: number;
    try {
      words = foldedWords(source, language, folds);
      total = table.indexTokens(source).total;
    } catch (error) {
      if (error instanceof TaggedSourceError) return undefined;
      throw error;
    }
    const goal = weights.word * threshold * words.length - (100 - threshold) * total;
    if (goal <= 0) return undefined;
    // Words of one hash count together: a collision only raises the bound.
    const count = new Map<number, number>();
    for (const word of words) {
      const hash = hashOf.get(word) ?? wordHash(word);
      hashOf.set(word, hash);
      count.set(hash, (count.get(hash) ?? 0) + 1);
    }
    counts.push(count);
    goals.push(goal);
  }
  const holdersOf = new Map<number, { source: number; count: number }[]>();
  counts.forEach((count, source) => {
    for (const [hash, n] of count) {
      const holders = holdersOf.get(hash) ?? [];
      holders.push({ source, count: n });
      holdersOf.set(hash, holders);
    }
  });
  const words = Uint32Array.from(holdersOf.keys()).sort();
  const indexOf = new Map([...words].map((hash, k) => [hash, k]));
  const starts = new Int32Array(words.length + 1);
  const lists = [...words].map((hash) => holdersOf.get(hash) ?? []);
  lists.forEach((list, k) => (starts[k + 1] = (starts[k] ?? 0) + list.length));
  const flat = lists.flat();
  return new WordReach(
    language,
    words,
    { starts, sources: Int32Array.from(flat, (holder) => holder.source), gains: Float64Array.from(flat, (holder) => weights.word * threshold * holder.count) },
    Float64Array.from(goals),
    new Map([...hashOf].map(([word, hash]) => [word, indexOf.get(hash) ?? -1])),
  );
}
