/**
 * Segment files: from an extracted document to its XLIFF store, and back to targets.
 *
 * 1. `draftFile` lays a document out as units and segments, with ids that are unique in
 *    the file (source hash, `-2` … for repeats) and codes a CAT tool can show.
 * 2. `reconcile` carries every translation of the file on disk over to the new draft by
 *    segment id. A translation whose source changed is not lost: the most similar new
 *    segment gets it as a `previous` suggestion with the old source (DESIGN §8.1), and
 *    anything left over is retired to the memory. Proposals (texts an import could not put
 *    in force, §8.7) stay with their segment, travel with its translation to the successor
 *    of a changed source (they name the old source), and are retired with it as drafts,
 *    which the memory keeps but never leverages.
 * 3. `fileSegmentsOf` finds, per document segment, its entry in a file; `build` chooses
 *    from it what to publish.
 *
 * (One file of over 400 lines: laying out, reconciling and finding segments share one id
 * scheme and its invariant, that a translation follows its segment id; split, they would drift.)
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { plainText } from '../markdown/tagged.js';
import type { BlockUnit, CodeKind, ExtractedDocument, InlineCode, NodeData, Segment } from '../markdown/types.js';
import { readXliff2 } from '../formats/xliff2.js';
import { isHumanApproved, stateRank, type SegmentFile, type StoreCode, type StoreNote, type StoreSegment, type StoreUnit, type Suggestion, type TranslationState, type UnitPart } from '../formats/types.js';
import { fuzzyScore } from '../memory/fuzzy.js';
import { asIoError } from '../errors/index.js';
import { decodeText } from '../files/text.js';
import type { Project } from './project.js';

/** Where the segment file of a source document (relative to the content folder) lives. */
export function segmentFilePath(project: Project, lang: string, file: string): string {
  return path.resolve(project.cwd, project.config.translationsDir, lang, segmentFileName(file));
}

/** The segment file's path below `translations/<lang>/` for a source document's path below the content folder. */
export function segmentFileName(file: string): string {
  return file.replace(/\.(md|markdown|mdx?)$/i, '') + '.xlf';
}

/** The segment file on disk, or `undefined` when there is none yet. */
export async function readSegmentFile(absolute: string, display: string): Promise<SegmentFile | undefined> {
  return (await readVersionedSegmentFile(absolute, display)).file;
}

/**
 * The segment file and the bytes it was read from (`undefined`: no file). A writer hands the
 * bytes back to `writeFileIfUnchanged`, so a save made since is never written over.
 */
export async function readVersionedSegmentFile(absolute: string, display: string): Promise<{ file: SegmentFile | undefined; bytes: Buffer | undefined }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: undefined, bytes: undefined };
    throw asIoError(error, display);
  }
  return { file: segmentFileOf(bytes, display), bytes };
}

/**
 * Parse a segment file's bytes, decoded strictly (`decodeText`): a file that is not in the
 * encoding it names is refused at the line of the first bad byte, never read with U+FFFD in
 * it. A file that names ISO-8859-1 (say) in its declaration is read as such; a rewrite of it
 * is UTF-8 with a UTF-8 declaration (`writeXliff2`), as every file Hansa writes.
 */
function segmentFileOf(bytes: Buffer, display: string, options: { lenient?: boolean } = {}): SegmentFile {
  return readXliff2(decodeText(bytes, display, { kind: 'xml', ...options }), display);
}

/**
 * The segment file decoded leniently (U+FFFD for what its encoding does not define), or
 * `undefined` when there is none: for counting only, so `status` still counts the states of
 * a file refused for its encoding. What this returns must never be written anywhere.
 */
export async function readSegmentFileLeniently(absolute: string, display: string): Promise<SegmentFile | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw asIoError(error, display);
  }
  return segmentFileOf(bytes, display, { lenient: true });
}

/** Ids of a document's segments in the file: the hash, then `-2`, `-3` … for repeats. */
export function storeIds(document: ExtractedDocument): string[] {
  const seen = new Map<string, number>();
  return document.segments.map((segment) => {
    const count = (seen.get(segment.id) ?? 0) + 1;
    seen.set(segment.id, count);
    return count === 1 ? segment.id : `${segment.id}-${count}`;
  });
}

/** The source hash a store id stands for (`abc…-2` → `abc…`): the inverse of `storeIds`' suffix. */
export function segmentHash(storeId: string): string {
  return storeId.replace(/-\d+$/, '');
}

