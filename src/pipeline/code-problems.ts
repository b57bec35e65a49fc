/**
 * What is wrong with the inline codes of a translator's target, code by code, in words a
 * translator can act on ("the link around ‘Gdańskich Targów Pracy’ is missing") rather
 * than "the codes do not match".
 *
 * 1. The rule is `readTarget`'s (markdown/tagged): a target is well formed and has each code
 *    of its source exactly as often, in the same form (a pair around text, or a single tag).
 *    This module finds no problem exactly when `readTarget` accepts the target.
 * 2. A code is named as the translator knows it: its kind from the segment's code table, and
 *    the source text a paired code encloses, or the display text of a standalone one.
 * 3. A target whose markup cannot be read (an unknown or unbalanced tag) has that one problem:
 *    its codes cannot be counted, so they are not compared.
 * 4. Texts are plain, on one line and shortened (`shortened`), for one-line messages.
 */
import { parseTagged, plainText, type Run } from '../markdown/tagged.js';
import type { CodeKind } from '../markdown/types.js';
import type { StoreCode } from '../formats/types.js';

/** One inline code of a segment, as a translator can find it. */
export interface NamedCode {
  /** Its local id: `<pc id="n">`/`<ph id="n"/>` in tagged text and PO, `<g id="n">`/`<x id="n"/>` in XLIFF 1.2. */
  readonly id: number;
  /** Its kind from the segment's code table; absent for an id the source does not have. */
  readonly kind?: CodeKind;
  /**
   * What it shows: the source text a paired code encloses (else its display text), the
   * display text of a standalone one (`logo.png`, `npm ci`); '' when there is nothing worth
   * showing (a line break, a bold span around nothing). At most `codeTextLength` characters.
   */
  readonly text: string;
  /** A pair of tags around text (`<pc>`) or a single tag (`<ph/>`): as the source has it; for `added` and `changed`, as the target has it. */
  readonly paired: boolean;
}

/** What is wrong with the codes of a target: a union keyed by `problem`. */
export type CodeProblem =
  /** A code of the source is not in the target (or less often than in the source). */
  | (NamedCode & { readonly problem: 'missing' })
  /** The target has a code the source does not have. */
  | (NamedCode & { readonly problem: 'added' })
  /** The target has a code of the source more often than the source: `count` times. */
  | (NamedCode & { readonly problem: 'duplicated'; readonly count: number })
  /** The target has a code as a pair where the source has a single tag, or the other way round. */
  | (NamedCode & { readonly problem: 'changed' })
  /**
   * Tags that do not pair up: a code opened and never closed (`id`, `kind`, `text` name it),
   * or, without `id`, a `</pc>` that closes nothing, after the target text `after`.
   */
  | { readonly problem: 'unbalanced'; readonly id?: number; readonly kind?: CodeKind; readonly text: string; readonly after?: string }
  /** Markup that is no tag of tagged text (`<b>`, `<pc>` without an id): `markup` as written. */
  | { readonly problem: 'unknown_markup'; readonly markup: string; readonly after: string };

/** The longest code text or context a problem carries, in characters. */
export const codeTextLength = 40;

/**
 * The problems of `target` (tagged text) against `source` (tagged text) and the segment's
 * code table (`codes[n - 1]` is code n of the source); none when `readTarget` accepts it.
 * Code problems come in the order of the code ids.
 */
export function codeProblemsOf(source: string, target: string, codes: readonly StoreCode[]): CodeProblem[] {
  const parsedSource = parseTagged(source);
  // As `readTarget`: a source that cannot be read has no codes.
  const sourceRuns = 'runs' in parsedSource ? parsedSource.runs : [];
  const named = namer(sourceRuns, codes);
  const parsed = parseTagged(target);
  if ('problem' in parsed) {
    const { problem } = parsed;
    // `parseTagged` compares no codes: its problems are unknown or unbalanced markup.
    const at = problem.code === 'code_mismatch' ? target.length : problem.at;
    const after = tail(plainText(target.slice(0, at)));
    if (problem.code === 'unknown_markup') return [{ problem: 'unknown_markup', markup: shortened(problem.text, codeTextLength), after }];
    // Unbalanced before the end: a `</pc>` that closes nothing.
    if (at < target.length) return [{ problem: 'unbalanced', text: '', after }];
    const unclosed = unclosedIds(target).map((id): CodeProblem => {
      const { kind, text } = named(id, true);
      return { problem: 'unbalanced', id, ...(kind === undefined ? {} : { kind }), text };
    });
    return unclosed.length > 0 ? unclosed : [{ problem: 'unbalanced', text: '', after }];
  }
  const expected = tally(sourceRuns);
  const actual = tally(parsed.runs);
  const problems: CodeProblem[] = [];
  for (const id of [...new Set([...expected.keys(), ...actual.keys()])].sort((a, b) => a - b)) {
    const want = expected.get(id) ?? { paired: 0, single: 0 };
    const have = actual.get(id) ?? { paired: 0, single: 0 };
    if (want.paired === have.paired && want.single === have.single) continue;
    const wanted = want.paired + want.single;
    const found = have.paired + have.single;
    if (wanted === 0) problems.push({ problem: 'added', id, text: '', paired: have.paired > 0 });
    else if (found === 0 || found < wanted) problems.push({ problem: 'missing', ...named(id, want.paired > 0) });
    else if (found > wanted) problems.push({ problem: 'duplicated', ...named(id, want.paired > 0), count: found });
    // As often as in the source, in the other form.
    else problems.push({ problem: 'changed', ...named(id, have.paired > want.paired) });
  }
  return problems;
}

