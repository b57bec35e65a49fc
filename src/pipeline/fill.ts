/**
 * Completing a segment file with what a run found: pure functions from a segment file to
 * a segment file.
 *
 * 1. Only open segments are filled; a translation a person made or approved is never
 *    replaced (DESIGN §8.1). A tag that follows the locale resources is the one exception:
 *    it follows them, and the text it had stays beside it as a suggestion.
 * 2. Copy and pseudo output (synthetic) is never stored as a translation: it is published
 *    from the run, not kept.
 * 3. Memory suggestions and Hansa's notes (glossary, memory, qa) are made afresh each run;
 *    anybody else's notes and suggestions stay as they were.
 */
import type { Accepted } from './remote.js';
import type { MemoryMatch } from '../memory/tm.js';
import type { ExtractedDocument, Segment } from '../markdown/types.js';
import { checkSegment } from '../qa/checks.js';
import { segmentTerms, type TermHit, type Terminology } from '../glossary/index.js';
import type { SegmentFile, StoreNote, StoreSegment, Suggestion } from '../formats/types.js';
import { filled, isOpen, segmentHash, updateSegments, withoutReviewer } from './store.js';

/** What `annotate` needs of the run. */
export interface AnnotateContext {
  /** Glossary hits of a source segment. */
  readonly hitsOf: (segment: Segment) => readonly TermHit[];
  readonly terminology: Terminology | undefined;
  readonly lang: string;
  readonly sourceLanguage: string;
  /** The length check's bounds (`config.qa.lengthRatio`). */
  readonly lengthRatio: { readonly min: number; readonly max: number };
  /** Why machine answers were refused, by segment id, for segments left open. */
  readonly refusals: ReadonlyMap<string, string>;
}

/** Note categories Hansa makes afresh each run. */
const generatedNotes: ReadonlySet<string> = new Set(['glossary', 'memory', 'qa']);

/** A tag translated from the locale resources, not touched by a person since: it follows the resources. */
export function isFromLocale(segment: StoreSegment): boolean {
  return segment.origin === 'locale' && segment.state === 'translated';
}

/** A segment the run may (re)translate: open, or a tag that follows the locale resources. */
export function refreshable(segment: StoreSegment): boolean {
  return isOpen(segment) || isFromLocale(segment);
}

/** Open segments get what the run accepted for their source (machine, memory, tags), or memory suggestions. */
export function fillOpen(file: SegmentFile, accepted: ReadonlyMap<string, Accepted>, fuzzy: ReadonlyMap<string, readonly MemoryMatch[]>): SegmentFile {
  return updateSegments(file, (segment) => {
    const entry = accepted.get(segmentHash(segment.id));
    if (isFromLocale(segment)) {
      if (entry?.origin !== 'locale' || entry.target === segment.target) return segment;
      // The resources say otherwise now. Whether they changed or a person edited the tag in the
      // segment file (keeping its state) cannot be told apart: the text it had stays beside it.
      const replaced = segment.target === undefined || segment.target === '' || (segment.suggestions ?? []).some((item) => item.target === segment.target)
        ? []
        : [{ kind: 'previous' as const, source: segment.source, target: segment.target, origin: segment.origin ?? 'locale', state: segment.state }];
      return { ...withoutReviewer(segment), target: entry.target, ...(replaced.length === 0 ? {} : { suggestions: [...(segment.suggestions ?? []), ...replaced] }) };
    }
    if (!isOpen(segment)) return segment;
    if (entry !== undefined && entry.synthetic !== true) return filled(segment, entry);
    const matches = fuzzy.get(segmentHash(segment.id)) ?? [];
    const memory = matches.filter((match) => match.codesMatch).map((match): Suggestion => ({ kind: 'memory', source: match.source, target: match.target, origin: `tm:fuzzy:${match.score}`, similarity: match.score, state: match.state }));
    const kept = (segment.suggestions ?? []).filter((suggestion) => suggestion.kind !== 'memory');
    const suggestions = [...kept, ...memory];
    return suggestions.length === 0 ? withoutKey(segment, 'suggestions') : { ...segment, suggestions };
  });
}

/** Notes for translators: glossary hits and check findings, made afresh each run. */
export function annotate(file: SegmentFile, document: ExtractedDocument, context: AnnotateContext): SegmentFile {
  const byHash = new Map(document.segments.map((segment) => [segment.id, segment]));
  return {
    ...file,
    units: file.units.map((unit) => {
      const notes: StoreNote[] = (unit.notes ?? []).filter((note) => !generatedNotes.has(note.category));
      for (const part of unit.parts) {
        if (!('segment' in part)) continue;
        const segment = part.segment;
        const source = byHash.get(segmentHash(segment.id));
        for (const term of source === undefined ? [] : segmentTerms(context.hitsOf(source), context.terminology, context.lang)) {
          const found = term.text === term.source ? term.text : `${term.text} (${term.source})`;
          notes.push({ category: 'glossary', segment: segment.id, text: `${found} → ${term.doNotTranslate ? 'keep as is' : term.target ?? '(no term for this language)'}` });
        }
        const refused = isOpen(segment) ? context.refusals.get(segmentHash(segment.id)) : undefined;
        if (refused !== undefined) notes.push({ category: 'qa', segment: segment.id, text: `machine translation refused: ${refused}` });
        const best = segment.suggestions?.find((suggestion) => suggestion.kind === 'memory');
        if (best?.similarity !== undefined) notes.push({ category: 'memory', segment: segment.id, text: `${best.similarity}% memory match` });
        if (segment.target !== undefined && segment.target !== '') {
          for (const finding of checkSegment(segment.source, segment.target, { sourceLanguage: context.sourceLanguage, targetLanguage: context.lang, lengthRatio: context.lengthRatio })) {
            notes.push({ category: 'qa', segment: segment.id, text: `${finding.severity} ${finding.check}: ${finding.message}` });
          }
        }
      }
      return notes.length === 0 ? withoutKey(unit, 'notes') : { ...unit, notes };
    }),
  };
}

/** A copy of `value` without `key` (an optional field absent, not undefined). */
function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}
