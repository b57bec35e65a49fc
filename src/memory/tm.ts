/**
 * The translation memory index: what `hansa translate` consults before any machine provider,
 * and what the `memory` provider serves.
 *
 * 1. One index per language pair (`sourceLanguage` → `targetLanguage`, given once, kept in
 *    the file's header), as the pipeline translates one target language at a time; entries
 *    carry no languages.
 * 2. Exact match: the very same tagged source. In-context match: exact, and the same
 *    document and the same neighbours (the `previous` and `next` segment sources, or their
 *    hashes: whichever the caller uses, consistently); it beats every plain exact match.
 *    Among entries of one source: higher state first (final > reviewed > translated), then
 *    human origin over any other, then the most recent `add`. Each target is reported once.
 * 3. Fuzzy match (see `fuzzy.ts` for the score), looked for only when there is no exact
 *    match: an exact match is the translation, fuzzy ones are mere suggestions. The target
 *    comes back with the query's code ids when the codes of the two sources correspond by
 *    order and type; else as stored, with `codesMatch: false`.
 * 4. The fuzzy search misses nothing: every source scoring ≥ threshold is found, by this
 *    argument. Let N be a source's number of words, P the weight of its other tokens,
 *    W = 20·N + P its weight, C the number of folded words (with repeats) two sources share.
 *    A word paired with a word of another folded form costs 20, and any substitution costs at
 *    least the difference of the two weights, so the distance
 *    d ≥ LB = 20·(max(Nq, Ne) − C) + |Pq − Pe| ≥ |Wq − We|. A score ≥ t needs
 *    100·d ≤ (100 − t)·max(Wq, We), hence
 *      a. t·Wq/100 ≤ We ≤ 100·Wq/t (the length window, from d ≥ |Wq − We|),
 *      b. C ≥ α = Nq − (100 − t)·Wq/(20·t), from 20·(Nq − C) ≤ d ≤ (100 − t)·max(Wq, We)/100
 *         and max(Wq, We) ≤ 100·Wq/t by a.,
 *      c. 100·LB ≤ (100 − t)·max(Wq, We).
 *    By b., a source sharing ≥ α occurrence keys with the query holds one of any
 *    Nq − α + 1 of the query's keys (pigeonhole), so only the posting lists of the query's
 *    Nq − α + 1 rarest keys are read (prefix filtering, as in set-similarity joins); sources
 *    added since the lists were last built are all read. When α ≤ 0 (a query of mostly
 *    codes and punctuation) every source is read. Sources passing a. and c. are scored
 *    exactly, highest bound (the score of LB) first, until the `limit`-th best found beats
 *    the next bound. test/memory/tm.test.ts checks this against brute force.
 * 5. The file (`save`, `load`, `open`): kept so that the project state in `.hansa/` can hold
 *    a built index instead of reading every segment file and memory again on each run (the
 *    bench times its load). JSON Lines. A header line
 *    `{"hansa":"translation-memory","version":1,"sourceLanguage":…,"targetLanguage":…,"entries":n,"fields":[…]}`,
 *    then one entry a line, oldest first, as an array `[source, target, state, origin]`, with
 *    `document, context` after them for an entry of a document. Written atomically, so a
 *    reader sees the old file or the new one, never half of one. Read strictly: bytes that are
 *    not UTF-8, a line that is not an entry (zod), a header for another language pair or a
 *    count of entries the lines do not match (a truncated file) is an `InputError`
 *    (`file_unreadable`) naming the file and the line, which a cache takes as a miss and
 *    rebuilds from its inputs. The file does not say what it was built from: a cache keys
 *    it by its inputs itself; the threshold and limit come from the options, not the file.
 *
 * (One file of over 400 lines: the arrays, posting lists and the pruning bound of principle 4
 * are one data structure, and the argument that the search misses nothing spans all of them.)
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors/index.js';
import { firstInvalidUtf8, writeFileAtomic } from '../files/index.js';
import { stateRank } from '../formats/types.js';
import { parseTagged } from '../markdown/tagged.js';
export { fuzzyScore } from './fuzzy.js';
import { similarity, TaggedSourceError, tokenDistance, TokenTable, weights, type IndexedTokens, type TokenSequence } from './fuzzy.js';
import { IntList } from './int-list.js';

/** States a remembered translation can have: `initial` has no translation to remember. */
export type MemoryState = 'translated' | 'reviewed' | 'final';

