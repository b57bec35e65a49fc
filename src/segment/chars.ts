/**
 * Character classes used by the sentence scanner.
 *
 * Every test here works on one UTF-16 code unit and answers from a lookup table:
 * ASCII is precomputed, every other BMP code unit is classified once (with a Unicode
 * property regex compiled at module load) and memoised, so the scanner never compiles or
 * runs a regex per character. Astral code points (surrogate pairs) count as `other`; they
 * are emoji and rare scripts, which never decide a sentence boundary here.
 */

/** Classes of one UTF-16 code unit (see {@link classOf}). */
export const CharClass = {
  /** Whitespace as JavaScript `\s` understands it (includes no-break spaces). */
  Space: 1,
  /** A lowercase letter (`\p{Ll}`). */
  Lower: 2,
  /** An uppercase or titlecase letter (`\p{Lu}`, `\p{Lt}`). */
  Upper: 3,
  /** A letter without case or a combining mark (`\p{Lo}`, `\p{Lm}`, `\p{M}`). */
  Caseless: 4,
  /** A digit or other number (`\p{N}`). */
  Digit: 5,
  /** A Private Use Area character: an inline-markup placeholder set by the caller. */
  Placeholder: 6,
  /** Anything else: punctuation, symbols, surrogates. */
  Other: 7,
} as const;

/** One of the {@link CharClass} values. */
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const table = new Uint8Array(0x10000);

const SPACE = /^\s$/u;
const LOWER = /^\p{Ll}$/u;
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const CASELESS = /^[\p{Lo}\p{Lm}\p{M}]$/u;
const NUMBER = /^\p{N}$/u;

function computeClass(code: number): CharClass {
  if (code >= 0xe000 && code <= 0xf8ff) return CharClass.Placeholder;
  if (code >= 0xd800 && code <= 0xdfff) return CharClass.Other;
  const ch = String.fromCharCode(code);
  if (SPACE.test(ch)) return CharClass.Space;
  if (LOWER.test(ch)) return CharClass.Lower;
  if (UPPER.test(ch)) return CharClass.Upper;
  if (CASELESS.test(ch)) return CharClass.Caseless;
  if (NUMBER.test(ch)) return CharClass.Digit;
  return CharClass.Other;
}

for (let code = 0; code < 0x80; code++) table[code] = computeClass(code);

/** Class of the UTF-16 code unit `code`. */
export function classOf(code: number): CharClass {
  let cls = table[code];
  if (cls === undefined) return CharClass.Other;
  if (cls === 0) {
    cls = computeClass(code);
    table[code] = cls;
  }
  return cls as CharClass;
}

/** Whether `code` is whitespace (JavaScript `\s`). */
export function isSpace(code: number): boolean {
  return classOf(code) === CharClass.Space;
}

/**
 * Whether `code` is a space that binds its neighbours: an author who typed a no-break space
 * after a full stop (`r.\u00A0Wówczas`) did not want a break there.
 */
export function isNoBreakSpace(code: number): boolean {
  return code === 0x00a0 || code === 0x2007 || code === 0x202f || code === 0xfeff;
}

/** Whether `code` is a line break that counts towards a blank line. */
export function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028;
}

/** Whether `code` is a letter, mark or digit: part of a word. */
export function isWordChar(code: number): boolean {
  const cls = classOf(code);
  return cls === CharClass.Lower || cls === CharClass.Upper || cls === CharClass.Caseless || cls === CharClass.Digit;
}

/** Whether `code` is a letter or combining mark (not a digit). */
export function isLetter(code: number): boolean {
  const cls = classOf(code);
  return cls === CharClass.Lower || cls === CharClass.Upper || cls === CharClass.Caseless;
}

/** Whether `code` is a Private Use Area placeholder (U+E000..U+F8FF). */
export function isPlaceholder(code: number): boolean {
  return code >= 0xe000 && code <= 0xf8ff;
}

/** Whether `code` is an ASCII digit 0–9. */
export function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Sentence-final punctuation: `.` `!` `?` `…` and the fullwidth/Arabic/ideographic forms. */
export function isTerminator(code: number): boolean {
  return (
    code === 0x2e || // .
    code === 0x21 || // !
    code === 0x3f || // ?
    code === 0x2026 || // …
    code === 0x203c || // ‼
    code === 0x2047 || // ⁇
    code === 0x2048 || // ⁈
    code === 0x2049 || // ⁉
    code === 0x3002 || // 。
    code === 0xff01 || // ！
    code === 0xff0e || // ．
    code === 0xff1f // ？
  );
}

/** Whether a terminator is a full stop (as opposed to `!`, `?`, `…`). */
export function isFullStop(code: number): boolean {
  return code === 0x2e || code === 0xff0e || code === 0x3002;
}

/**
 * Characters that close a quotation or bracket and stay with the sentence they follow:
 * `”` `"` `»` `«` `’` `'` `›` `‹` `)` `]` `}` and their fullwidth forms.
 */
export function isCloser(code: number): boolean {
  return (
    code === 0x22 || // "
    code === 0x27 || // '
    code === 0x29 || // )
    code === 0x5d || // ]
    code === 0x7d || // }
    code === 0xbb || // »
    code === 0xab || // « (closing in Danish/Norwegian-style »…« quoting)
    code === 0x2019 || // ’
    code === 0x201d || // ”
    code === 0x201c || // “ (closing in German „…“)
    code === 0x2018 || // ‘ (closing in German ‚…‘)
    code === 0x203a || // ›
    code === 0x2039 || // ‹
    code === 0xff09 || // ）
    code === 0xff3d || // ］
    code === 0x300d || // 」
    code === 0x300f // 』
  );
}

/**
 * Characters that may precede the first word of a sentence and are looked past when
 * deciding how the next sentence starts: opening quotes and brackets, dashes of dialogue
 * and attribution (`– powiedział`), inverted Spanish marks.
 */
export function isOpener(code: number): boolean {
  return (
    code === 0x22 || // "
    code === 0x27 || // '
    code === 0x28 || // (
    code === 0x5b || // [
    code === 0x7b || // {
    code === 0x2d || // -
    code === 0xab || // «
    code === 0xbb || // »
    code === 0x201e || // „
    code === 0x201a || // ‚
    code === 0x201c || // “
    code === 0x2018 || // ‘
    code === 0x201d || // ” (opening in Swedish/Finnish ”…”)
    code === 0x2019 || // ’
    code === 0x2039 || // ‹
    code === 0x203a || // ›
    code === 0x2010 || // ‐
    code === 0x2012 || // ‒
    code === 0x2013 || // –
    code === 0x2014 || // —
    code === 0x2015 || // ―
    code === 0x2212 || // −
    code === 0xa1 || // ¡
    code === 0xbf || // ¿
    code === 0xff08 || // （
    code === 0x300c || // 「
    code === 0x300e // 『
  );
}
