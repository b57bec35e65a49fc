/**
 * The language-independent sentence scanner.
 *
 * One pass over the text: a precompiled regex jumps from one candidate (a terminator or a
 * line break) to the next, and each candidate is decided by looking at a few characters on
 * either side. Nothing is re-scanned except the word before a full stop and, for a few
 * Polish abbreviations, at most 120 characters of the current sentence, so the cost is
 * linear in the length of the text.
 */

import {
  CharClass,
  classOf,
  isCloser,
  isFullStop,
  isLetter,
  isLineBreak,
  isNoBreakSpace,
  isOpener,
  isPlaceholder,
  isSpace,
  isTerminator,
  isWordChar,
} from './chars.js';
import { foldToken, type LanguageRules, type NextStart, type PeriodContext, type Verdict } from './rules.js';

/**
 * A sentence as UTF-16 offsets into the segmented text: `text.slice(start, end)` is the
 * sentence without leading or trailing whitespace.
 */
export type SentenceSpan = { readonly start: number; readonly end: number };

/** Terminators and line breaks: the only places where a decision is needed. */
const CANDIDATE = /[.!?\u2026\u203c\u2047-\u2049\u3002\uff01\uff0e\uff1f\n\r\u2028\u2029]/g;

const FULL_STOP = 0x2e;
const PARAGRAPH_SEPARATOR = 0x2029;

/** Splits `text` into sentence spans following `rules`. */
export function scanSentences(text: string, rules: LanguageRules): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const length = text.length;
  let start = skipSpace(text, 0);
  // Whether text[start, contentScan) holds a letter or placeholder: a sentence needs one.
  let hasContent = false;
  let contentScan = start;

  const re = CANDIDATE;
  re.lastIndex = start;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    const at = match.index;
    const code = text.charCodeAt(at);

    if (isLineBreak(code) || code === PARAGRAPH_SEPARATOR) {
      let after = at;
      let breaks = 0;
      let isParagraphBreak = false;
      while (after < length) {
        const c = text.charCodeAt(after);
        if (!isSpace(c)) break;
        if (c === 0x0a || c === 0x2028 || (c === 0x0d && text.charCodeAt(after + 1) !== 0x0a)) breaks++;
        else if (c === PARAGRAPH_SEPARATOR) isParagraphBreak = true;
        after++;
      }
      if (breaks >= 2 || isParagraphBreak) {
        const end = trimEnd(text, start, at);
        if (end > start) spans.push({ start, end });
        start = after;
        hasContent = false;
        contentScan = start;
      }
      re.lastIndex = after;
      continue;
    }

    let runEnd = at + 1;
    while (runEnd < length && isTerminator(text.charCodeAt(runEnd))) runEnd++;
    let end = runEnd;
    while (end < length) {
      const c = text.charCodeAt(end);
      if (!isCloser(c) && !isPlaceholder(c)) break;
      end++;
    }
    re.lastIndex = end;
    if (end >= length) break;
    const following = text.charCodeAt(end);
    if (!isSpace(following) || isNoBreakSpace(following)) continue;

    if (decide(text, start, at, runEnd, end, rules) === 'join') continue;
    if (!hasContent) {
      while (contentScan < at) {
        const c = text.charCodeAt(contentScan++);
        if (isLetter(c) || isPlaceholder(c)) {
          hasContent = true;
          break;
        }
      }
      if (!hasContent) continue;
    }
    spans.push({ start, end });
    start = skipSpace(text, end);
    hasContent = false;
    contentScan = start;
    re.lastIndex = start;
  }

  const end = trimEnd(text, start, length);
  if (end > start) spans.push({ start, end });
  return spans;
}

/**
 * Decides a candidate: terminators `text[at, runEnd)`, closers up to `end`, whitespace at
 * `end`. `start` is where the current sentence starts.
 */
