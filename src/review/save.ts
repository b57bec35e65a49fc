/**
 * Checking and saving one segment from the review page.
 *
 * 1. A check writes nothing: the findings the page shows while the reviewer types.
 * 2. A save is one writer among others (DESIGN §8.9): it takes the project lock for the
 *    moment of the write (waiting a little for a run that holds it), reads the segment file
 *    fresh, and writes it only over the bytes it read; a file changed in between is read
 *    again and the save applied to that version (`writeChanged`).
 * 3. A save names the version of the segment it was made on; a segment that holds anything
 *    else now (another tab, a CAT tool, a run) refuses it with what it holds (409). A reviewer
 *    never overwrites what they have not seen.
 * 4. The gate refuses a target that cannot be stored or published: codes that are not the
 *    source's, or no text (422, nothing written). Glossary and QA findings do not refuse a
 *    save: they are the reviewer's to weigh, and the page shows them.
 * 5. A saved target is a person's (`origin: human`), in state `translated`, or approved
 *    (`review.approve`: `reviewed` or `final`), with the session's reviewer, or none.
 * 6. Saves of one server run one at a time: two tabs saving at once do not wait on the
 *    lock file for each other.
 */
import { InputError } from '../errors/index.js';
import { acquireProjectLock } from '../files/lock.js';
import { segmentsOf, type SegmentFile, type StoreSegment } from '../formats/types.js';
import { codeProblemsOf } from '../pipeline/code-problems.js';
import { cacheRoot } from '../pipeline/project.js';
import { updateSegments, withoutReviewer } from '../pipeline/store.js';
import { writeChanged } from '../pipeline/write-changed.js';
import { plainText } from '../markdown/tagged.js';
import type { CheckRequest, CheckResult, FindingView, Part, SaveRequest, SegmentView } from './api.js';
import { ReviewError, versionOf, type ReviewData } from './data.js';
import { taggedOf } from './parts.js';

/** How long a save waits for a run holding the project lock, in milliseconds. */
export const lockWaitMs = 5000;

/** What a save did: saved, or refused because the segment changed or the gate said no. */
export type SaveOutcome =
  | { readonly kind: 'saved'; readonly segment: SegmentView }
  | { readonly kind: 'conflict'; readonly current: SegmentView }
  | { readonly kind: 'refused'; readonly findings: readonly FindingView[] };

/** The findings for a proposed target, written nowhere (principle 1). */
export async function checkTarget(data: ReviewData, request: CheckRequest): Promise<CheckResult> {
  const workspace = await data.workspaceFile(request.file, request.lang);
  const segment = segmentIn(workspace.current, request.segment, data);
  const target = targetText(request.target);
  if (target === undefined) return { findings: [unpairedFinding(data)], blocked: true };
  return data.check(segment, target, request.lang);
}

/** A queue of one per server (principle 6). */
export class SaveQueue {
  #last: Promise<unknown> = Promise.resolve();

