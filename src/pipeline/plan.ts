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
 *    once (`firstLook`): what they now give the memory, and retire, is part of it.
 * 4. The memory: an open segment of another article gets something new only when a memory
 *    entry of an equal or similar source changed (`memoryAffected`). The search is exact: a
 *    source is skipped only when it provably shares no folded word with any changed source
 *    (the bound of `memory/tm.ts`, principle 4, read from the changed source's side).
 */
import path from 'node:path';
import { HansaError, type Finding } from '../errors/index.js';
import type { StoreSegment } from '../formats/types.js';
import { contributionOf, type Contribution } from '../state/memory.js';
import type { ExtractRun } from './extract.js';
import { absorbStores, type LanguagePlan } from './incremental.js';
import { displayPath, type Project } from './project.js';
import { segmentFilePath } from './store.js';
import { readWorkspaceFile, sourceDocument } from './workspace.js';
import { foldWord } from '../memory/fuzzy.js';
import { MemoryIndex } from '../memory/tm.js';
import { checkStamp, type StampCheck } from '../state/stamp.js';
import type { ArticleState } from '../state/language.js';
import { keyOf } from '../state/version.js';

/** Why a pair is due (for `--json` and tests). */
export type DueReason = 'new' | 'source' | 'inputs' | 'segment-file' | 'open' | 'memory' | 'output';

/** One pair as the plan sees it. */
export interface PairCheck {
  /** Path below the content folder. */
  readonly file: string;
  readonly record: ArticleState | undefined;
  /** The segment file against the state's stamp. */
  readonly segments: StampCheck;
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
  readonly output?: StampCheck;
}

/** The key of a `dist/` article's inputs beyond the language's output key. */
export function outputInputs(outputKey: string, sourceHash: string, segmentHash: string | undefined): string {
  return keyOf([outputKey, sourceHash, segmentHash ?? null]);
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
    let output: StampCheck | undefined;
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

/** A check without the bytes it read. */
function withoutBytes(check: StampCheck): StampCheck {
  if (check.status === 'same-content') return { status: 'same-content', stamp: check.stamp, bytes: Buffer.alloc(0) };
  if (check.status === 'changed') return { status: 'changed', stamp: check.stamp, bytes: Buffer.alloc(0) };
  return check;
}

function dueReason(record: ArticleState | undefined, sourceHash: string, segments: StampCheck, keys: { segments: string; fillsOpen: boolean }): DueReason | undefined {
  if (record === undefined) return 'new';
  if (record.source !== sourceHash) return 'source';
  if (record.inputs !== keys.segments) return 'inputs';
  const expected = record.segments !== undefined;
  if (segments.status === 'missing' ? expected : segments.status === 'changed' || segments.status === 'unreadable') return 'segment-file';
  if (keys.fillsOpen && record.open > 0) return 'open';
  return undefined;
}

/** Folded words a source must share with a similar one, or `undefined` when any source may be similar. */
function requiredWords(source: string, threshold: number, language: string): Set<string> | undefined {
  const words = source.replace(/<[^>]*>/g, ' ').match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  // An upper bound of the source's weight (tm.ts): 20 a word, and at most 10 for any other
  // visible character (punctuation weighs 5, a code 5 or 10 for a whole tag of characters).
  const others = source.replace(/[\p{L}\p{M}\p{N}\s]/gu, '').length;
  const weight = 20 * words.length + 10 * others;
  // C ≥ α = N − (100 − t)·W/(20·t) shared words for a score ≥ t; α ≤ 0: no word is needed.
  const alpha = words.length - ((100 - threshold) * weight) / (20 * threshold);
  if (alpha <= 0) return undefined;
  return new Set(words.map((word) => foldWord(word, language)));
}

/**
 * The articles (of `candidates`) with a segment equal or similar (fuzzy score ≥ `threshold`)
 * to one of `sources`: where a changed memory entry may fill an open segment or change its
 * suggestions. Documents are loaded one at a time.
 */
export async function memoryAffected(
  candidates: readonly string[],
  load: (file: string) => Promise<readonly string[]>,
  sources: readonly string[],
  options: { readonly threshold: number; readonly language: string },
): Promise<Set<string>> {
  const affected = new Set<string>();
  if (sources.length === 0 || candidates.length === 0) return affected;
  const exact = new Set(sources);
  const index = MemoryIndex.fromEntries(
    sources.map((source) => ({ source, target: source, state: 'translated' as const, origin: 'plan' })),
    { sourceLanguage: options.language, targetLanguage: 'und', threshold: options.threshold, limit: 1 },
  );
  const required = sources.map((source) => requiredWords(source, options.threshold, options.language));
  const anyWord = required.some((words) => words === undefined);
  const words = [...new Set(required.flatMap((set) => (set === undefined ? [] : [...set])))];
  for (const file of candidates) {
    const similar = (await load(file)).some((source) => {
      if (exact.has(source)) return true;
      if (!anyWord) {
        const folded = foldWord(source, options.language);
        if (!words.some((word) => folded.includes(word))) return false;
      }
      return index.lookup({ source }, { threshold: options.threshold }).length > 0;
    });
    if (similar) affected.add(file);
  }
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
    if (check?.changesMemory !== true) continue;
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

