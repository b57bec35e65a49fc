/**
 * Fuzzy similarity of two tagged sources, in the spirit of CAT tools: like OmegaT, an edit
 * distance over word tokens normalised by the longer segment (Okapi's Pensieve retrieves
 * candidates by n-grams, as the index here does by words, and then scores them); unlike
 * either, code-aware, and with cheaper edits for what a translator fixes in a second.
 *
 * 1. Tokens. A tagged text becomes a sequence of tokens: words (runs of letters, marks and
 *    digits), punctuation (every other visible character, one token each) and codes
 *    (`<pc>` opening, `</pc>` closing, `<ph/>`). Code ids do not count: ids are numbered by
 *    order of appearance, and the codes of a match are mapped to the query's by order.
 *    Whitespace does not count; an entity counts as the character it stands for.
 * 2. Weights, in integer units so every sum and comparison is exact (a word is 20):
 *      word 20 · punctuation 5 · `<ph/>` 10 · `<pc>` opening 5 · `</pc>` closing 5.
 *    Inserting or deleting a token costs its weight.
 * 3. Substitutions. Same token: 0. A word for a word: 4 when they differ only in case
 *    (`Ala`/`ala`), 10 when they differ only in diacritics, with or without case
 *    (`zrodlo`/`źródło`), else 20. Punctuation for punctuation, or a code for a code: the
 *    larger weight (5; `<ph/>` for `<pc>` 10). Across classes (a word for a comma): delete and
 *    insert.
 * 4. Score. d = the least total cost of turning one token sequence into the other
 *    (weighted Levenshtein); W = the total weight of a sequence;
 *
 *      score = floor(100 × (1 − d / max(W_query, W_match)))      (0 when negative)
 *
 *    capped at 99 for a source that is not the very same tagged text (100 is exact).
 *    So one word changed in a 10-word sentence with its full stop scores
 *    floor(100 × (1 − 20/205)) = 90; a comma more scores 97; a changed case 98; a missing
 *    `<ph/>` 95; a bold span lost 95.
 *
 * The lower bound the index prunes with (see `tm.ts`) rests on two properties of these costs:
 * a word paired with a word of another folded form (lower case, no diacritics) costs the
 * full 20, and every substitution costs at least the difference of the two weights. The
 * word signatures of `signature.ts` bound the same shared folded words (`foldedWords`).
 *
 * (One file of over 400 lines: tokens, weights and the distance together define the score,
 * and the index's lower bound in `tm.ts` rests on all three.)
 */
/** Token classes. */
export const TokenKind = { word: 0, punctuation: 1, code: 2 } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** Costs, in units of 1/20 of a word (see the module comment). */
export const weights = {
  word: 20,
  caseOnly: 4,
  diacriticsOnly: 10,
  punctuation: 5,
  standalone: 10,
  pairedEdge: 5,
} as const;

/** The token strings codes stand as: no text token contains a `<`, since text is escaped. */
const openToken = '<pc>';
const closeToken = '</pc>';
const standaloneToken = '<ph/>';

/** Codes as `parseTagged` reads them, and entities, each tried where a `<` or `&` stands. */
const codePattern = /<pc\s+id="\d+"\s*>|<\/pc\s*>|<ph\s+id="\d+"\s*\/>/y;
const entityPattern = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
const wordCharacter = /^[\p{L}\p{M}\p{N}]$/u;
const spaceCharacter = /^\s$/u;
const namedEntities: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const marks = /\p{M}/gu;

/** Character classes of the scanner. */
const space = 0;
const wordPart = 1;
const other = 2;
const surrogate = 3;

let classTable: Uint8Array | undefined;

/**
 * The class of every UTF-16 code unit, computed once: a table look-up is many times faster
 * than a Unicode-property regular expression, and loading a memory tokenizes 100,000 sources.
 */
function characterClasses(): Uint8Array {
  if (classTable !== undefined) return classTable;
  const table = new Uint8Array(0x10000);
  for (let unit = 0; unit < 0x10000; unit++) table[unit] = unit >= 0xd800 && unit <= 0xdfff ? surrogate : classOfCharacter(String.fromCharCode(unit));
  classTable = table;
  return table;
}

function classOfCharacter(character: string): number {
  return wordCharacter.test(character) ? wordPart : spaceCharacter.test(character) ? space : other;
}

