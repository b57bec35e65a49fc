/** Word counts as translators make them, without the parser (`status` counts without loading it). */
const wordChar = /[\p{L}\p{N}]/u;
const wordInner = /[\p{L}\p{N}\p{M}'’.-]/u;

/** What each UTF-16 code unit beyond ASCII is, learnt when first met: 0 not yet, then one of these. */
const neither = 1;
const innerOnly = 2;
const starts = 3;
const kinds = new Uint8Array(0x10000);

function kindOf(code: number): number {
  let kind = kinds[code] ?? neither;
  if (kind === 0) {
    // A lone surrogate matches neither class, as the regular expressions read `text[i]`.
    const character = String.fromCharCode(code);
    kind = wordChar.test(character) ? starts : wordInner.test(character) ? innerOnly : neither;
    kinds[code] = kind;
  }
  return kind;
}

/** Words as translators count them: runs of letters and digits (apostrophes, dots, hyphens inside). */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII decided here; other characters by their Unicode classes, looked up once each.
    const kind = code < 128 ? ((code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122) ? starts : code === 39 || code === 46 || code === 45 ? innerOnly : neither) : kindOf(code);
    if (inWord) {
      if (kind !== neither) continue;
      inWord = false;
    } else if (kind === starts) {
      inWord = true;
      count += 1;
    }
  }
  return count;
}
