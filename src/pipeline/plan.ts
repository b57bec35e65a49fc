/**
 * The plan of a run in one language: which (article, language) pairs are due, from the
 * project state (`src/state/`) and the files on disk. Nothing here writes.
 *
 * 1. A pair is due when anything its segment file is made of changed: the source (hash), the
 *    segment file (stamp, then hash), the key of the config, glossary, tag resources and
 *    Hansa's version, or when it has open segments and the chain holds a provider that may
 *    fill them now (a remote one: what it refused or could not answer last time is asked
 *    again, as a run from scratch would).
 * 2. Its `dist/` article is due when the pair is, or the article's own inputs changed (build
 *    options, the provider chain), or the file is not what the state says.
 * 3. Before the memory is made, the due pairs whose source or segment file changed are read
 *    once (`firstLook`): what they now give the memory, and retire, is part of it. A segment
 *    file the state counted without a translation, unchanged since, is not read: reconciling
 *    never makes a translation, so it gives the memory nothing, as before.
 * 4. The memory: an open segment of another article gets something new only when a memory
 *    entry of an equal or similar source changed (`memoryAffected`). The search is exact: an
 *    article is passed over unread only when its word signature proves that none of its
 *    segments shares enough folded words with any changed source to score the threshold (the
 *    bound of `memory/tm.ts`, principle 4, read from the changed source's side:
 *    `memory/signature.ts`); in the other articles, a segment source the same bound leaves in
 *    is checked for equality or a fuzzy match like any lookup.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { HansaError, type Finding } from '../errors/index.js';
import type { StoreSegment } from '../formats/types.js';
import { contributionOf, type Contribution } from '../state/memory.js';
import type { ExtractRun } from './extract.js';
import { absorbStores, type LanguagePlan } from './incremental.js';
import { displayPath, type Project } from './project.js';
import { segmentFileName, segmentFilePath } from './store.js';
import { readWorkspaceFile, sourceDocument } from './workspace.js';
import { wordReach } from '../memory/signature.js';
import { MemoryIndex } from '../memory/tm.js';
import { checkStamp, type FileStamp, type StampCheck } from '../state/stamp.js';
import type { ArticleState } from '../state/language.js';

/** Why a pair is due (for `--json` and tests). */
export type DueReason = 'new' | 'source' | 'inputs' | 'segment-file' | 'open' | 'memory' | 'output';

/** One pair as the plan sees it. */
export interface PairCheck {
  /** Path below the content folder. */
  readonly file: string;
  readonly record: ArticleState | undefined;
  /** The segment file against the state's stamp. */
  readonly segments: StampSeen;
  /** Why the segment file must be made again; `undefined`: it is up to date. */
  readonly due: DueReason | undefined;
  /** Whether the `dist/` article must be written again. */
  readonly outputDue: boolean;
  /**
   * Whether the memory must see the pair's reconciled segment file before it is made: its
   * source or its segment file changed (or the state knows neither while a file exists), so
   * what it gives the memory may differ from the stored contribution.
   */
  readonly changesMemory: boolean;
  /** The `dist/` article against its stamp, when it was checked. */
  readonly output?: StampSeen;
}

/**
 * The key of a `dist/` article's inputs beyond the language's output key. Made for every pair
 * of every run: hex hashes joined by a separator they cannot hold, hashed once.
 */
export function outputInputs(outputKey: string, sourceHash: string, segmentHash: string | undefined): string {
  return createHash('sha256').update(`${outputKey}:${sourceHash}:${segmentHash ?? '-'}`).digest('hex').slice(0, 32);
}

/** How many stats run at once: enough to hide the latency, few enough for the thread pool. */
const parallelChecks = 32;

/** `map` over items, at most `limit` at a time, results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Check every pair of one language against the state. */
export async function checkPairs(
  documents: readonly { readonly file: string; readonly hash: string; readonly segmentFile: string; readonly output: string }[],
  articles: Readonly<Record<string, ArticleState>>,
  keys: { readonly segments: string; readonly output: string | undefined; readonly fillsOpen: boolean },
): Promise<PairCheck[]> {
  return mapLimited(documents, parallelChecks, async (document): Promise<PairCheck> => {
    const record = articles[document.file];
    // The bytes a check read are not kept: a plan lives for the whole run.
    const segments = withoutBytes(await checkStamp(document.segmentFile, record?.segments));
    const due = dueReason(record, document.hash, segments, keys);
    let outputDue = false;
    let output: StampSeen | undefined;
    if (keys.output !== undefined) {
      if (due !== undefined || record?.output === undefined) outputDue = true;
      else if (record.output.inputs !== outputInputs(keys.output, document.hash, record.segments?.hash)) outputDue = true;
      else {
        output = withoutBytes(await checkStamp(document.output, record.output.stamp));
        outputDue = output.status !== 'same' && output.status !== 'same-content';
      }
    }
    const changesMemory = record === undefined ? segments.status !== 'missing' : record.source !== document.hash || segments.status === 'changed' || segments.status === 'unreadable' || (segments.status === 'missing' && record.segments !== undefined);
    return { file: document.file, record, segments, due, outputDue, changesMemory, ...(output === undefined ? {} : { output }) };
  });
}

/** What a stamp check found, without the bytes it read (a plan lives for the whole language). */
export type StampSeen =
  | { readonly status: 'same' | 'same-content'; readonly stamp: FileStamp }
  | { readonly status: 'changed'; readonly stamp: FileStamp | undefined }
  | { readonly status: 'missing' }
  | { readonly status: 'unreadable' };