/** Class and length (1 or 2 code units) of the character at `at`. */
function characterAt(text: string, at: number, table: Uint8Array): { kind: number; width: number } {
  const kind = table[text.charCodeAt(at)] ?? other;
  if (kind !== surrogate) return { kind, width: 1 };
  const point = text.codePointAt(at) ?? 0;
  return point > 0xffff ? { kind: classOfCharacter(String.fromCodePoint(point)), width: 2 } : { kind: other, width: 1 };
}

/** What could not be tokenized. */
export class TaggedSourceError extends Error {
  override readonly name = 'TaggedSourceError';
}

/**
 * Call `visit` with each token of tagged text, in order: words (runs of letters, marks and
 * digits), codes, and every other visible character. An entity is the character it stands
 * for, as a token of its own (a letter written `&#261;` does not join the word around it: no
 * Hansa writer produces such text). Throws `TaggedSourceError` for markup other than codes
 * and for unbalanced `<pc>`.
 */
function scanTokens(tagged: string, visit: (token: string, kind: TokenKind) => void): void {
  scanTokenSpans(tagged, (text, start, end, kind) => visit(text.slice(start, end), kind), false);
}

/**
 * `scanTokens` without cutting tokens out: each is `text.slice(start, end)` (`text` is the
 * tagged text, or the character an entity stands for, or a code's token). With `wordsOnly`,
 * punctuation and codes are checked but not visited.
 */
function scanTokenSpans(tagged: string, visit: (text: string, start: number, end: number, kind: TokenKind) => void, wordsOnly: boolean): void {
  const table = characterClasses();
  const length = tagged.length;
  let depth = 0;
  let at = 0;
  while (at < length) {
    const unit = tagged.charCodeAt(at);
    const unitClass = table[unit] ?? other;
    if (unitClass === space) {
      at++;
      continue;
    }
    if (unitClass === wordPart) {
      let end = at + 1;
      while (end < length) {
        const next = table[tagged.charCodeAt(end)];
        if (next === wordPart) end++;
        else if (next === surrogate && characterAt(tagged, end, table).kind === wordPart) end += 2;
        else break;
      }
      visit(tagged, at, end, TokenKind.word);
      at = end;
      continue;
    }
    if (unit === 0x3c /* < */) {
      codePattern.lastIndex = at;
      const code = codePattern.exec(tagged)?.[0];
      if (code === undefined) throw new TaggedSourceError(`markup other than <pc>/<ph> codes at ${at}`);
      if (code.charCodeAt(1) === 0x2f /* / */) {
        if (--depth < 0) throw new TaggedSourceError(`unbalanced </pc> at ${at}`);
        if (!wordsOnly) visit(closeToken, 0, closeToken.length, TokenKind.code);
      } else if (code.charCodeAt(2) === 0x63 /* c */) {
        depth++;
        if (!wordsOnly) visit(openToken, 0, openToken.length, TokenKind.code);
      } else if (!wordsOnly) visit(standaloneToken, 0, standaloneToken.length, TokenKind.code);
      at += code.length;
      continue;
    }
    if (unit === 0x26 /* & */) {
      entityPattern.lastIndex = at;
      const entity = entityPattern.exec(tagged)?.[0];
      if (entity !== undefined) {
        const character = namedEntities[entity] ?? String.fromCodePoint(entity.charCodeAt(2) === 0x78 ? Number.parseInt(entity.slice(3, -1), 16) : Number.parseInt(entity.slice(2, -1), 10));
        const kind = classOfCharacter(character);
        if (kind === wordPart) visit(character, 0, character.length, TokenKind.word);
        else if (kind !== space && !wordsOnly) visit(character, 0, character.length, TokenKind.punctuation);
        at += entity.length;
        continue;
      }
    }
    const { kind, width } = unitClass === surrogate ? characterAt(tagged, at, table) : { kind: other, width: 1 };
    if (kind === wordPart) {
      // A letter outside the BMP starts a word: scan it as one.
      let end = at + width;
      while (end < length && characterAt(tagged, end, table).kind === wordPart) end += characterAt(tagged, end, table).width;
      visit(tagged, at, end, TokenKind.word);
      at = end;
      continue;
    }
    if (kind !== space && !wordsOnly) visit(tagged, at, at + width, TokenKind.punctuation);
    at += width;
  }
  if (depth !== 0) throw new TaggedSourceError('unbalanced <pc>');
}

