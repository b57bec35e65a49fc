/**
 * Tagged text: how a segment travels to providers and translators.
 *
 * 1. Text is XML-escaped (`&`, `<`, `>`), so any XML-aware tool can carry it.
 * 2. Paired codes are `<pc id="n">…</pc>`, standalone codes `<ph id="n"/>`; ids are
 *    local to the segment and count from 1 in order of appearance, so the same sentence
 *    gets the same tagged text wherever it stands.
 * 3. Nothing else is markup: a target with any other tag is not well formed.
 */

/** A run of tagged text. */
export type Run =
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'open'; readonly id: number }
  | { readonly type: 'close'; readonly id: number }
  | { readonly type: 'ph'; readonly id: number };

/** Why a tagged text could not be read back. */
export type TaggedProblem =
  | { readonly code: 'unknown_markup'; readonly at: number; readonly text: string }
  | { readonly code: 'unbalanced_codes'; readonly at: number }
  | { readonly code: 'code_mismatch'; readonly expected: readonly string[]; readonly actual: readonly string[] };

/** Escape text for tagged form. */
export function escapeText(value: string): string {
  return value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undo `escapeText` (and the other XML entities a provider may send back). */
export function unescapeText(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (whole, name: string, dec?: string, hex?: string) => {
    if (dec !== undefined) return String.fromCodePoint(Number.parseInt(dec, 10));
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    return entities[name] ?? whole;
  });
}

/** Render runs as tagged text. */
export function renderTagged(runs: readonly Run[]): string {
  let out = '';
  for (const run of runs) {
    if (run.type === 'text') out += escapeText(run.value);
    else if (run.type === 'open') out += `<pc id="${run.id}">`;
    else if (run.type === 'close') out += '</pc>';
    else out += `<ph id="${run.id}"/>`;
  }
  return out;
}

const tagPattern = /<pc\s+id="(\d+)"\s*>|<\/pc\s*>|<ph\s+id="(\d+)"\s*\/>|<[^>]*>?/g;

/**
 * Read tagged text back into runs; closing tags get the id of the code they close.
 * Returns the problem instead when the markup is unknown or unbalanced.
 */
export function parseTagged(tagged: string): { runs: Run[] } | { problem: TaggedProblem } {
  const runs: Run[] = [];
  const open: number[] = [];
  let last = 0;
  for (const match of tagged.matchAll(tagPattern)) {
    const at = match.index;
    if (at > last) runs.push({ type: 'text', value: unescapeText(tagged.slice(last, at)) });
    last = at + match[0].length;
    const [whole, pcId, phId] = match;
    if (pcId !== undefined) {
      const id = Number(pcId);
      open.push(id);
      runs.push({ type: 'open', id });
    } else if (phId !== undefined) {
      runs.push({ type: 'ph', id: Number(phId) });
    } else if (whole.startsWith('</pc')) {
      const id = open.pop();
      if (id === undefined) return { problem: { code: 'unbalanced_codes', at } };
      runs.push({ type: 'close', id });
    } else {
      return { problem: { code: 'unknown_markup', at, text: whole } };
    }
  }
  if (open.length > 0) return { problem: { code: 'unbalanced_codes', at: tagged.length } };
  if (last < tagged.length) runs.push({ type: 'text', value: unescapeText(tagged.slice(last)) });
  return { runs };
}

/** The code signature of runs: each code once, as `pc1`/`ph2`, sorted. */
export function codeSignature(runs: readonly Run[]): string[] {
  const names: string[] = [];
  for (const run of runs) {
    if (run.type === 'open') names.push(`pc${run.id}`);
    else if (run.type === 'ph') names.push(`ph${run.id}`);
  }
  return names.sort();
}

/**
 * Read a provider's or translator's target against its source: same codes, each once,
 * well nested. Order may change, as languages need.
 */
export function readTarget(source: string, target: string): { runs: Run[] } | { problem: TaggedProblem } {
  const parsed = parseTagged(target);
  if ('problem' in parsed) return parsed;
  const sourceParsed = parseTagged(source);
  const expected = 'runs' in sourceParsed ? codeSignature(sourceParsed.runs) : [];
  const actual = codeSignature(parsed.runs);
  if (expected.join() !== actual.join()) return { problem: { code: 'code_mismatch', expected, actual } };
  return parsed;
}

/** The plain text of tagged text, codes dropped. */
export function plainText(tagged: string): string {
  return unescapeText(tagged.replace(/<[^>]*>/g, ''));
}