function decide(text: string, start: number, at: number, runEnd: number, end: number, rules: LanguageRules): Verdict {
  const next = classifyNext(text, end);
  if (next === 'lower' || next === 'end') return 'join';

  if (runEnd - at > 1 || !isFullStop(text.charCodeAt(at))) {
    // `?`, `!`, `?!`, `...`, `…`: a sentence end unless lowercase follows; an omission mark
    // in brackets, `(…)` or `[...]`, is never one.
    if (at > 0 && runEnd < text.length) {
      const before = text.charCodeAt(at - 1);
      const after = text.charCodeAt(runEnd);
      if ((before === 0x28 || before === 0x5b) && (after === 0x29 || after === 0x5d)) return 'join';
    }
    return 'split';
  }

  let tokenStart = at;
  while (tokenStart > start) {
    const c = text.charCodeAt(tokenStart - 1);
    if (!isWordChar(c) && c !== FULL_STOP) break;
    tokenStart--;
  }
  while (tokenStart < at && text.charCodeAt(tokenStart) === FULL_STOP) tokenStart++;
  if (tokenStart === at) return plain(next);
  if (tokenStart > 0 && isGlue(text.charCodeAt(tokenStart - 1))) return plain(next);

  const token = text.slice(tokenStart, at);
  const firstClass = classOf(token.charCodeAt(0));
  if (firstClass === CharClass.Digit) {
    if (rules.ordinalBeforeCapital && next === 'upper' && token.length <= 3 && isDigits(token)) return 'join';
    return plain(next);
  }

  const key = token.length <= keyLengthLimit(rules) ? foldToken(token) : '';
  const isUnit = rules.units.has(key);
  const isNonFinal = rules.nonFinal.has(key);
  const isAmbiguous = rules.ambiguous.has(key);
  if (isUnit || isNonFinal || isAmbiguous) {
    const context = new Period(text, start, tokenStart, end, token, key, next);
    if (rules.refine !== undefined) {
      const verdict = rules.refine(context);
      if (verdict !== undefined) return verdict;
    }
    if (isUnit && isNumber(context.previousWord())) return ambiguous(next);
    return isNonFinal ? 'join' : ambiguous(next);
  }
  if (rules.nonFinalSuffixes.length > 0 && hasNonFinalSuffix(token, rules.nonFinalSuffixes)) return 'join';
  if (next === 'upper' && isInitials(token)) {
    if (rules.labelNouns.length === 0) return 'join';
    const context = new Period(text, start, tokenStart, end, token, key, next);
    if (!isLabelNoun(context.previousWord(), rules.labelNouns)) return 'join';
  }
  return plain(next);
}

const keyLengthLimits = new WeakMap<LanguageRules, number>();

/** The length of the longest key in `rules`: longer tokens are never looked up. */
function keyLengthLimit(rules: LanguageRules): number {
  let limit = keyLengthLimits.get(rules);
  if (limit === undefined) {
    limit = 0;
    for (const set of [rules.nonFinal, rules.ambiguous, rules.units]) for (const key of set) limit = Math.max(limit, key.length);
    keyLengthLimits.set(rules, limit);
  }
  return limit;
}

/** Whether `token` is longer than one of `suffixes` and ends with it (case-insensitive). */
function hasNonFinalSuffix(token: string, suffixes: readonly string[]): boolean {
  if (token.includes('.')) return false;
  const lower = token.toLowerCase();
  return suffixes.some((suffix) => lower.length > suffix.length && lower.endsWith(suffix));
}

/** After an ordinary word: the sentence ends unless lowercase follows. */
function plain(next: NextStart): Verdict {
  return next === 'lower' || next === 'end' ? 'join' : 'split';
}

/** After an ambiguous abbreviation: the sentence ends only before a sentence start. */
function ambiguous(next: NextStart): Verdict {
  return next === 'upper' || next === 'code' ? 'split' : 'join';
}

/**
 * Characters that glue a token to a URL, an e-mail address, a path or a possessive
 * (`gup.gda.pl/np.`, `biuro@ul.pl.`, `McDonald's.`): such a token is never an abbreviation.
 */
function isGlue(code: number): boolean {
  return (
    code === 0x2f || // /
    code === 0x5c || // \
    code === 0x40 || // @
    code === 0x3a || // :
    code === 0x5f || // _
    code === 0x3d || // =
    code === 0x23 || // #
    code === 0x7e || // ~
    code === 0x26 || // &
    code === 0x27 || // '
    code === 0x2019 // ’
  );
}

