/**
 * A word diff between an old and a new source sentence: what the author changed since a
 * translation was made, so a reviewer mends the translation rather than redoes it.
 *
 * 1. Tokens are words (letters, digits and the marks inside words), runs of whitespace and
 *    single other characters: a changed comma shows as a comma, not as a changed word.
 * 2. The diff is a longest common subsequence of tokens; joining the `same` and `removed`
 *    parts gives the old text, the `same` and `added` parts the new one, always.
 * 3. Adjacent parts of one kind join; a removal comes before the addition that replaces it,
 *    and a space between two changes belongs to both (one change of two words, not two).
 * 4. Sentences are short, but a diff must stay cheap whatever comes: the common start and
 *    end are taken off first, and a middle too large for the table is one removal and one
 *    addition.
 */
import type { DiffPart } from './api.js';

/** Most cells of the LCS table (tokens × tokens of the changed middle). */
const maxCells = 4_000_000;

const tokenPattern = /[\p{L}\p{N}\p{M}_'’-]+|\s+|[^]/gu;

/** The tokens of a text (principle 1). */
export function wordTokens(text: string): string[] {
  return text.match(tokenPattern) ?? [];
}

/** The word diff `before` → `after` (plain texts). */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = wordTokens(before);
  const b = wordTokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string): void => {
    if (text === '') return;
    const last = parts.at(-1);
    if (last?.op === op) parts[parts.length - 1] = { op, text: last.text + text };
    else parts.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  for (const part of grouped(middleDiff(a.slice(start, endA), b.slice(start, endB)))) push(part.op, part.text);
  push('same', a.slice(endA).join(''));
  return parts;
}

/**
 * Changes as a reader takes them in: a space left between two changes belongs to both
 * (`31 marca` → `6 kwietnia` is one change, not two around a kept space), and each run of
 * changes is one removal, then one addition.
 */
function grouped(parts: readonly DiffPart[]): DiffPart[] {
  const out = new ChangeRuns();
  for (const [index, part] of parts.entries()) {
    const between = part.op === 'same' && /^\s+$/.test(part.text) && out.open && parts[index + 1] !== undefined && parts[index + 1]?.op !== 'same';
    if (part.op === 'same' && !between) out.same(part.text);
    else if (part.op === 'same') {
      out.remove(part.text);
      out.add(part.text);
    } else if (part.op === 'removed') out.remove(part.text);
    else out.add(part.text);
  }
  return out.finish();
}

/** Diff parts as they are made: removed and added text gathered until the next kept text, then one removal and one addition. */
class ChangeRuns {
  readonly #out: DiffPart[] = [];
  #removed = '';
  #added = '';

  /** A change is being gathered. */
  get open(): boolean {
    return this.#removed !== '' || this.#added !== '';
  }

  same(text: string): void {
    this.#flush();
    this.#out.push({ op: 'same', text });
  }

  remove(text: string): void {
    this.#removed += text;
  }

  add(text: string): void {
    this.#added += text;
  }

  finish(): DiffPart[] {
    this.#flush();
    return this.#out;
  }

  #flush(): void {
    if (this.#removed !== '') this.#out.push({ op: 'removed', text: this.#removed });
    if (this.#added !== '') this.#out.push({ op: 'added', text: this.#added });
    this.#removed = '';
    this.#added = '';
  }
}

/** The diff of two token lists with nothing in common at either end. */
function middleDiff(a: readonly string[], b: readonly string[]): DiffPart[] {
  if (a.length === 0 || b.length === 0 || (a.length + 1) * (b.length + 1) > maxCells) {
    return [
      { op: 'removed', text: a.join('') },
      { op: 'added', text: b.join('') },
    ];
  }
  // lengths[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] = a[i] === b[j] ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const out = new ChangeRuns();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.same(a[i] ?? '');
      i += 1;
      j += 1;
    } else if (j >= b.length || (i < a.length && (lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0))) {
      out.remove(a[i] ?? '');
      i += 1;
    } else {
      out.add(b[j] ?? '');
      j += 1;
    }
  }
  return out.finish();
}