/** One translation to remember. */
export interface MemoryIndexEntry {
  /** Tagged source. */
  readonly source: string;
  /** Tagged target, with the source's code ids. */
  readonly target: string;
  readonly state: MemoryState;
  /** `human`, `mt:deepl`, `tm:fuzzy:87` … */
  readonly origin: string;
  /** Source document path; without it the entry never matches in context. */
  readonly document?: string | undefined;
  /** Source (or hash) of the segment before, absent at the start of a unit or document. */
  readonly previous?: string | undefined;
  /** Source (or hash) of the segment after. */
  readonly next?: string | undefined;
  /** The neighbours' key, as `entries()` lists it: given instead of `previous` and `next`. */
  readonly context?: string | undefined;
}

/** A remembered translation as the index keeps it: neighbours reduced to their key. */
export interface StoredMemoryEntry {
  readonly source: string;
  readonly target: string;
  readonly state: MemoryState;
  readonly origin: string;
  readonly document?: string;
  /** `contextKey(previous, next)`, kept for entries with a document. */
  readonly context?: string;
}

/** What to look up: a tagged source, with its document and neighbours for in-context matches. */
export interface MemoryQuery {
  readonly source: string;
  readonly document?: string | undefined;
  readonly previous?: string | undefined;
  readonly next?: string | undefined;
}

/** One match, best first in `lookup`'s answer. */
export interface MemoryMatch {
  readonly kind: 'in-context' | 'exact' | 'fuzzy';
  /** 100 for exact and in-context matches; the fuzzy score (threshold–99) otherwise. */
  readonly score: number;
  /** The remembered source (tagged). */
  readonly source: string;
  /** The remembered target, with the query's code ids when `codesMatch`. */
  readonly target: string;
  readonly origin: string;
  readonly state: MemoryState;
  readonly document?: string;
  /** False when the fuzzy match's codes could not be mapped to the query's: the target keeps its own ids. */
  readonly codesMatch: boolean;
}

export interface LookupOptions {
  /** Lowest fuzzy score returned, 0–100. Default: the index's (75). */
  readonly threshold?: number;
  /** Most matches returned. Default: the index's (3). */
  readonly limit?: number;
}

export interface MemoryIndexOptions extends LookupOptions {
  /** Language of the sources (`pl`): it decides lower-casing, and is written to the file. */
  readonly sourceLanguage: string;
  /** Language of the targets (`en`). */
  readonly targetLanguage: string;
}

/** Options of `load`: the languages, when given, must be the file's. */
export type LoadOptions = Partial<MemoryIndexOptions>;