/** A fresh segment file for a document: every segment untranslated. */
export function draftFile(document: ExtractedDocument, meta: { original: string; sourceLanguage: string; targetLanguage: string }): SegmentFile {
  const ids = storeIds(document);
  const units: StoreUnit[] = [];
  const segmentOf = (index: number, codes: readonly StoreCode[]): StoreSegment | undefined => {
    const segment = document.segments[index];
    if (segment === undefined || !segment.translatable) return undefined;
    return { id: ids[index] ?? segment.id, source: segment.source, codes, state: 'initial' };
  };
  const unitIds = new Map<string, number>();
  const push = (name: string, parts: UnitPart[]): void => {
    if (!parts.some((part) => 'segment' in part)) return;
    const first = parts.find((part): part is { segment: StoreSegment } => 'segment' in part)?.segment.id ?? 'u';
    const base = `u${first.slice(0, 12)}`;
    const count = (unitIds.get(base) ?? 0) + 1;
    unitIds.set(base, count);
    units.push({ id: count === 1 ? base : `${base}-${count}`, name, parts });
  };
  for (const unit of document.units) {
    if (unit.type === 'frontmatter') {
      for (const value of unit.values) {
        const segment = segmentOf(value.segment, []);
        if (segment !== undefined) push(`frontmatter ${value.path.map(String).join('.')}`, [{ segment }]);
      }
    } else if (unit.type === 'definition') {
      const segment = segmentOf(unit.title, []);
      if (segment !== undefined) push('link title', [{ segment }]);
    } else {
      push(unitName(unit), blockParts(unit, segmentOf, (index) => plainText(document.segments[index]?.source ?? '')));
      for (const code of unit.codes) {
        for (const [attribute, index] of Object.entries(code.attributes ?? {})) {
          if (index === undefined) continue;
          const segment = segmentOf(index, []);
          if (segment !== undefined) push(`${code.kind === 'link' ? 'link' : 'image'} ${attribute}`, [{ segment }]);
        }
      }
    }
  }
  return { original: meta.original, sourceLanguage: meta.sourceLanguage, targetLanguage: meta.targetLanguage, sourceHash: document.sourceHash, units };
}

function unitName(unit: BlockUnit): string {
  if (unit.construct === 'tableCell') return 'table cell';
  if (unit.construct === 'paragraph') return 'paragraph';
  return 'heading';
}

function blockParts(unit: BlockUnit, segmentOf: (index: number, codes: readonly StoreCode[]) => StoreSegment | undefined, textOf: (index: number) => string): UnitPart[] {
  const parts: UnitPart[] = [];
  for (const piece of unit.pieces) {
    if ('gap' in piece) {
      parts.push({ gap: piece.gap });
      continue;
    }
    const codes = piece.codes.map((index) => storeCode(unit.codes[index]));
    const segment = segmentOf(piece.segment, codes);
    // An untranslatable piece (numbers, codes only) stays in the unit as text around the segments.
    if (segment === undefined) parts.push({ gap: textOf(piece.segment) });
    else parts.push({ segment });
  }
  return parts.filter((part) => !('gap' in part) || part.gap !== '');
}

/** How a CAT tool shows an inline code: what it is and, for links and code, what it holds. */
export function storeCode(code: InlineCode | undefined): StoreCode {
  if (code === undefined) return { kind: 'html', disp: '?' };
  const text = (key: string): string => stringOf(code.data, key);
  const disp: Record<CodeKind, () => string> = {
    emphasis: () => '*',
    strong: () => '**',
    delete: () => '~~',
    link: () => `link ${text('url')}`,
    linkReference: () => `link [${text('label') || text('identifier')}]`,
    autolink: () => text('url'),
    inlineCode: () => `\`${text('value')}\``,
    image: () => `image ${text('url')}`,
    imageReference: () => `image [${text('label') || text('identifier')}]`,
    break: () => 'line break',
    html: () => text('value') || 'html',
    footnoteReference: () => `[^${text('label') || text('identifier')}]`,
  };
  const equiv = code.kind === 'inlineCode' ? text('value') : code.kind === 'autolink' ? text('text') || text('url') : undefined;
  return { kind: code.kind, disp: disp[code.kind](), ...(equiv === undefined || equiv === '' ? {} : { equiv }) };
}

function stringOf(data: NodeData, key: string): string {
  const value = data[key];
  return typeof value === 'string' ? value : '';
}