/** How the text after a candidate starts (see {@link NextStart}). */
function classifyNext(text: string, from: number): NextStart {
  const length = text.length;
  let at = from;
  while (at < length && isSpace(text.charCodeAt(at))) at++;
  let sawPlaceholder = false;
  while (at < length) {
    const c = text.charCodeAt(at);
    if (isPlaceholder(c)) sawPlaceholder = true;
    else if (isSpace(c)) {
      // `– powiedział`: a dash may stand apart; a placeholder alone is a word.
      if (sawPlaceholder) return 'code';
    } else if (!isOpener(c)) break;
    at++;
  }
  if (at >= length) return sawPlaceholder ? 'code' : 'end';
  switch (classOf(text.charCodeAt(at))) {
    case CharClass.Lower:
      return 'lower';
    case CharClass.Upper:
    case CharClass.Caseless:
      return 'upper';
    case CharClass.Digit:
      return 'digit';
    default:
      return sawPlaceholder ? 'code' : 'other';
  }
}

/** The lazily computed view of a full stop after a word, handed to language hooks. */
class Period implements PeriodContext {
  readonly #text: string;
  readonly #sentenceStart: number;
  readonly #tokenStart: number;
  readonly #after: number;
  #previous: string | undefined;
  readonly token: string;
  readonly key: string;
  readonly next: NextStart;

  constructor(
    text: string,
    sentenceStart: number,
    tokenStart: number,
    after: number,
    token: string,
    key: string,
    next: NextStart,
  ) {
    this.#text = text;
    this.#sentenceStart = sentenceStart;
    this.#tokenStart = tokenStart;
    this.#after = after;
    this.token = token;
    this.key = key;
    this.next = next;
  }

  previousWord(): string {
    if (this.#previous !== undefined) return this.#previous;
    const text = this.#text;
    const floor = this.#sentenceStart;
    let at = this.#tokenStart;
    while (at > floor && isSpace(text.charCodeAt(at - 1))) at--;
    while (at > floor && isPlaceholder(text.charCodeAt(at - 1))) at--;
    if (at > floor && text.charCodeAt(at - 1) === FULL_STOP) at--;
    const wordEnd = at;
    while (at > floor) {
      const c = text.charCodeAt(at - 1);
      if (!isWordChar(c) && c !== FULL_STOP) break;
      at--;
    }
    while (at < wordEnd && text.charCodeAt(at) === FULL_STOP) at++;
    this.#previous = text.slice(at, wordEnd);
    return this.#previous;
  }

  nextWord(): string {
    const text = this.#text;
    const length = text.length;
    let at = this.#after;
    while (at < length) {
      const c = text.charCodeAt(at);
      if (!isSpace(c) && !isOpener(c) && !isPlaceholder(c)) break;
      at++;
    }
    const wordStart = at;
    while (at < length && isLetter(text.charCodeAt(at))) at++;
    return text.slice(wordStart, at);
  }

  sentenceBefore(limit = 120): string | undefined {
    if (this.#tokenStart - this.#sentenceStart > limit) return undefined;
    return this.#text.slice(this.#sentenceStart, this.#tokenStart);
  }
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

function trimEnd(text: string, start: number, end: number): number {
  let at = end;
  while (at > start && isSpace(text.charCodeAt(at - 1))) at--;
  return at;
}

function isDigits(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return token.length > 0;
}

/** A number as a word: digits, possibly with inner separators (`2018`, `1.5`, `12–14`). */
function isNumber(word: string): boolean {
  return word.length > 0 && classOf(word.charCodeAt(0)) === CharClass.Digit && classOf(word.charCodeAt(word.length - 1)) === CharClass.Digit;
}

/** One capital letter, or several joined by full stops (`J`, `J.R.R`). */
function isInitials(token: string): boolean {
  for (let i = 0; i < token.length; i += 2) {
    if (classOf(token.charCodeAt(i)) !== CharClass.Upper) return false;
    if (i + 1 < token.length && token.charCodeAt(i + 1) !== FULL_STOP) return false;
  }
  return true;
}

function isLabelNoun(word: string, stems: readonly string[]): boolean {
  if (word.length === 0) return false;
  const lower = word.toLowerCase();
  for (const stem of stems) if (lower.startsWith(stem)) return true;
  return false;
}