/** Lower case in `language`: the default mapping (much faster) unless the language has its own. */
export function lowerCase(word: string, language: string): string {
  return lowersAsciiPlainly(language) ? word.toLowerCase() : word.toLocaleLowerCase(language);
}

/** The form a word is grouped under: lower case, diacritics gone (`Źródło` → `zrodlo`). */
export function foldWord(word: string, language: string): string {
  const lower = lowerCase(word, language);
  // Most words are ASCII, and so their lower case (Turkish `ı` included): nothing to decompose.
  return isAscii(word) ? lower : lower.normalize('NFD').replace(marks, '').replace(/ł/g, 'l');
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The folded forms of the word tokens of tagged text, in order and with repeats: the very
 * words whose occurrences `TokenTable` counts as keys (the bound of `tm.ts`, principle 4, and
 * the word signatures of `signature.ts` rest on them). `folds` remembers each word's folded
 * form across calls in one language (a document's sources share most of their words). Throws
 * `TaggedSourceError` for text that cannot be tokenized.
 */
export function foldedWords(tagged: string, language: string, folds: Map<string, string> = new Map()): string[] {
  const words: string[] = [];
  scanTokens(tagged, (token, kind) => {
    if (kind !== TokenKind.word) return;
    let folded = folds.get(token);
    if (folded === undefined) {
      folded = foldWord(token, language);
      folds.set(token, folded);
    }
    words.push(folded);
  });
  return words;
}

/**
 * Call `visit` with each word token of tagged text, in order, as `foldedWords` reads them but
 * neither folded nor cut out: the word is `text.slice(start, end)`. Punctuation and codes
 * are passed over. Throws `TaggedSourceError` as `foldedWords` does.
 */
export function forEachWord(tagged: string, visit: (text: string, start: number, end: number) => void): void {
  scanTokenSpans(tagged, visit, true);
}

/** Languages whose lower case differs from the default Unicode mapping (dotted and dotless i). */
const specialCasing = new Set(['tr', 'az', 'lt']);

/** Whether `language` lower-cases ASCII letters as the default mapping does (`I` → `i`, not Turkish `ı`). */
export function lowersAsciiPlainly(language: string): boolean {
  return !specialCasing.has(language.slice(0, 2).toLowerCase());
}

/** A source as the index keeps it: token ids of the table, and its sorted occurrence keys. */
export interface IndexedTokens {
  readonly ids: readonly number[];
  /**
   * The occurrence keys of its words, sorted: the `k`-th occurrence of a folded form is one
   * key, so the number of keys two sources share is the size of the multiset intersection
   * of their folded words.
   */
  readonly keys: ArrayLike<number>;
  /** Number of word tokens. */
  readonly words: number;
  /** Total weight of the punctuation and code tokens. */
  readonly rest: number;
  /** Total weight. */
  readonly total: number;
}

/**
 * A query tokenized against a table: `ids` are the table's (negative for tokens it does not
 * hold), and `lower`, `fold`, `kind` and `weight` describe each token, so that the distance
 * needs no table look-up on this side.
 */
export interface TokenSequence extends IndexedTokens {
  readonly lower: readonly number[];
  readonly fold: readonly number[];
  readonly kind: readonly TokenKind[];
  readonly weight: readonly number[];
}

/**
 * Interned tokens: each distinct token string gets an id, with its class, weight, and the
 * ids of its lower-case and folded forms, so that comparing tokens is comparing numbers.
 * Folded forms double as the occurrence keys of first occurrences; later occurrences get
 * keys of their own from the same id space.
 */
export class TokenTable {
  readonly kind: TokenKind[] = [];
  readonly weight: number[] = [];
  readonly lower: number[] = [];
  readonly fold: number[] = [];
  readonly language: string;
  readonly #tokens = new Map<string, number>();
  readonly #lowers = new Map<string, number>();
  readonly #keys = new Map<string, number>();
  /** `#repeats[fold]` = keys of the 2nd, 3rd … occurrence of a folded form. */
  readonly #repeats: number[][] = [];
  #keyCount = 0;

  constructor(language: string) {
    this.language = language;
  }

  /** Number of occurrence keys handed out: every key of an indexed source is below it. */
  get keyCount(): number {
    return this.#keyCount;
  }

  /** Tokenize a source to index: its tokens and keys join the table. Throws `TaggedSourceError`. */
  indexTokens(tagged: string): IndexedTokens {
    const ids: number[] = [];
    const folds: number[] = [];
    let rest = 0;
    scanTokens(tagged, (token, kind) => {
      const id = this.#tokens.get(token) ?? this.#intern(token, kind);
      ids.push(id);
      if (kind === TokenKind.word) folds.push(this.fold[id] ?? -1);
      else rest += this.weight[id] ?? 0;
    });
    return { ids, keys: this.#occurrenceKeys(folds, true, { next: -1 }), words: folds.length, rest, total: folds.length * weights.word + rest };
  }

  /**
   * Tokenize a query: tokens the table does not hold get fresh negative ids that match
   * nothing in it, so lookups never grow the index. Throws `TaggedSourceError`.
   */
  queryTokens(tagged: string): TokenSequence {
    const unseen = { next: -1 };
    const ids: number[] = [];
    const lower: number[] = [];
    const fold: number[] = [];
    const kind: TokenKind[] = [];
    const weight: number[] = [];
    const folds: number[] = [];
    let rest = 0;
    scanTokens(tagged, (token, tokenKind) => {
      const id = this.#tokens.get(token);
      const described = id === undefined ? this.#describe(token, tokenKind, unseen) : { id, lower: this.lower[id] ?? id, fold: this.fold[id] ?? -1, weight: this.weight[id] ?? 0 };
      ids.push(described.id);
      lower.push(described.lower);
      fold.push(described.fold);
      weight.push(described.weight);
      kind.push(tokenKind);
      if (tokenKind === TokenKind.word) folds.push(described.fold);
      else rest += described.weight;
    });
    const keys = this.#occurrenceKeys(folds, false, unseen);
    return { ids, lower, fold, kind, weight, keys, words: folds.length, rest, total: folds.length * weights.word + rest };
  }

  #intern(token: string, tokenKind: TokenKind): number {
    const id = this.kind.length;
    this.#tokens.set(token, id);
    this.kind.push(tokenKind);
    this.weight.push(weightOf(token, tokenKind));
    if (tokenKind !== TokenKind.word) {
      this.lower.push(id);
      this.fold.push(-1);
      return id;
    }
    const lowered = lowerCase(token, this.language);
    let lowerId = this.#lowers.get(lowered);
    if (lowerId === undefined) {
      lowerId = this.#lowers.size;
      this.#lowers.set(lowered, lowerId);
    }
    this.lower.push(lowerId);
    const folded = foldWord(token, this.language);
    let key = this.#keys.get(folded);
    if (key === undefined) {
      key = this.#keyCount++;
      this.#keys.set(folded, key);
    }
    this.fold.push(key);
    return id;
  }

  /** A token the table does not hold (a query's), with fresh negative ids for what is new. */
  #describe(token: string, tokenKind: TokenKind, unseen: { next: number }): { id: number; lower: number; fold: number; weight: number } {
    const weight = weightOf(token, tokenKind);
    if (tokenKind !== TokenKind.word) {
      const id = unseen.next--;
      return { id, lower: id, fold: -1, weight };
    }
    const lower = this.#lowers.get(lowerCase(token, this.language)) ?? unseen.next--;
    const fold = this.#keys.get(foldWord(token, this.language)) ?? unseen.next--;
    return { id: unseen.next--, lower, fold, weight };
  }

  /** The sorted occurrence keys of words whose folded forms are `folds`. */
  #occurrenceKeys(folds: readonly number[], intern: boolean, unseen: { next: number }): Int32Array {
    // A typed array sorts numerically without a comparator call per comparison.
    const keys = Int32Array.from(folds).sort();
    let repeated = false;
    let previous = Number.NaN;
    let occurrence = 0;
    for (let i = 0; i < keys.length; i++) {
      const fold = keys[i] ?? -1;
      occurrence = fold === previous ? occurrence + 1 : 1;
      previous = fold;
      if (occurrence === 1) continue;
      // The 2nd, 3rd … occurrence of a folded form has a key of its own.
      repeated = true;
      keys[i] = fold < 0 ? unseen.next-- : (this.#repeatKey(fold, occurrence, intern) ?? unseen.next--);
    }
    return repeated ? keys.sort() : keys;
  }

  #repeatKey(fold: number, occurrence: number, intern: boolean): number | undefined {
    let repeats = this.#repeats[fold];
    if (repeats === undefined) {
      if (!intern) return undefined;
      repeats = [];
      this.#repeats[fold] = repeats;
    }
    while (intern && repeats.length < occurrence - 1) repeats.push(this.#keyCount++);
    return repeats[occurrence - 2];
  }
}

function weightOf(token: string, tokenKind: TokenKind): number {
  if (tokenKind === TokenKind.word) return weights.word;
  if (tokenKind === TokenKind.punctuation) return weights.punctuation;
  return token === standaloneToken ? weights.standalone : weights.pairedEdge;
}

/** Scratch rows of the distance, grown as needed: lookups allocate nothing per candidate. */
let previousRow = new Int32Array(256);
let currentRow = new Int32Array(256);

/**
 * The weighted edit distance between a query `a` and the source of `table` whose token ids
 * are `b[start…end)`. Returns `limit + 1` as soon as it is sure to exceed `limit` (a whole
 * row of the table above it: costs never go down).
 */
export function tokenDistance(a: TokenSequence, b: ArrayLike<number>, start: number, end: number, table: TokenTable, limit = Number.MAX_SAFE_INTEGER): number {
  const n = a.ids.length;
  const m = end - start;
  if (previousRow.length <= m) {
    previousRow = new Int32Array(2 * (m + 1));
    currentRow = new Int32Array(2 * (m + 1));
  }
  let previous = previousRow;
  let current = currentRow;
  const { kind, weight, lower, fold } = table;
  previous[0] = 0;
  for (let j = 1; j <= m; j++) previous[j] = (previous[j - 1] ?? 0) + (weight[b[start + j - 1] ?? 0] ?? 0);
  for (let i = 0; i < n; i++) {
    const x = a.ids[i] ?? 0;
    const xKind = a.kind[i];
    const xWeight = a.weight[i] ?? 0;
    const xLower = a.lower[i];
    const xFold = a.fold[i];
    let left = (previous[0] ?? 0) + xWeight;
    current[0] = left;
    let rowMin = left;
    for (let j = 1; j <= m; j++) {
      const y = b[start + j - 1] ?? 0;
      const yWeight = weight[y] ?? 0;
      let substitution: number;
      if (x === y) substitution = 0;
      else if (xKind !== kind[y]) substitution = xWeight + yWeight;
      else if (xKind === TokenKind.word) substitution = xLower === lower[y] ? weights.caseOnly : xFold === fold[y] ? weights.diacriticsOnly : weights.word;
      else substitution = xWeight > yWeight ? xWeight : yWeight;
      const diagonal = (previous[j - 1] ?? 0) + substitution;
      const up = (previous[j] ?? 0) + xWeight;
      const fromLeft = left + yWeight;
      left = diagonal < up ? (diagonal < fromLeft ? diagonal : fromLeft) : up < fromLeft ? up : fromLeft;
      current[j] = left;
      if (left < rowMin) rowMin = left;
    }
    if (rowMin > limit) return limit + 1;
    const swap = previous;
    previous = current;
    current = swap;
  }
  return previous[m] ?? 0;
}

/** `floor(100 × (1 − distance / longest))`, never below 0; 100 for two empty sources. */
export function similarity(distance: number, totalA: number, totalB: number): number {
  const longest = totalA > totalB ? totalA : totalB;
  if (longest === 0) return 100;
  const score = Math.floor((100 * (longest - distance)) / longest);
  return score < 0 ? 0 : score;
}

/**
 * The fuzzy score of two tagged sources, 0–100 (see the module comment): what the index
 * computes for each candidate, here standalone, for tests and for callers comparing two
 * sources outside any index. 100 only for the very same tagged text.
 */
export function fuzzyScore(a: string, b: string, language = 'pl'): number {
  if (a === b) return 100;
  const table = new TokenTable(language);
  const indexed = table.indexTokens(b);
  const query = table.queryTokens(a);
  return Math.min(99, similarity(tokenDistance(query, indexed.ids, 0, indexed.ids.length, table), query.total, indexed.total));
}
