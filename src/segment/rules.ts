import { CharClass, classOf } from './chars.js';

/**
 * The shape of a language's segmentation rules.
 *
 * A rule set only answers one question: after a full stop that follows a word, does the
 * sentence end? Everything else (what counts as a terminator, quotes, placeholders, blank
 * lines, lowercase continuation) is the same in every language and lives in the scanner.
 */

/** What the scanner should do at a candidate boundary. */
export type Verdict = 'split' | 'join';

/**
 * How the text after a candidate boundary starts, looking past whitespace, opening quotes,
 * brackets, dashes and inline-markup placeholders.
 *
 * - `lower`: a lowercase letter: the sentence goes on.
 * - `upper`: an uppercase letter or a letter without case.
 * - `digit`: a number.
 * - `code`: only placeholders before the next space or punctuation: a standalone inline code
 *   (`npm`), which may start a sentence like a capitalised word.
 * - `other`: punctuation or a symbol (`§`, `+48`, `#tag`).
 * - `end`: nothing but whitespace follows.
 */
export type NextStart = 'lower' | 'upper' | 'digit' | 'code' | 'other' | 'end';

/**
 * What a language hook may ask about a full stop that follows a known abbreviation.
 * Accessors are lazy: a hook pays only for what it reads.
 */
export type PeriodContext = {
  /** The token before the full stop, as written (`m.in`, `r`, `Sp`). */
  readonly token: string;
  /** The lookup key of the token (see {@link foldToken}). */
  readonly key: string;
  /** How the following text starts. */
  readonly next: NextStart;
  /** The word before the token (its own final full stop removed), or `''`. */
  previousWord(): string;
  /** The first word after the candidate boundary (letters only), or `''`. */
  nextWord(): string;
  /**
   * The current sentence from its start up to (not including) the token, or `undefined`
   * when it is longer than `limit` characters (default 120).
   */
  sentenceBefore(limit?: number): string | undefined;
};

/** The segmentation rules of one language. */
export type LanguageRules = {
  /** Primary language subtag (`pl`, `en`) or `und` for the generic rules. */
  readonly code: string;
  /**
   * Abbreviations after which a sentence never ends, as lookup keys: lowercase, without the
   * final full stop, inner full stops kept (`np`, `m.in`, `sp`, `z.b`).
   */
  readonly nonFinal: ReadonlySet<string>;
  /**
   * Abbreviations that end a sentence only when a sentence start follows: a capital letter or
   * a standalone inline code; never before a digit or lowercase.
   */
  readonly ambiguous: ReadonlySet<string>;
  /**
   * Units and quantities that are non-final before a number (`godz. 10.00`, `pkt 3`) but
   * ambiguous after one (`trwa 3 godz. Potem`). A key here must also be in `nonFinal` or
   * `ambiguous`, which decides the case without a number before it.
   */
  readonly units: ReadonlySet<string>;
  /**
   * Endings that make any longer token a non-final abbreviation (`str` for German street
   * names such as `Hauptstr.`), compared with the lookup key.
   */
  readonly nonFinalSuffixes: readonly string[];
  /**
   * Lowercase stems of nouns that take a one-letter label (`budynek B`, `załącznik A`,
   * `Appendix C`): after them a capital letter and a full stop end the sentence instead of
   * being read as a person's initial.
   */
  readonly labelNouns: readonly string[];
  /**
   * Whether a number of one to three digits with a full stop before a capitalised word is an
   * ordinal (`am 3. Oktober`, German nouns are capitalised) rather than a sentence end.
   */
  readonly ordinalBeforeCapital: boolean;
  /**
   * A language's own reading of a known abbreviation (a key of `nonFinal`, `ambiguous` or
   * `units`), asked before the generic tables; `undefined` defers to them.
   */
  readonly refine?: (context: PeriodContext) => Verdict | undefined;
};

/**
 * The lookup key of a token: lowercase when the token is lowercase, capitalised
 * (`Np`, `Sp`), or dotted (`M.in`, `U.S`, `S.A`); as written otherwise (`OK`, `ONZ`), so an
 * all-caps acronym is not mistaken for an abbreviation. One-letter tokens keep their case:
 * `W.` is an initial, `w.` is "wiek".
 */
export function foldToken(token: string): string {
  if (token.length <= 1) return token;
  if (token.includes('.')) return token.toLowerCase();
  let uppers = 0;
  for (let i = 0; i < token.length; i++) {
    if (classOf(token.charCodeAt(i)) === CharClass.Upper && ++uppers > 1) return token;
  }
  return uppers === 0 ? token : token.toLowerCase();
}

/** Builds a lookup set from a space-separated list of keys. */
export function keySet(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/u).filter((key) => key.length > 0));
}