function withoutBytes(check: StampCheck): StampSeen {
  if (check.status === 'same-content') return { status: 'same-content', stamp: check.stamp };
  if (check.status === 'changed') return { status: 'changed', stamp: check.stamp };
  if (check.status === 'unreadable') return { status: 'unreadable' };
  return check;
}

function dueReason(record: ArticleState | undefined, sourceHash: string, segments: StampSeen, keys: { segments: string; fillsOpen: boolean }): DueReason | undefined {
  if (record === undefined) return 'new';
  if (record.source !== sourceHash) return 'source';
  if (record.inputs !== keys.segments) return 'inputs';
  const expected = record.segments !== undefined;
  if (segments.status === 'missing' ? expected : segments.status === 'changed' || segments.status === 'unreadable') return 'segment-file';
  if (keys.fillsOpen && record.open > 0) return 'open';
  return undefined;
}

/** How many documents are read at once: their reads overlap, their checks take turns. */
const parallelLoads = 16;

/**
 * The articles (of `candidates`) with a segment equal or similar (fuzzy score ≥ `threshold`)
 * to one of `sources`: where a changed memory entry may fill an open segment or change its
 * suggestions. `signature` gives an article's word signature (`memory/signature.ts`;
 * `undefined`: none known): an article whose signature proves it holds no segment similar to
 * any of `sources` is not loaded. The others are loaded, `parallelLoads` at a time; of their
 * segment sources, those the same bound leaves in are looked up (equality, then fuzzy match).
 */
export async function memoryAffected(
  candidates: readonly string[],
  load: (file: string) => Promise<readonly string[]>,
  sources: readonly string[],
  options: { readonly threshold: number; readonly language: string; readonly signature?: ((file: string) => Promise<Uint32Array | undefined>) | undefined },
): Promise<Set<string>> {
  const affected = new Set<string>();
  if (sources.length === 0 || candidates.length === 0) return affected;
  const exact = new Set(sources);
  const index = MemoryIndex.fromEntries(
    sources.map((source) => ({ source, target: source, state: 'translated' as const, origin: 'plan' })),
    { sourceLanguage: options.language, targetLanguage: 'und', threshold: options.threshold, limit: 1 },
  );
  const reach = wordReach(sources, options.threshold, options.language);
  // The bound first: it folds each distinct word once, where a lookup folds every word it meets.
  const similar = (source: string): boolean => exact.has(source) || ((reach?.maybeSimilar(source) ?? true) && index.lookup({ source }, { threshold: options.threshold }).length > 0);
  const found = await mapLimited(candidates, parallelLoads, async (file) => {
    if (reach !== undefined && options.signature !== undefined) {
      const signature = await options.signature(file);
      if (signature !== undefined && !reach.mayHoldSimilar(signature)) return false;
    }
    return (await load(file)).some(similar);
  });
  candidates.forEach((file, at) => {
    if (found[at] === true) affected.add(file);
  });
  return affected;
}

/** A path below a folder, `/`-separated. */
export function relativeTo(dir: string, absolute: string): string {
  return path.relative(dir, absolute).split(path.sep).join('/');
}

/** What the due documents that change the memory give it: their reconciled contributions, what they retire, and which could not be read. */
export interface FirstLook {
  readonly contributions: Map<string, Contribution>;
  readonly retired: StoreSegment[];
  readonly unreadable: Set<string>;
}

/**
 * Whether a pair's segment file, reconciled with a changed source, still gives the memory
 * nothing: the file is the one the state counted, without a single translation (drafts in
 * state `initial` are not one), and it gave nothing before. Reconciling moves and retires
 * translations, it never makes one: reading such a file would find what the state knows.
 */
function givesNothing(check: PairCheck, stored: Contribution | undefined): boolean {
  const counts = check.record?.counts;
  const unchanged = check.segments.status === 'same' || check.segments.status === 'same-content';
  return unchanged && counts !== undefined && counts.translated + counts.reviewed + counts.final === 0 && (stored === undefined || stored.entries.length === 0);
}

/**
 * The due documents whose source or segment file changed (or that the state does not know
 * while a segment file exists), read and reconciled for what they give the memory, then let go.
 */
export async function firstLook(
  run: { readonly project: Project; readonly extraction: ExtractRun; readonly documents: readonly { readonly file: string }[]; readonly errors: Finding[]; readonly signal?: AbortSignal | undefined },
  plan: LanguagePlan,
  lang: string,
): Promise<FirstLook> {
  const contributions = new Map<string, Contribution>();
  const retired: StoreSegment[] = [];
  const unreadable = new Set<string>();
  for (const { file } of run.documents) {
    const check = plan.checks.get(file);
    if (check?.changesMemory !== true || givesNothing(check, plan.memory.files[segmentFileName(file)])) continue;
    run.signal?.throwIfAborted();
    const source = await sourceDocument(run.extraction, file, run.errors);
    if (source === undefined) {
      unreadable.add(file);
      continue;
    }
    const absolute = segmentFilePath(run.project, lang, file);
    try {
      const store = await readWorkspaceFile(run.project, { ...source, lang, absolute, display: displayPath(run.project, absolute) });
      contributions.set(file, contributionOf(store.current));
      retired.push(...store.retired);
      absorbStores(run.project, plan, [store]);
    } catch (error) {
      // Reported when the document is processed; meanwhile nothing of it is memory.
      if (!(error instanceof HansaError)) throw error;
      unreadable.add(file);
    }
  }
  return { contributions, retired, unreadable };
}