/** The file with the previous file's translations carried over, and what found no place. */
export interface Reconciled {
  readonly file: SegmentFile;
  /** Translated segments whose source is gone from the document: they go to the memory. */
  readonly retired: readonly StoreSegment[];
}

/** Lowest similarity at which a changed segment's old translation is offered on the new one. */
const previousThreshold = 50;

/** Carry `previous`'s translations into `draft` (DESIGN §8.1). */
export function reconcile(previous: SegmentFile | undefined, draft: SegmentFile): Reconciled {
  if (previous === undefined) return { file: draft, retired: [] };
  const old = new Map<string, StoreSegment>();
  for (const unit of previous.units) for (const part of unit.parts) if ('segment' in part) old.set(part.segment.id, part.segment);
  const used = new Set<string>();
  const dropped: StoreSegment[] = [];
  const sameSource = assignRepeats(draft, old);
  const assigned = new Set([...sameSource.values()].map((segment) => segment.id));
  const restorable = restorableBySource(old);
  // Translations whose segment is gone: candidates for a changed segment, else retired.
  // A segment without a target of its own still counts when it holds the `previous`
  // suggestion of an earlier change: a source edited twice with no translation in between
  // must not drop the human translation it was offered (found by the workflow property test).
  const orphans = [...old.values()].filter((segment) => !assigned.has(segment.id) && (hasTarget(segment) || previousOf(segment).length > 0 || proposalsOf(segment).length > 0));
  const oldNotes = notesByUnit(previous);
  const units = draft.units.map((unit) => ({
    ...unit,
    ...keptNotes(unit, oldNotes),
    parts: unit.parts.map((part): UnitPart => {
      if (!('segment' in part)) return part;
      const before = sameSource.get(part.segment.id);
      if (before !== undefined) {
        used.add(before.id);
        return { segment: { ...part.segment, ...carried(before) } };
      }
      // An edit undone: the translation this very source had is still held as a `previous`
      // suggestion by the segment that replaced it; it comes back as it was.
      const restored = restorable.get(part.segment.source);
      if (restored !== undefined) {
        restorable.delete(part.segment.source);
        if (!hasTarget(restored.holder) && previousOf(restored.holder).length === 1) used.add(restored.holder.id);
        const { suggestion } = restored;
        // Proposals for this very source come back with it (DESIGN §8.7).
        const proposals = proposalsOf(restored.holder).filter((item) => item.source === part.segment.source && item.target !== suggestion.target);
        return { segment: { ...part.segment, target: suggestion.target, state: suggestion.state ?? 'translated', origin: suggestion.origin, ...(proposals.length === 0 ? {} : { suggestions: proposals }) } };
      }
      const match = closestOrphan(part.segment, orphans, used, previous.sourceLanguage);
      if (match === undefined) return part;
      used.add(match.segment.id);
      const orphan = match.segment;
      const own: Suggestion[] = hasTarget(orphan)
        ? [{ kind: 'previous', source: orphan.source, target: orphan.target ?? '', origin: orphan.origin ?? 'human', similarity: match.score, state: orphan.state }]
        : [];
      // The orphan's own `previous` suggestions: a reviewed/final one travels on unless the
      // orphan's own translation is reviewed/final too (which supersedes it); the others go to
      // the memory, never to the bin (DESIGN §8.1).
      const superseded = hasTarget(orphan) && isHumanApproved(orphan.state);
      const travelling = previousOf(orphan).filter((item) => !superseded && item.state !== undefined && isHumanApproved(item.state));
      dropped.push(...previousOf(orphan).filter((item) => !travelling.includes(item)).map((item) => suggestionSegment(orphan, item)));
      const others = (orphan.suggestions ?? []).filter((item) => item.kind !== 'previous');
      return { segment: { ...part.segment, suggestions: [...own, ...travelling, ...others] } };
    }),
  }));
  const unmatched = orphans.filter((segment) => !used.has(segment.id));
  const retired = [
    ...unmatched.filter(hasTarget),
    // The previous suggestions of a segment that found no successor are retired with it.
    ...unmatched.flatMap((segment) => previousOf(segment).map((item) => suggestionSegment(segment, item))),
    // So are its proposals: kept, but as drafts, which the memory never leverages (DESIGN §8.7).
    ...unmatched.flatMap((segment) => proposalsOf(segment).map((item) => ({ ...suggestionSegment(segment, item), state: 'initial' as const, origin: `${retiredProposalPrefix}${item.file ?? item.origin}` }))),
    ...dropped,
  ].filter(hasTarget);
  return { file: { ...draft, units }, retired };
}