/** Bytes decoded at a time by `load`. */
const chunkBytes = 1 << 20;
/** `load` refuses bytes that are not UTF-8 rather than reading U+FFFD into targets. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const defaultThreshold = 75;
const defaultLimit = 3;
const formatName = 'translation-memory';
const formatVersion = 1;
const fields = ['source', 'target', 'state', 'origin', 'document', 'context'] as const;

const memoryStates: readonly MemoryState[] = ['translated', 'reviewed', 'final'];
const headerSchema = z.object({
  hansa: z.literal(formatName),
  version: z.literal(formatVersion),
  sourceLanguage: z.string().min(1),
  targetLanguage: z.string().min(1),
  entries: z.number().int().nonnegative(),
});
const lineSchema = z.tuple([z.string(), z.string(), z.enum(memoryStates), z.string(), z.string().optional(), z.string().optional()]);

/** The key of a segment's neighbours: 16 characters of base64url sha256. */
export function contextKey(previous: string | undefined, next: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([previous ?? null, next ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

interface Variant {
  readonly target: string;
  readonly state: MemoryState;
  readonly origin: string;
  readonly document: string | undefined;
  readonly context: string | undefined;
  /** Order of the add: higher is more recent. */
  readonly seq: number;
}

interface Candidate {
  readonly index: number;
  /** The score the candidate cannot exceed. */
  readonly bound: number;
}

interface Scored {
  readonly index: number;
  readonly score: number;
  readonly best: Variant;
}

const isHuman = (origin: string): boolean => origin === 'human' || origin.startsWith('human:');

/** Best first: higher state, then human origin, then the more recent. */
function byPreference(a: Variant, b: Variant): number {
  return stateRank(b.state) - stateRank(a.state) || Number(isHuman(b.origin)) - Number(isHuman(a.origin)) || b.seq - a.seq;
}

/** The variant `byPreference` puts first. */
function preferredVariant(variants: readonly Variant[]): Variant {
  let best = variants[0];
  if (best === undefined) throw new Error('memory: a source without entries');
  for (const variant of variants) if (byPreference(variant, best) < 0) best = variant;
  return best;
}

/** Size of the intersection of two sorted lists of distinct numbers, `a` and `b[start…end)`. */
function sharedCount(a: ArrayLike<number>, b: Int32Array, start: number, end: number): number {
  let i = 0;
  let j = start;
  let shared = 0;
  while (i < a.length && j < end) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared;
}

interface CodeAt {
  readonly type: 'pc' | 'ph';
  readonly id: number;
}

/** The codes of a tagged text in order of appearance: `pc` or `ph`, and their ids. */
function codeOrder(tagged: string): CodeAt[] | undefined {
  const parsed = parseTagged(tagged);
  if ('problem' in parsed) return undefined;
  const codes: CodeAt[] = [];
  for (const run of parsed.runs) {
    if (run.type === 'open') codes.push({ type: 'pc', id: run.id });
    else if (run.type === 'ph') codes.push({ type: 'ph', id: run.id });
  }
  return codes;
}

/**
 * A match's target with the query's code ids: code n of the match's source is code n of the
 * query's, when both have the same number of codes of the same types in the same order.
 */
export function retarget(query: string, matchSource: string, target: string): { target: string; codesMatch: boolean } {
  const wanted = codeOrder(query);
  const found = codeOrder(matchSource);
  const targetCodes = codeOrder(target);
  const unchanged = { target, codesMatch: false };
  if (wanted === undefined || found === undefined || targetCodes === undefined || wanted.length !== found.length) return unchanged;
  const ids = new Map<string, number>();
  for (const [n, code] of found.entries()) {
    const counterpart = wanted[n];
    if (counterpart === undefined || counterpart.type !== code.type) return unchanged;
    ids.set(`${code.type}${code.id}`, counterpart.id);
  }
  if (!targetCodes.every((code) => ids.has(`${code.type}${code.id}`))) return unchanged;
  const mapped = target.replace(/<(pc|ph)\s+id="(\d+)"/g, (whole, type: string, id: string) => `<${type} id="${ids.get(`${type}${Number(id)}`) ?? id}"`);
  return { target: mapped, codesMatch: true };
}

function checkThreshold(threshold: number): number {
  if (!(threshold >= 0 && threshold <= 100)) throw new RangeError(`memory: threshold must be 0–100, not ${threshold}`);
  return threshold;
}

function checkLimit(limit: number): number {
  if (!(limit >= 1) || (Number.isFinite(limit) && !Number.isInteger(limit))) throw new RangeError(`memory: limit must be a positive integer or Infinity, not ${limit}`);
  return limit;
}

/**
 * Translation memory for one language pair: exact, in-context and fuzzy lookups over
 * remembered translations, kept in memory and saved to one JSON Lines file.
 *
 * ```ts
 * const memory = new MemoryIndex({ sourceLanguage: 'pl', targetLanguage: 'en' });
 * memory.add({ source: 'Ala ma kota.', target: 'Ala has a cat.', state: 'final', origin: 'human' });
 * memory.lookup({ source: 'Ala ma psa.' }, { threshold: 60 }); // [{ kind: 'fuzzy', score: 69, … }]
 * ```
 */
export class MemoryIndex {
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
  /** Lowest fuzzy score `lookup` returns unless told otherwise. */
  readonly threshold: number;
  /** Most matches `lookup` returns unless told otherwise. */
  readonly limit: number;
  readonly #table: TokenTable;
  /** Source i: its text, its entries, and its tokens, keys and weights (see `fuzzy.ts`). */
  readonly #sources: string[] = [];
  readonly #variants: Variant[][] = [];
  readonly #tokens = new IntList();
  readonly #tokenStarts = new IntList();
  readonly #keys = new IntList();
  readonly #keyStarts = new IntList();
  readonly #words = new IntList();
  readonly #rests = new IntList();
  readonly #totals = new IntList();
  readonly #bySource = new Map<string, number>();
  /** One copy of each document path and origin, however many entries share it. */
  readonly #names = new Map<string, string>();
  /**
   * Posting lists of the first `#posted` sources, in one array: the sources holding occurrence
   * key k are `#postings[#postingStarts[k] … #postingStarts[k + 1])`, ascending. Sources added
   * since are scanned one by one, until there are enough of them to build the lists again:
   * adding costs nothing, and loading builds them in one pass.
   */
  #postingStarts = new Int32Array(1);
  #postings = new Int32Array(0);
  #posted = 0;
  /** `#stamps[i] === #stamp` marks source i as already a candidate of the current query. */
  #stamps = new Int32Array(1024);
  #stamp = 0;
  #seq = 0;
  #size = 0;

  constructor(options: MemoryIndexOptions) {
    this.sourceLanguage = options.sourceLanguage;
    this.targetLanguage = options.targetLanguage;
    this.threshold = checkThreshold(options.threshold ?? defaultThreshold);
    this.limit = checkLimit(options.limit ?? defaultLimit);
    this.#table = new TokenTable(options.sourceLanguage);
  }

  /**
   * An index holding `entries`, added in order (so later ones count as more recent), with its
   * posting lists built in one pass: the way to build an index whose entries are all known at
   * once, such as one rebuilt for the project state (adding them one by one costs more).
   */
  static fromEntries(entries: Iterable<MemoryIndexEntry>, options: MemoryIndexOptions): MemoryIndex {
    const index = new MemoryIndex(options);
    for (const entry of entries) index.add(entry);
    index.#buildPostings();
    return index;
  }

  /**
   * Read an index saved by `save`. Rejects with an `InputError` naming the file (and line)
   * when it cannot be read, is not a memory, is for another language pair than `options`
   * gives, or has a bad line.
   */
  static async load(file: string, options: LoadOptions = {}): Promise<MemoryIndex> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new InputError('file_unreadable', `Cannot read translation memory ${file}: ${reason}`, { file, cause: error, data: { reason } });
    }
    return MemoryIndex.#parse(bytes, file, options);
  }

  /**
   * `load` the file, or start an empty index when there is none yet. A file that is there but
   * cannot be read or is damaged rejects as `load` does.
   */
  static async open(file: string, options: MemoryIndexOptions): Promise<MemoryIndex> {
    try {
      return await MemoryIndex.load(file, options);
    } catch (error) {
      if (error instanceof InputError && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return new MemoryIndex(options);
      throw error;
    }
  }

  /**
   * Read the file's lines out of its bytes a megabyte at a time: decoding it whole would hold
   * a second copy of the file (twice its size, as Polish text is not Latin-1) at the peak.
   */
  static #parse(bytes: Buffer, file: string, options: LoadOptions): MemoryIndex {
    const fail = (line: number, reason: string): InputError =>
      new InputError('file_unreadable', `Translation memory ${file}, line ${line}: ${reason}`, { file, line, data: { reason } });
    let start = 0;
    let line = 0;
    let pending: string[] = [];
    let next = 0;
    const nextLine = (): string | undefined => {
      if (next === pending.length) {
        if (start >= bytes.length) return undefined;
        const newline = bytes.indexOf(0x0a, Math.min(bytes.length, start + chunkBytes));
        const end = newline < 0 ? bytes.length : newline + 1;
        // A chunk ends at a newline, so it never splits a character.
        const chunk = bytes.subarray(start, end);
        let decoded: string;
        try {
          decoded = strictUtf8.decode(chunk);
        } catch {
          const at = firstInvalidUtf8(chunk);
          let bad = line + 1;
          for (let i = 0; i < at; i++) if (chunk[i] === 0x0a) bad++;
          throw fail(bad, 'not UTF-8');
        }
        pending = decoded.split('\n');
        // The chunk ends with a newline (or the file does not): the piece after it is no line.
        if (newline >= 0 || pending.at(-1) === '') pending.pop();
        next = 0;
        start = end;
      }
      line++;
      return pending[next++];
    };
    const header = headerSchema.safeParse(parseJson(nextLine() ?? ''));
    if (!header.success) throw fail(1, `not a Hansa translation memory header (${header.error.issues[0]?.message ?? 'invalid'})`);
    const { sourceLanguage, targetLanguage } = header.data;
    if ((options.sourceLanguage ?? sourceLanguage) !== sourceLanguage || (options.targetLanguage ?? targetLanguage) !== targetLanguage) {
      throw fail(1, `the memory is for ${sourceLanguage}→${targetLanguage}, not ${options.sourceLanguage ?? sourceLanguage}→${options.targetLanguage ?? targetLanguage}`);
    }
    const index = new MemoryIndex({ ...options, sourceLanguage, targetLanguage });
    for (let text = nextLine(); text !== undefined; text = nextLine()) {
      const json = parseJson(text);
      if (json === undefined) throw fail(line, 'not JSON');
      const parsed = lineSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw fail(line, `not an entry (${issue === undefined ? 'invalid' : `${issue.path.join('.') || 'line'}: ${issue.message}`})`);
      }
      const [source, target, state, origin, document, context] = parsed.data;
      try {
        index.add({ source, target, state, origin, document, context });
      } catch (error) {
        if (error instanceof TypeError && error.cause instanceof TaggedSourceError) throw fail(line, `the source is not tagged text: ${error.cause.message}`);
        throw error;
      }
    }
    if (line - 1 !== header.data.entries) throw fail(line, `the header announces ${header.data.entries} entries, the file has ${line - 1}`);
    index.#buildPostings();
    return index;
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Number of distinct sources. */
  get sourceCount(): number {
    return this.#sources.length;
  }

  /**
   * Remember a translation. An entry with the same source, target, document and neighbours
   * as an earlier one replaces it (its state and origin are the newer ones, and it becomes
   * the most recent). Throws a `TypeError` for a state without a translation (`initial`)
   * and a source that is not tagged text.
   */
  add(entry: MemoryIndexEntry): void {
    if (!memoryStates.includes(entry.state)) throw new TypeError(`memory: cannot remember a translation in state ${String(entry.state)}`);
    const variants = this.#variants[this.#sourceIndex(entry.source)] ?? [];
    const document = entry.document === undefined ? undefined : this.#name(entry.document);
    const context = document === undefined ? undefined : (entry.context ?? contextKey(entry.previous, entry.next));
    const same = variants.findIndex((variant) => variant.target === entry.target && variant.document === document && variant.context === context);
    if (same >= 0) variants.splice(same, 1);
    else this.#size++;
    variants.push({ target: entry.target, state: entry.state, origin: this.#name(entry.origin), document, context, seq: ++this.#seq });
  }

  /**
   * Matches for a source, best first: the in-context match, then exact matches; fuzzy
   * matches scoring at least the threshold only when there is no exact one.
   */
  lookup(query: MemoryQuery, options: LookupOptions = {}): MemoryMatch[] {
    const threshold = checkThreshold(options.threshold ?? this.threshold);
    const limit = checkLimit(options.limit ?? this.limit);
    const exact = this.#bySource.get(query.source);
    if (exact !== undefined) return this.#exactMatches(this.#variants[exact] ?? [], query, limit);
    return this.#fuzzyMatches(query.source, threshold, limit);
  }

  /** Every entry, oldest first, as `save` writes them. */
  *entries(): IterableIterator<StoredMemoryEntry> {
    const all: { source: string; variant: Variant }[] = [];
    this.#sources.forEach((source, index) => {
      for (const variant of this.#variants[index] ?? []) all.push({ source, variant });
    });
    all.sort((a, b) => a.variant.seq - b.variant.seq);
    for (const { source, variant } of all) {
      const { target, state, origin, document, context } = variant;
      yield { source, target, state, origin, ...(document === undefined ? {} : { document }), ...(context === undefined ? {} : { context }) };
    }
  }

  /** Write the index to `file` atomically (see the module comment for the format). */
  async save(file: string): Promise<void> {
    const header = { hansa: formatName, version: formatVersion, sourceLanguage: this.sourceLanguage, targetLanguage: this.targetLanguage, entries: this.#size, fields };
    const lines = [JSON.stringify(header)];
    for (const entry of this.entries()) {
      const line = [entry.source, entry.target, entry.state, entry.origin];
      if (entry.document !== undefined && entry.context !== undefined) line.push(entry.document, entry.context);
      lines.push(JSON.stringify(line));
    }
    await writeFileAtomic(file, `${lines.join('\n')}\n`);
  }

  /** The index of a source, indexed on first sight. */
  #sourceIndex(source: string): number {
    const known = this.#bySource.get(source);
    if (known !== undefined) return known;
    let tokens: IndexedTokens;
    try {
      tokens = this.#table.indexTokens(source);
    } catch (error) {
      if (error instanceof TaggedSourceError) throw new TypeError(`memory: the source is not tagged text: ${error.message}`, { cause: error });
      throw error;
    }
    const index = this.#sources.length;
    this.#sources.push(source);
    this.#variants.push([]);
    this.#bySource.set(source, index);
    this.#tokenStarts.push(this.#tokens.length);
    this.#tokens.append(tokens.ids);
    this.#keyStarts.push(this.#keys.length);
    this.#keys.append(tokens.keys);
    this.#words.push(tokens.words);
    this.#rests.push(tokens.rest);
    this.#totals.push(tokens.total);
    return index;
  }

  /** Build the posting lists of every source: count, place, fill (no array per key). */
  #buildPostings(): void {
    const keyCount = this.#table.keyCount;
    const keys = this.#keys.data;
    const starts = new Int32Array(keyCount + 1);
    for (let i = 0; i < this.#keys.length; i++) {
      const slot = (keys[i] ?? 0) + 1;
      starts[slot] = (starts[slot] ?? 0) + 1;
    }
    for (let key = 0; key < keyCount; key++) starts[key + 1] = (starts[key + 1] ?? 0) + (starts[key] ?? 0);
    const fill = starts.slice(0, keyCount);
    const postings = new Int32Array(this.#keys.length);
    for (let index = 0; index < this.#sources.length; index++) {
      const end = this.#end(this.#keyStarts, this.#keys, index);
      for (let i = this.#keyStarts.at(index); i < end; i++) {
        const key = keys[i] ?? 0;
        postings[fill[key] ?? 0] = index;
        fill[key] = (fill[key] ?? 0) + 1;
      }
    }
    this.#postingStarts = starts;
    this.#postings = postings;
    this.#posted = this.#sources.length;
  }

  /** The shared copy of a document path or origin. */
  #name(name: string): string {
    const known = this.#names.get(name);
    if (known !== undefined) return known;
    this.#names.set(name, name);
    return name;
  }

  /** Where the tokens (or keys) of source `index` end in their list. */
  #end(starts: IntList, list: IntList, index: number): number {
    return index + 1 < starts.length ? starts.at(index + 1) : list.length;
  }

  #exactMatches(variants: readonly Variant[], query: MemoryQuery, limit: number): MemoryMatch[] {
    const context = query.document === undefined ? undefined : contextKey(query.previous, query.next);
    const inContext = (variant: Variant): boolean => context !== undefined && variant.document === query.document && variant.context === context;
    const ranked = [...variants].sort((a, b) => Number(inContext(b)) - Number(inContext(a)) || byPreference(a, b));
    const matches: MemoryMatch[] = [];
    const targets = new Set<string>();
    for (const variant of ranked) {
      if (matches.length >= limit) break;
      if (targets.has(variant.target)) continue;
      targets.add(variant.target);
      const kind = inContext(variant) ? 'in-context' : 'exact';
      matches.push(matchOf(kind, 100, query.source, variant, { target: variant.target, codesMatch: true }));
    }
    return matches;
  }

  #fuzzyMatches(source: string, threshold: number, limit: number): MemoryMatch[] {
    let query: TokenSequence;
    try {
      query = this.#table.queryTokens(source);
    } catch (error) {
      if (error instanceof TaggedSourceError) throw new TypeError(`memory: the query is not tagged text: ${error.message}`, { cause: error });
      throw error;
    }
    // Fuzzy scores stop at 99, and an empty query resembles nothing.
    if (threshold > 99 || query.total === 0) return [];
    const scored = this.#verify(query, this.#candidates(query, threshold), threshold, limit);
    return scored.map(({ index, score, best }) => {
      const found = this.#sources[index] ?? '';
      return matchOf('fuzzy', score, found, best, retarget(source, found, best.target));
    });
  }

  /** Sources that may score ≥ threshold (none that can is left out: see the module comment, 4). */
  #candidates(query: TokenSequence, threshold: number): Candidate[] {
    const slack = 100 - threshold;
    const low = (threshold * query.total) / 100;
    const high = threshold === 0 ? Number.POSITIVE_INFINITY : (100 * query.total) / threshold;
    const needed = threshold === 0 ? 0 : Math.ceil(query.words - (slack * query.total) / (weights.word * threshold) - 1e-9);
    const candidates: Candidate[] = [];
    const totals = this.#totals.data;
    const consider = (index: number): void => {
      const total = totals[index] ?? 0;
      if (total < low || total > high) return;
      const shared = sharedCount(query.keys, this.#keys.data, this.#keyStarts.at(index), this.#end(this.#keyStarts, this.#keys, index));
      const lowerBound = weights.word * (Math.max(query.words, this.#words.at(index)) - shared) + Math.abs(query.rest - this.#rests.at(index));
      if (100 * lowerBound > slack * Math.max(query.total, total)) return;
      candidates.push({ index, bound: Math.min(99, similarity(lowerBound, query.total, total)) });
    };
    if (needed <= 0) {
      for (let index = 0; index < this.#sources.length; index++) consider(index);
      return candidates;
    }
    if (this.#sources.length - this.#posted > 1024 + this.#posted / 32) this.#buildPostings();
    const stamp = this.#nextStamp();
    const stamps = this.#stamps;
    const starts = this.#postingStarts;
    const postings = this.#postings;
    // Keys new since the lists were built have none; their sources are among the unposted.
    const postingLength = (key: number): number => (key < 0 || key + 1 >= starts.length ? 0 : (starts[key + 1] ?? 0) - (starts[key] ?? 0));
    const rarest = Array.from(query.keys)
      .sort((a, b) => postingLength(a) - postingLength(b))
      .slice(0, query.words - needed + 1);
    for (const key of rarest) {
      const end = postingLength(key) === 0 ? 0 : (starts[key + 1] ?? 0);
      for (let at = postingLength(key) === 0 ? 0 : (starts[key] ?? 0); at < end; at++) {
        const index = postings[at] ?? 0;
        if (stamps[index] === stamp) continue;
        stamps[index] = stamp;
        consider(index);
      }
    }
    for (let index = this.#posted; index < this.#sources.length; index++) consider(index);
    return candidates;
  }

  /** A fresh stamp for a query, the stamp array grown to the number of sources. */
  #nextStamp(): number {
    if (this.#stamps.length < this.#sources.length) {
      this.#stamps = new Int32Array(Math.max(this.#sources.length, 2 * this.#stamps.length));
      this.#stamp = 0;
    }
    if (this.#stamp >= 0x7fffffff) {
      this.#stamps.fill(0);
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }

  /** Score candidates, highest bound first, until no remaining one can enter the best `limit`. */
  #verify(query: TokenSequence, candidates: Candidate[], threshold: number, limit: number): Scored[] {
    candidates.sort((a, b) => b.bound - a.bound);
    const best: Scored[] = [];
    const slack = 100 - threshold;
    for (const candidate of candidates) {
      const last = best.length >= limit ? best[best.length - 1] : undefined;
      // A candidate bounded below the last kept score cannot enter; an equal one may, on preference.
      if (last !== undefined && candidate.bound < last.score) break;
      const { index } = candidate;
      const total = this.#totals.at(index);
      const allowed = Math.floor((slack * Math.max(query.total, total)) / 100);
      const distance = tokenDistance(query, this.#tokens.data, this.#tokenStarts.at(index), this.#end(this.#tokenStarts, this.#tokens, index), this.#table, allowed);
      if (distance > allowed) continue;
      const score = Math.min(99, similarity(distance, query.total, total));
      if (score < threshold) continue;
      insertRanked(best, { index, score, best: preferredVariant(this.#variants[index] ?? []) }, limit);
    }
    return best;
  }
}

/** Insert into a list kept best first (score, then preference), cut to `limit`. */
function insertRanked(list: Scored[], item: Scored, limit: number): void {
  let at = list.length;
  while (at > 0) {
    const before = list[at - 1];
    if (before === undefined || before.score > item.score || (before.score === item.score && byPreference(before.best, item.best) <= 0)) break;
    at--;
  }
  list.splice(at, 0, item);
  if (list.length > limit) list.pop();
}

function matchOf(kind: MemoryMatch['kind'], score: number, source: string, variant: Variant, target: { target: string; codesMatch: boolean }): MemoryMatch {
  return {
    kind,
    score,
    source,
    target: target.target,
    origin: variant.origin,
    state: variant.state,
    ...(variant.document === undefined ? {} : { document: variant.document }),
    codesMatch: target.codesMatch,
  };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
