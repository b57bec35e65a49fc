/** Word counts as translators make them, without the parser (`status` counts without loading it). */
const wordChar = /[\p{L}\p{N}]/u;
const wordInner = /[\p{L}\p{N}\p{M}'’.-]/u;

/** Words as translators count them: runs of letters and digits (apostrophes, dots, hyphens inside). */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII fast path; other characters go through the Unicode classes.
    const isStart = code < 128 ? (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122) : wordChar.test(text[i] ?? '');
    if (inWord) {
      if (isStart || (code < 128 ? code === 39 || code === 46 || code === 45 : wordInner.test(text[i] ?? ''))) continue;
      inWord = false;
    } else if (isStart) {
      inWord = true;
      count += 1;
    }
  }
  return count;
}
