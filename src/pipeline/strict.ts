/**
 * The stricter second request for a segment whose first machine answer was refused.
 *
 * Glossary terms and plain numbers are taken out of the text and sent as extra `<ph>`
 * codes, which every provider already keeps; the answer gets them back as text. A
 * do-not-translate term comes back as written in the source, a glossary term as the
 * glossary's target term, a number as it was. Services that are deterministic would
 * otherwise give the same refused answer again, and it would be bought twice.
 */
import { parseTagged, renderTagged, type Run } from '../markdown/tagged.js';

/** A span of the segment's plain text to mask, and what to put back. */
export interface MaskSpan {
  /** UTF-16 offsets in the plain text of the segment. */
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** A masked source and the way back. */
export interface MaskedSource {
  readonly source: string;
  /** Codes added, by id, with their text. */
  readonly masks: ReadonlyMap<number, string>;
}

// Years, counts, dates' parts: digit runs that read the same in every language we serve.
const plainNumber = /(?<![\d.,])\d+(?![\d]|[.,]\d)/g;

/** Mask `spans` (terms) and plain numbers of a tagged source as extra `<ph>` codes. */
export function maskSource(source: string, spans: readonly MaskSpan[]): MaskedSource {
  const parsed = parseTagged(source);
  if ('problem' in parsed) return { source, masks: new Map() };
  let nextId = Math.max(0, ...parsed.runs.map((run) => (run.type === 'text' ? 0 : run.id))) + 1;
  const masks = new Map<number, string>();
  const runs: Run[] = [];
  let offset = 0;
  for (const run of parsed.runs) {
    if (run.type !== 'text') {
      runs.push(run);
      continue;
    }
    const start = offset;
    offset += run.value.length;
    const inside = spansIn(run.value, start, spans);
    let at = 0;
    for (const span of inside) {
      if (span.start > at) runs.push({ type: 'text', value: run.value.slice(at, span.start) });
      masks.set(nextId, span.replacement);
      runs.push({ type: 'ph', id: nextId });
      nextId += 1;
      at = span.end;
    }
    if (at < run.value.length) runs.push({ type: 'text', value: run.value.slice(at) });
  }
  return { source: renderTagged(runs), masks };
}

/** Term spans inside one text run (run-relative), then plain numbers outside them, in order. */
function spansIn(value: string, runStart: number, spans: readonly MaskSpan[]): MaskSpan[] {
  const terms = spans
    .filter((span) => span.start >= runStart && span.end <= runStart + value.length && span.end > span.start)
    .map((span) => ({ start: span.start - runStart, end: span.end - runStart, replacement: span.replacement }));
  const numbers = [...value.matchAll(plainNumber)]
    .map((match) => ({ start: match.index, end: match.index + match[0].length, replacement: match[0] }))
    .filter((number) => !terms.some((term) => number.start < term.end && term.start < number.end));
  const all = [...terms, ...numbers].sort((a, b) => a.start - b.start);
  const kept: MaskSpan[] = [];
  for (const span of all) {
    const last = kept.at(-1);
    if (last === undefined || span.start >= last.end) kept.push(span);
  }
  return kept;
}

/** Put the masked text back into a provider's answer; codes of the source stay codes. */
export function unmaskTarget(target: string, masks: ReadonlyMap<number, string>): string {
  if (masks.size === 0) return target;
  const parsed = parseTagged(target);
  if ('problem' in parsed) return target;
  return renderTagged(parsed.runs.map((run): Run => (run.type === 'ph' && masks.has(run.id) ? { type: 'text', value: masks.get(run.id) ?? '' } : run)));
}
