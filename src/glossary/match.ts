/**
 * Finding glossary terms in text.
 *
 * 1. Each word of a term accepts any of its forms; the words must follow each other
 *    separated only by spaces (or the hyphen the term itself has).
 * 2. Longest match wins, leftmost first; hits never overlap, so `Gdańskiego Urzędu Pracy`
 *    is one hit, not also `Urzędu Pracy`.
 * 3. An acronym takes a Polish ending after a hyphen: `NEET-ów` is a hit for `NEET`.
 * 4. Nothing inside an e-mail address or URL matches.
 */
import { foldKey, isAcronym, scanTokens, type FoldOptions, type Separator, type Token } from './text.js';

/** A word of a compiled term: the forms it accepts. */
export interface CompiledWord {
  /** Every form, as the dictionary writes it. */
  readonly forms: readonly string[];
  /** Fallback for languages without a dictionary: tokens starting with this match. */
  readonly stem?: string;
  readonly isAcronym: boolean;
}

/** A term ready for matching. */
export interface CompiledTerm {
  readonly entryId: string;
  /** The term as the glossary writes it. */
  readonly term: string;
  readonly words: readonly CompiledWord[];
  /** Separator before each word (index 0 unused). */
  readonly separators: readonly Separator[];
  readonly caseSensitive: boolean;
}

/** A term found in text. */
export interface TermHit {
  /** The glossary's term as written. */
  readonly term: string;
  /** The text as found. */
  readonly text: string;
  /** UTF-16 offsets. */
  readonly start: number;
  readonly end: number;
  readonly entryId: string;
}

interface IndexedWord {
  readonly keys: ReadonlySet<string>;
  readonly stem: string | undefined;
  readonly isAcronym: boolean;
}

interface IndexedTerm {
  readonly source: CompiledTerm;
  readonly words: readonly IndexedWord[];
  readonly fold: FoldOptions;
}

/** Compiled terms indexed by the forms of their first word. */
export class TermIndex {
  readonly #byFirstKey = new Map<string, IndexedTerm[]>();
  readonly #byStem: IndexedTerm[] = [];
  readonly #fold: FoldOptions;
  readonly #hasCaseSensitive: boolean;

  constructor(terms: readonly CompiledTerm[], fold: FoldOptions = {}) {
    this.#fold = fold;
    this.#hasCaseSensitive = terms.some((term) => term.caseSensitive);
    // Words shared by many terms (`zawodowy`, `pracy`) are folded once.
    const folded = new Map<string, IndexedWord>();
    const indexWord = (word: CompiledWord, termFold: FoldOptions): IndexedWord => {
      const id = `${termFold.caseSensitive === true ? 1 : 0}\u0000${word.stem ?? ''}\u0000${word.forms.join('\u0000')}`;
      let indexed = folded.get(id);
      if (indexed === undefined) {
        indexed = {
          keys: new Set(word.forms.map((form) => foldKey(form, termFold))),
          stem: word.stem === undefined ? undefined : foldKey(word.stem, termFold),
          isAcronym: word.isAcronym,
        };
        folded.set(id, indexed);
      }
      return indexed;
    };
    for (const term of terms) {
      const termFold: FoldOptions = { ...fold, caseSensitive: term.caseSensitive };
      const words = term.words.map((word) => indexWord(word, termFold));
      const indexed: IndexedTerm = { source: term, words, fold: termFold };
      const first = words[0];
      if (first === undefined) continue;
      if (first.stem !== undefined) this.#byStem.push(indexed);
      for (const key of first.keys) {
        const list = this.#byFirstKey.get(key);
        if (list === undefined) this.#byFirstKey.set(key, [indexed]);
        else if (!list.includes(indexed)) list.push(indexed);
      }
    }
  }

