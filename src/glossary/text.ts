/**
 * Tokens and folding for term matching.
 *
 * 1. A token is a run of letters, marks, digits and invisible characters (soft hyphen,
 *    zero-width joiners); what separates two tokens decides whether they may belong to
 *    one term: spaces and a single hyphen may, anything else may not.
 * 2. A token's key is its NFC form without invisible characters, in lower case (unless
 *    the entry is case-sensitive), optionally without diacritics (`ł` → `l` too).
 * 3. E-mail addresses and URLs are masked: nothing inside them matches.
 */

/** What stands between a token and the one before it. */
export type Separator = 'start' | 'space' | 'hyphen' | 'other';

/** A token of text with its UTF-16 offsets. */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly before: Separator;
  /** Inside an e-mail address or URL. */
  readonly masked: boolean;
}

/** How keys are folded. */
export interface FoldOptions {
  /** Compare letter case. Default false. */
  readonly caseSensitive?: boolean;
  /** Ignore diacritics (`mlodziez` finds `młodzież`). Default false. */
  readonly ignoreDiacritics?: boolean;
}

const invisible = /[\u00AD\u200B-\u200D\u2060]/g;
const maskPattern = /\b(?:https?|ftp):\/\/[^\s<>"]+|\bwww\.[^\s<>"]+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const wordCharacter = /[\p{L}\p{M}\p{N}]/u;
const spaceCharacter = /\s/u;

/** Letters, marks, digits and the invisible characters that may sit inside a word. */
function isWordCode(code: number, text: string, at: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  if (code === 0xad || (code >= 0x200b && code <= 0x200d) || code === 0x2060) return true;
  if (code >= 0xd800 && code <= 0xdbff) return wordCharacter.test(text.slice(at, at + 2));
  if (code >= 0xdc00 && code <= 0xdfff) return wordCharacter.test(text.slice(at - 1, at + 1));
  return wordCharacter.test(text[at] ?? '');
}

function separatorOf(text: string, from: number, to: number): Separator {
  if (to - from === 1 && text.charCodeAt(from) === 45) return 'hyphen';
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 10 || code === 9 || code === 13 || code === 0xa0) continue;
    if (code < 128 || !spaceCharacter.test(text[i] ?? '')) return 'other';
  }
  return 'space';
}

/**
 * Tokens of a text, with separators and masks; `make` builds each token, so callers that
 * need more per token (keys) build one object, not two.
 */
export function scanTokens<T>(text: string, make: (token: Token) => T): T[] {
  const masks: [number, number][] = [];
  // The mask pattern is costly; most texts have nothing it could match.
  if (text.includes('@') || text.includes('://') || text.includes('www.')) {
    for (const match of text.matchAll(maskPattern)) masks.push([match.index, match.index + match[0].length]);
  }
  const tokens: T[] = [];
  let previousEnd = -1;
  let mask = 0;
  let i = 0;
  while (i < text.length) {
    if (!isWordCode(text.charCodeAt(i), text, i)) {
      i += 1;
      continue;
    }
    const start = i;
    while (i < text.length && isWordCode(text.charCodeAt(i), text, i)) i += 1;
    // A trailing `+` belongs to the word: `EFS+`, `socialfonden+`.
    if (text.charCodeAt(i) === 43) i += 1;
    const end = i;
    while (mask < masks.length && (masks[mask]?.[1] ?? 0) <= start) mask += 1;
    const range = masks[mask];
    const masked = range !== undefined && range[0] < end && start < range[1];
    const before: Separator = previousEnd < 0 ? 'start' : separatorOf(text, previousEnd, start);
    tokens.push(make({ text: text.slice(start, end), start, end, before, masked }));
    previousEnd = end;
  }
  return tokens;
}

/** Tokens of a text, with separators and masks. */
export function tokenize(text: string): Token[] {
  return scanTokens(text, (token) => token);
}

/** Combining marks (NFD text) and invisible characters: only such words need the slow path. */
const needsNormalizing = /[\p{M}\u00AD\u200B-\u200D\u2060]/u;

/** The comparison key of a word. */
export function foldKey(word: string, options: FoldOptions = {}): string {
  // Most words are NFC already and have no invisible characters: skip the work then.
  let key = needsNormalizing.test(word) ? word.normalize('NFC').replace(invisible, '') : word;
  // Plain lower-casing: no language in scope lower-cases differently (Turkish İ aside).
  if (options.caseSensitive !== true) key = key.toLowerCase();
  if (options.ignoreDiacritics === true) key = stripDiacritics(key);
  return key;
}

/** `młodzież` → `mlodziez`: marks removed, and the letters that have no decomposition mapped. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁøØđĐßæÆ]/g, (c) => ({ ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ß: 'ss', æ: 'ae', Æ: 'AE' })[c] ?? c)
    .normalize('NFC');
}

/** Words of a glossary term, with the separators between them. */
export function termWords(term: string): { words: string[]; separators: Separator[] } {
  const tokens = tokenize(term);
  return { words: tokens.map((token) => token.text), separators: tokens.map((token) => token.before) };
}

/** An acronym such as `NEET` or `EFS+`: takes Polish endings after a hyphen (`NEET-ów`). */
export function isAcronym(word: string): boolean {
  return word.length >= 2 && /^[\p{Lu}\p{N}]+$/u.test(word) && /\p{Lu}/u.test(word);
}