/**
 * Old segments carried over unchanged, by new segment id. Ids of a repeated sentence are
 * positional (`hash`, `hash-2` …), so when a document loses occurrences of a sentence, the
 * occurrences kept are the best translated ones (reviewed or final first), in their order,
 * not merely the first ones: deleting the first of two paragraphs must not hand the
 * second's reviewed translation to the memory and the first's machine one to the page.
 */
function assignRepeats(draft: SegmentFile, old: ReadonlyMap<string, StoreSegment>): Map<string, StoreSegment> {
  const newByBase = new Map<string, StoreSegment[]>();
  for (const unit of draft.units) for (const part of unit.parts) if ('segment' in part) pushTo(newByBase, segmentHash(part.segment.id), part.segment);
  const oldByBase = new Map<string, StoreSegment[]>();
  for (const segment of old.values()) pushTo(oldByBase, segmentHash(segment.id), segment);
  const out = new Map<string, StoreSegment>();
  for (const [base, fresh] of newByBase) {
    const earlier = (oldByBase.get(base) ?? []).filter((segment) => fresh.some((item) => item.source === segment.source));
    const kept =
      earlier.length <= fresh.length
        ? earlier
        : earlier
            .map((segment, order) => ({ segment, order }))
            .sort((a, b) => rankOf(b.segment) + (hasTarget(b.segment) ? 1 : 0) - (rankOf(a.segment) + (hasTarget(a.segment) ? 1 : 0)) || a.order - b.order)
            .slice(0, fresh.length)
            .sort((a, b) => a.order - b.order)
            .map((item) => item.segment);
    kept.forEach((segment, index) => {
      const target = fresh[index];
      if (target !== undefined && target.source === segment.source) out.set(target.id, segment);
    });
  }
  return out;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** `previous` suggestions by their source: the translations an undone edit brings back. */
function restorableBySource(old: ReadonlyMap<string, StoreSegment>): Map<string, { holder: StoreSegment; suggestion: Suggestion }> {
  const out = new Map<string, { holder: StoreSegment; suggestion: Suggestion }>();
  for (const holder of old.values()) {
    for (const suggestion of previousOf(holder)) {
      const best = out.get(suggestion.source);
      const rank = (item: Suggestion): number => stateRank(item.state ?? 'translated');
      if (best === undefined || rank(suggestion) > rank(best.suggestion)) out.set(suggestion.source, { holder, suggestion });
    }
  }
  return out;
}

/** The notes of each unit of a file, by unit id. */
function notesByUnit(file: SegmentFile): Map<string, readonly StoreNote[]> {
  return new Map(file.units.flatMap((unit) => (unit.notes === undefined || unit.notes.length === 0 ? [] : [[unit.id, unit.notes] as const])));
}

/**
 * A unit keeps the notes it had (a translator's, a reviewer's, Hansa's own until the next run
 * makes them afresh), except those about a segment it no longer holds.
 */
function keptNotes(unit: StoreUnit, old: ReadonlyMap<string, readonly StoreNote[]>): { notes?: readonly StoreNote[] } {
  const ids = new Set(unit.parts.flatMap((part) => ('segment' in part ? [part.segment.id] : [])));
  const notes = (old.get(unit.id) ?? []).filter((note) => note.segment === undefined || ids.has(note.segment));
  return notes.length === 0 ? {} : { notes };
}

function hasTarget(segment: StoreSegment): boolean {
  return segment.target !== undefined && segment.target !== '';
}

function previousOf(segment: StoreSegment): Suggestion[] {
  return (segment.suggestions ?? []).filter((item) => item.kind === 'previous' && item.target !== '');
}

function proposalsOf(segment: StoreSegment): Suggestion[] {
  return (segment.suggestions ?? []).filter((item) => item.kind === 'proposal' && item.target !== '');
}

/** Origin prefix of a proposal retired with its segment (`proposal:<file it came from>`). */
const retiredProposalPrefix = 'proposal:';

/** A proposal retired with its segment: a draft in retired.tmx, kept but never leveraged. */
export function isRetiredProposal(segment: StoreSegment): boolean {
  return segment.state === 'initial' && segment.origin?.startsWith(retiredProposalPrefix) === true;
}

/** A `previous` suggestion as a segment of its own, so it can be retired to the memory. */
function suggestionSegment(holder: StoreSegment, suggestion: Suggestion): StoreSegment {
  // A suggestion has no code list; the holder's fits when the codes are the same in number.
  const count = (suggestion.source.match(/<pc |<ph /g) ?? []).length;
  return {
    id: holder.id,
    source: suggestion.source,
    codes: count === holder.codes.length ? holder.codes : [],
    target: suggestion.target,
    state: suggestion.state ?? 'translated',
    origin: suggestion.origin,
  };
}

/**
 * What a segment keeps from its earlier self: target, state, origin, reviewer, suggestions; a proposal
 * that is now the target (a reviewer took it in the segment file) has been accepted and goes.
 */
function carried(before: StoreSegment): Partial<StoreSegment> {
  const suggestions = (before.suggestions ?? []).filter((item) => item.kind !== 'proposal' || item.target !== before.target);
  return {
    ...(before.target === undefined ? {} : { target: before.target }),
    state: before.state,
    ...(before.origin === undefined ? {} : { origin: before.origin }),
    ...(before.reviewer === undefined ? {} : { reviewer: before.reviewer }),
    ...(suggestions.length === 0 ? {} : { suggestions }),
  };
}

function closestOrphan(segment: StoreSegment, orphans: readonly StoreSegment[], used: ReadonlySet<string>, language: string): { segment: StoreSegment; score: number } | undefined {
  let best: { segment: StoreSegment; score: number } | undefined;
  for (const orphan of orphans) {
    if (used.has(orphan.id)) continue;
    const score = fuzzyScore(segment.source, orphan.source, language);
    if (score >= previousThreshold && (best === undefined || score > best.score || (score === best.score && rankOf(orphan) > rankOf(best.segment)))) best = { segment: orphan, score };
  }
  return best;
}

function rankOf(segment: StoreSegment): number {
  return stateRank(segment.state) + (segment.origin === 'human' ? 0.5 : 0);
}

/** The file with every segment mapped through `update`; units, gaps and notes as they were. */
export function updateSegments(file: SegmentFile, update: (segment: StoreSegment) => StoreSegment): SegmentFile {
  return {
    ...file,
    // A unit whose segments all come back as they were stays the same object, so a writer that
    // keeps units it has written (`writeXliff2`'s `units`) serializes only those that changed.
    units: file.units.map((unit) => {
      let changed = false;
      const parts = unit.parts.map((part): UnitPart => {
        if (!('segment' in part)) return part;
        const next = update(part.segment);
        if (next === part.segment) return part;
        changed = true;
        return { segment: next };
      });
      return changed ? { ...unit, parts } : unit;
    }),
  };
}

/** A machine or memory translation may fill this segment: it has no translation of any kind yet. */
export function isOpen(segment: StoreSegment): boolean {
  // A target in state `initial` is a draft (a CAT tool's copy of the source, a translator's
  // unfinished attempt): the segment still wants a translation; `filled` keeps the draft.
  return segment.target === undefined || segment.target === '' || segment.state === 'initial';
}

/**
 * An open segment given a translation. A draft it held is not lost: unless it merely
 * copies the source, it stays on as a suggestion.
 */
export function filled(segment: StoreSegment, translation: { target: string; origin: string }): StoreSegment {
  const draft = segment.target;
  const keep = draft !== undefined && draft !== '' && draft !== segment.source && draft !== translation.target;
  const suggestions = keep ? [{ kind: 'previous' as const, source: segment.source, target: draft, origin: segment.origin ?? 'human', state: segment.state }, ...(segment.suggestions ?? [])] : segment.suggestions;
  return { ...withoutReviewer(segment), target: translation.target, state: 'translated', origin: translation.origin, ...(suggestions === undefined || suggestions.length === 0 ? {} : { suggestions }) };
}

/** `segment` without a `reviewer`: whoever saved the target it had did not vouch for a new one. */
export function withoutReviewer({ reviewer: _reviewer, ...segment }: StoreSegment): StoreSegment {
  return segment;
}

/** A segment is publishable at `minState` when its state reaches it. */
export function meetsState(state: TranslationState, minState: TranslationState): boolean {
  return stateRank(state) >= stateRank(minState);
}

export { isHumanApproved };

/** The segments of a document in the order of `document.segments`, looked up in a file. */
export function fileSegmentsOf(document: ExtractedDocument, file: SegmentFile): (StoreSegment | undefined)[] {
  const byId = new Map<string, StoreSegment>();
  for (const unit of file.units) for (const part of unit.parts) if ('segment' in part) byId.set(part.segment.id, part.segment);
  return storeIds(document).map((id) => byId.get(id));
}

export type { Segment };
