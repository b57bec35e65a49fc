/**
 * Tagged text ⇄ the review page's `Part` arrays (api.ts, principle 4).
 *
 * 1. The page never parses tagged text: the server hands it `Part[]` and takes `Part[]` back.
 * 2. `taggedOf(partsOf(t)) === t` for every well-formed tagged text `t` (a property test
 *    holds it): a segment the reviewer did not touch saves byte for byte as it was.
 * 3. Parts from the page are untrusted: a `close` must close the innermost open code, and
 *    every open code must close, or the parts are refused (`unbalanced`). Whether the codes
 *    are the source's is not this module's business: the gate (`save.ts`) names what is wrong.
 * 4. Adjacent text parts join and empty ones vanish, so a page that splits text where it
 *    likes still gives the same tagged text.
 */
import { parseTagged, renderTagged, type Run } from '../markdown/tagged.js';
import type { Part } from './api.js';

/** The parts of tagged text; `undefined` when the text is not well-formed tagged text. */
export function partsOf(tagged: string): Part[] | undefined {
  const parsed = parseTagged(tagged);
  if ('problem' in parsed) return undefined;
  return parsed.runs.map(partOf);
}

/** The parts of tagged text the project wrote itself (a source, a stored target): plain text when, against all odds, it cannot be read. */
export function storedParts(tagged: string): Part[] {
  return partsOf(tagged) ?? [{ text: tagged }];
}

function partOf(run: Run): Part {
  switch (run.type) {
    case 'text':
      return { text: run.value };
    case 'open':
      return { open: run.id };
    case 'close':
      return { close: run.id };
    case 'ph':
      return { ph: run.id };
  }
}

/** Why parts from the page cannot be tagged text. */
export interface PartsProblem {
  readonly problem: 'unbalanced';
  /** Index of the part at fault (the array's length: a code left open at the end). */
  readonly at: number;
}

/** Tagged text of parts (principle 3), or the problem. */
export function taggedOf(parts: readonly Part[]): { tagged: string } | PartsProblem {
  const runs: Run[] = [];
  const open: number[] = [];
  for (const [index, part] of parts.entries()) {
    if ('text' in part) {
      if (part.text === '') continue;
      const last = runs.at(-1);
      if (last?.type === 'text') runs[runs.length - 1] = { type: 'text', value: last.value + part.text };
      else runs.push({ type: 'text', value: part.text });
    } else if ('open' in part) {
      open.push(part.open);
      runs.push({ type: 'open', id: part.open });
    } else if ('close' in part) {
      if (open.pop() !== part.close) return { problem: 'unbalanced', at: index };
      runs.push({ type: 'close', id: part.close });
    } else {
      runs.push({ type: 'ph', id: part.ph });
    }
  }
  if (open.length > 0) return { problem: 'unbalanced', at: parts.length };
  return { tagged: renderTagged(runs) };
}

/** The plain text of parts: the text runs joined, codes dropped. */
export function plainOfParts(parts: readonly Part[]): string {
  return parts.map((part) => ('text' in part ? part.text : '')).join('');
}