/**
 * `text` on one line (runs of whitespace as one space), at most `max` characters: cut at a
 * word boundary when there is one in the last third, with an ellipsis.
 */
export function shortened(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const characters = [...flat];
  if (characters.length <= max) return flat;
  const cut = characters.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > (cut.length * 2) / 3 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Tagged text as a reader sees it: the text, with what a standalone code stands for where
 * the code table says (a web address, inline code: `equiv`) and a line break as a space;
 * other codes dropped. Text that cannot be read is shown as its plain text.
 */
export function readableText(tagged: string, codes: readonly StoreCode[] = []): string {
  const parsed = parseTagged(tagged);
  if ('problem' in parsed) return plainText(tagged);
  return parsed.runs
    .map((run) => {
      if (run.type === 'text') return run.value;
      if (run.type !== 'ph') return '';
      const code = codes[run.id - 1];
      return code?.kind === 'break' ? ' ' : (code?.equiv ?? '');
    })
    .join('');
}

/** How often each code id appears in runs, as a pair and as a single tag. */
function tally(runs: readonly Run[]): Map<number, { paired: number; single: number }> {
  const counts = new Map<number, { paired: number; single: number }>();
  for (const run of runs) {
    if (run.type !== 'open' && run.type !== 'ph') continue;
    const count = counts.get(run.id) ?? { paired: 0, single: 0 };
    counts.set(run.id, run.type === 'open' ? { ...count, paired: count.paired + 1 } : { ...count, single: count.single + 1 });
  }
  return counts;
}

/** A function naming code `id` of the source (`paired` when the caller knows the form). */
function namer(sourceRuns: readonly Run[], codes: readonly StoreCode[]): (id: number, paired: boolean) => NamedCode {
  const enclosed = enclosedTexts(sourceRuns);
  return (id, paired) => {
    const code = codes[id - 1];
    const inside = shortened(enclosed.get(id) ?? '', codeTextLength);
    const text = inside !== '' ? inside : shortened(displayText(code), codeTextLength);
    return { id, ...(code === undefined ? {} : { kind: code.kind }), text, paired };
  };
}

/** The plain text each paired code of the source encloses, by id. */
function enclosedTexts(runs: readonly Run[]): Map<number, string> {
  const texts = new Map<number, string>();
  const open: number[] = [];
  for (const run of runs) {
    if (run.type === 'open') {
      open.push(run.id);
      texts.set(run.id, texts.get(run.id) ?? '');
    } else if (run.type === 'close') {
      open.pop();
    } else if (run.type === 'text') {
      for (const id of open) texts.set(id, `${texts.get(id) ?? ''}${run.value}`);
    }
  }
  return texts;
}

/** Kinds whose display is only their marker (`**`, `line break`): the kind says it all. */
const markerKinds: ReadonlySet<CodeKind> = new Set(['emphasis', 'strong', 'delete', 'break']);

/** What a code of the table shows: its plain-text equivalent, else its display without the kind word (`link https://…` → `https://…`). */
function displayText(code: StoreCode | undefined): string {
  if (code === undefined || markerKinds.has(code.kind)) return '';
  if (code.equiv !== undefined && code.equiv !== '') return code.equiv;
  return code.disp.replace(/^(link|image) /, '');
}

/** The last words of a text, where a problem follows them. */
function tail(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const characters = [...flat];
  if (characters.length <= codeTextLength) return flat;
  const cut = characters.slice(characters.length - codeTextLength + 1).join('');
  const space = cut.indexOf(' ');
  return `…${space >= 0 && space < cut.length / 3 ? cut.slice(space + 1) : cut}`;
}

/**
 * The ids of the codes a target opens and never closes, innermost first. Closing them one
 * by one at the end until the target reads is `parseTagged`'s own rule of which close ends
 * which code, so no second reader of tagged text is needed here.
 */
function unclosedIds(target: string): number[] {
  const opened = (target.match(/<pc\s/g) ?? []).length;
  for (let missing = 1; missing <= opened; missing += 1) {
    const parsed = parseTagged(target + '</pc>'.repeat(missing));
    if ('runs' in parsed) return parsed.runs.slice(-missing).flatMap((run) => (run.type === 'close' ? [run.id] : []));
  }
  return [];
}