  /** Number of terms. */
  get size(): number {
    const all = new Set<IndexedTerm>(this.#byStem);
    for (const list of this.#byFirstKey.values()) for (const term of list) all.add(term);
    return all.size;
  }

  /**
   * Every place any term matches, overlapping ones included: for checks that ask
   * "is this term anywhere?" rather than "what are the terms of this text?".
   */
  matchAll(text: string): TermHit[] {
    const tokens = this.#keyed(text);
    const hits: TermHit[] = [];
    tokens.forEach((first, at) => {
      if (first.masked) return;
      for (const term of this.#candidates(first)) {
        const next = matchTermAt(term, tokens, at);
        const last = next === undefined ? undefined : tokens[next - 1];
        if (last === undefined) continue;
        hits.push({ term: term.source.term, text: text.slice(first.start, last.end), start: first.start, end: last.end, entryId: term.source.entryId });
      }
    });
    return hits;
  }

  /** Hits in `text`, leftmost-longest, not overlapping. */
  match(text: string): TermHit[] {
    const tokens = this.#keyed(text);
    const hits: TermHit[] = [];
    let i = 0;
    while (i < tokens.length) {
      const best = this.#longestAt(tokens, i);
      if (best === undefined) {
        i += 1;
        continue;
      }
      const first = tokens[i];
      const last = tokens[best.next - 1];
      if (first !== undefined && last !== undefined) {
        hits.push({ term: best.term.source.term, text: text.slice(first.start, last.end), start: first.start, end: last.end, entryId: best.term.source.entryId });
      }
      i = best.next;
    }
    return hits;
  }

  /** Tokens with their keys, folded once per text. */
  #keyed(text: string): KeyedToken[] {
    const sensitive: FoldOptions = { ...this.#fold, caseSensitive: true };
    return scanTokens(text, (token) => {
      const key = foldKey(token.text, this.#fold);
      const keyed = token as KeyedToken & { key: string; exactKey: string };
      keyed.key = key;
      keyed.exactKey = this.#hasCaseSensitive ? foldKey(token.text, sensitive) : key;
      return keyed;
    });
  }

  #candidates(token: KeyedToken): IndexedTerm[] {
    const keys = token.exactKey === token.key ? [token.key] : [token.key, token.exactKey];
    const found: IndexedTerm[] = [];
    for (const key of keys) {
      for (const term of this.#byFirstKey.get(key) ?? []) found.push(term);
      if (key.endsWith('s')) for (const term of this.#byFirstKey.get(key.slice(0, -1)) ?? []) if (term.words[0]?.isAcronym === true) found.push(term);
    }
    if (this.#byStem.length > 0) {
      const key = token.key;
      for (const term of this.#byStem) if (term.words[0]?.stem !== undefined && key.startsWith(term.words[0].stem)) found.push(term);
    }
    return found;
  }

  #longestAt(tokens: readonly KeyedToken[], at: number): { term: IndexedTerm; next: number; length: number } | undefined {
    const start = tokens[at];
    if (start === undefined || start.masked) return undefined;
    let best: { term: IndexedTerm; next: number; length: number } | undefined;
    for (const term of this.#candidates(start)) {
      const next = matchTermAt(term, tokens, at);
      if (next === undefined) continue;
      const length = (tokens[next - 1]?.end ?? 0) - start.start;
      if (best === undefined || next > best.next || (next === best.next && length > best.length)) best = { term, next, length };
    }
    return best;
  }
}

/** A token and its keys: folded as the index folds, and with letter case kept. */
interface KeyedToken extends Token {
  readonly key: string;
  readonly exactKey: string;
}

/** Index after the match of `term` at token `at`, or undefined. */
function matchTermAt(term: IndexedTerm, tokens: readonly KeyedToken[], at: number): number | undefined {
  let index = at;
  for (let w = 0; w < term.words.length; w++) {
    const word = term.words[w];
    const token = tokens[index];
    if (word === undefined || token === undefined || token.masked) return undefined;
    // A space in the term also accepts a hyphen in the text (`labour-market integration`).
    if (w > 0 && token.before !== term.source.separators[w] && !(token.before === 'hyphen' && term.source.separators[w] === 'space')) return undefined;
    const key = term.source.caseSensitive ? token.exactKey : token.key;
    const isMatch =
      word.keys.has(key) ||
      (word.stem !== undefined && key.startsWith(word.stem)) ||
      // An acronym's plural in English and its neighbours: `NGOs`, `NEETs`.
      (word.isAcronym && key.endsWith('s') && word.keys.has(key.slice(0, -1)));
    if (!isMatch) return undefined;
    index += 1;
    // `NEET-ów`: a hyphen and a lower-case ending belong to the acronym.
    const ending = tokens[index];
    if (word.isAcronym && ending !== undefined && ending.before === 'hyphen' && /^\p{Ll}{1,5}$/u.test(ending.text) && !ending.masked) {
      if (term.source.separators[w + 1] !== 'hyphen') index += 1;
    }
  }
  return index;
}

export { isAcronym };