  /** Run `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#last.then(task, task);
    this.#last = next.catch(() => undefined);
    return next;
  }
}

/** Save a segment (principles 2–5). */
export async function saveSegment(data: ReviewData, request: SaveRequest, options: { readonly lockWaitMs?: number } = {}): Promise<SaveOutcome> {
  data.checkLanguage(request.lang);
  const target = targetText(request.target);
  // Codes that do not pair up (a closing chip moved before its opening one) are the gate's refusal, like any code problem.
  if (target === undefined) return { kind: 'refused', findings: [unpairedFinding(data)] };
  const { project, session } = data;
  const lock = await lockOf(data, options.lockWaitMs ?? lockWaitMs);
  try {
    const workspace = await data.workspaceFile(request.file, request.lang);
    type Applied = { file: SegmentFile; outcome: { kind: 'saved' | 'conflict'; segment: StoreSegment } | { kind: 'refused'; segment: StoreSegment } };
    const apply = (current: typeof workspace): Applied => {
      const segment = segmentIn(current.current, request.segment, data);
      if (versionOf(segment) !== request.version) return { file: current.current, outcome: { kind: 'conflict', segment } };
      if (isRefused(segment, target)) return { file: current.current, outcome: { kind: 'refused', segment } };
      // A proposal that is now the target has been accepted: it leaves the list.
      const suggestions = (segment.suggestions ?? []).filter((item) => item.kind !== 'proposal' || item.target !== target);
      const saved: StoreSegment = {
        ...withoutSuggestions(withoutReviewer(segment)),
        target,
        state: request.approve ? session.approveState : 'translated',
        origin: 'human',
        ...(session.reviewer === undefined ? {} : { reviewer: session.reviewer }),
        ...(suggestions.length === 0 ? {} : { suggestions }),
      };
      return { file: updateSegments(current.current, (item) => (item.id === saved.id ? saved : item)), outcome: { kind: 'saved', segment: saved } };
    };
    const applied = await writeChanged(project, workspace, apply, (result) => result.outcome.kind === 'saved', {
      onWritten: ({ version, applied: written, text }) => data.wrote(version, written.file, text),
      xliff: { units: data.writtenUnits },
    });
    const view = await data.viewer(request.lang);
    const { outcome } = applied;
    if (outcome.kind === 'refused') return { kind: 'refused', findings: (await data.check(outcome.segment, target, request.lang)).findings.filter((finding) => finding.severity === 'error' && (finding.check === 'codes' || finding.check === 'empty')) };
    return outcome.kind === 'saved' ? { kind: 'saved', segment: view(outcome.segment) } : { kind: 'conflict', current: view(outcome.segment) };
  } catch (error) {
    if (error instanceof InputError && error.code === 'segment_file_changed') throw new ReviewError(503, 'busy', data.t('review.errors.keepsChanging', { file: error.file ?? request.file }));
    throw error;
  } finally {
    await lock.release();
  }
}

/** `segment` without its `suggestions` key. */
function withoutSuggestions({ suggestions: _suggestions, ...segment }: StoreSegment): StoreSegment {
  return segment;
}

/** The project lock for one save, waiting `waitMs` for a run that holds it; 503 when it still does. */
async function lockOf(data: ReviewData, waitMs: number): Promise<{ release(): Promise<void> }> {
  try {
    return await acquireProjectLock(cacheRoot(data.project), { command: 'hansa review', waitMs });
  } catch (error) {
    if (error instanceof InputError && error.code === 'project_locked') {
      throw new ReviewError(503, 'busy', data.t('review.errors.locked', { command: String(error.data['command'] ?? '?'), pid: String(error.data['pid'] ?? '?') }));
    }
    throw error;
  }
}

/** The gate of principle 4: codes not the source's, or no text where the source has some. */
function isRefused(segment: StoreSegment, target: string): boolean {
  if (codeProblemsOf(segment.source, target, segment.codes).length > 0) return true;
  return plainText(target).trim() === '' && plainText(segment.source).trim() !== '';
}

/** The segment `id` of a file; 404 when the article has none (its source changed since the page loaded it). */
function segmentIn(file: SegmentFile, id: string, data: ReviewData): StoreSegment {
  const segment = segmentsOf(file).find((item) => item.id === id);
  if (segment === undefined) throw new ReviewError(404, 'not_found', data.t('review.errors.noSegment', { id }));
  return segment;
}

/** Tagged text of the page's parts; `undefined` when their codes do not pair up. */
function targetText(parts: readonly Part[]): string | undefined {
  const result = taggedOf(parts);
  return 'problem' in result ? undefined : result.tagged;
}

/** The finding for a target whose codes do not pair up. */
function unpairedFinding(data: ReviewData): FindingView {
  return { check: 'codes', severity: 'error', message: data.t('review.errors.unbalanced') };
}
