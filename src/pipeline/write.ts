/**
 * The write stage of a language's run: segment files (store), then `dist/` articles, the
 * feed and the project state (publish), for a chunk of documents at a time.
 *
 * 1. A human translation is never overwritten (`fill.ts` fills only open segments), and a
 *    segment file changed on disk since it was read is read again, not overwritten
 *    (`store-file.ts`, DESIGN §8.9).
 * 2. Translations whose source is gone reach `retired.tmx` before any file that held them is
 *    rewritten without them (DESIGN §8.1); when they cannot be kept, those files wait.
 * 3. Every file is written atomically, and only when its bytes change; a file the system
 *    refuses is an error naming it, and the other files and languages go on.
 * 4. What is written is recorded in the state as it is on disk (`incremental.ts`).
 */
import path from 'node:path';
import type { Finding } from '../errors/index.js';
import { removeStaleTemporaries } from '../files/index.js';
import type { SegmentFile, StoreSegment } from '../formats/types.js';
import type { TermHit, Terminology } from '../glossary/index.js';
import type { Segment } from '../markdown/types.js';
import type { Override } from './build.js';
import type { ExtractRun, Progress } from './extract.js';
import { annotate, fillOpen } from './fill.js';
import { commitLanguage, forgetPair, recordOutput, recordStore, type LanguagePlan } from './incremental.js';
import type { LeverageCarry } from './leverage.js';
import { cacheRoot, displayPath, type Project } from './project.js';
import { publishLanguage } from './publish.js';
import type { PublishedItems } from '../publish/feed-file.js';
import { feedItem } from '../publish/index.js';
import { retiredPath, retireSegments } from './retired.js';
import { storeSegmentFile, type LanguageStore } from './store-file.js';
import { ioReporter } from './workspace.js';

/** What the write stage needs of the run. */
export interface WriteRun {
  readonly project: Project;
  readonly options: {
    readonly files?: readonly string[] | undefined;
    readonly signal?: AbortSignal | undefined;
    readonly onProgress?: ((progress: Progress & { readonly phase: 'extract' | 'translate' }) => void) | undefined;
  };
  /** `translate` writes segment files and `dist/`; `extract` segment files only. */
  readonly mode: 'translate' | 'extract';
  readonly extraction: ExtractRun;
  readonly errors: Finding[];
  readonly findings: Finding[];
  /** Published files per source file (below the content folder). */
  readonly outputs: Map<string, string[]>;
  readonly progress: { done: number; readonly total: number };
}

/** Before a language's first write: leftovers of a killed run go, and the retired file is ready. */
export async function prepareWrites(run: WriteRun, lang: string, plan: { readonly temporaries: boolean }): Promise<{ retire: (segments: readonly StoreSegment[]) => Promise<boolean> }> {
  const { project } = run;
  const reported = ioReporter(run.errors, lang);
  // Temporary files of a killed run (a rename that never happened) are Hansa's own: gone where
  // the plan's listing saw some (those of `dist/` go with its listing, in `finishLanguage`).
  const segmentDir = path.resolve(project.cwd, project.config.translationsDir, lang);
  if (plan.temporaries) await reported(displayPath(project, segmentDir), () => removeStaleTemporaries(segmentDir));
  return { retire: (segments) => reported(displayPath(project, retiredPath(project, lang)), () => retireSegments(project, lang, segments)) };
}

/**
 * Segment files get the new translations (never over a human's), glossary and check notes,
 * memory suggestions; then `dist/` is built from them (`translate` mode only). Each is
 * recorded in the state as the run leaves it.
 */
export async function storeAndPublish(
  run: WriteRun,
  plan: LanguagePlan,
  lang: string,
  stores: readonly LanguageStore[],
  context: {
    carry: LeverageCarry;
    refusals: ReadonlyMap<string, string>;
    hitsOf: (segment: Segment) => TermHit[];
    terminology: Terminology | undefined;
    retire: (segments: readonly StoreSegment[]) => Promise<boolean>;
    published: PublishedItems;
  },
): Promise<void> {
  const { project, options, mode, findings } = run;
  const { config } = project;
  const { accepted, fuzzy } = context.carry;
  // The merge (and with it the Markdown parser) is loaded only by a run that writes articles.
  const { publication, writeArticle } = await import('./build.js');
  // Copy and pseudo output is published from the run, never stored.
  const overrides = new Map<string, Override>();
  for (const [id, entry] of accepted) if (entry.synthetic === true) overrides.set(id, entry);
  const outDir = path.resolve(project.cwd, config.outDir, lang);
  const reported = ioReporter(run.errors, lang);
  // Translations whose source is gone reach the memory before any file that held them is rewritten.
  const retiredKept = await context.retire(stores.flatMap((store) => store.retired));
  const annotation = { hitsOf: context.hitsOf, terminology: context.terminology, lang, sourceLanguage: config.sourceLanguage, lengthRatio: config.qa.lengthRatio, refusals: context.refusals };
  for (const store of stores) {
    // Ctrl-C between two files: each file is whole (written or not), the rest is for the rerun.
    options.signal?.throwIfAborted();
    run.progress.done += 1;
    options.onProgress?.({ phase: 'translate', done: run.progress.done, total: run.progress.total });
    if (!retiredKept && store.retired.length > 0) continue;
    let updated: SegmentFile | undefined;
    await reported(store.display, async () => {
      updated = await storeSegmentFile(store, (current) => annotate(fillOpen(current, accepted, fuzzy), store.document, annotation), {
        project,
        findings,
        lang,
        retire: context.retire,
        onStored: (file, text) => recordStore(project, plan, store, file, text),
      });
    });
    if (mode === 'translate' && updated !== undefined) {
      const stored = updated;
      await reported(displayPath(project, path.resolve(outDir, store.file)), async () => {
        const chosen = publication(store.document, stored, { ...config.build, overrides });
        const written = await writeArticle(project, { lang, file: store.file, sourcePath: store.sourcePath, document: store.document, publication: chosen });
        findings.push(...written.findings);
        recordOutput(plan, store.file, { ...written, status: chosen.status });
        await context.published.add(store.file, feedItem(written.text, store.file, lang, config.feed.baseUrl));
        if (written.written) run.outputs.set(store.file, [...(run.outputs.get(store.file) ?? []), written.output]);
      });
    }
  }
}

/**
 * After a language's files: articles of deleted sources leave `dist/` (a full run), the feed is
 * brought up to date, and the state records what is on disk.
 */
export async function finishLanguage(run: WriteRun, plan: LanguagePlan, lang: string, published: PublishedItems): Promise<void> {
  const { project, options, mode } = run;
  options.signal?.throwIfAborted();
  const full = options.files === undefined;
  const reported = ioReporter(run.errors, lang);
  if (full) {
    // A full run knows every article: a source that is gone takes its pair out of the state.
    const present = new Set(run.extraction.outcomes.map((outcome) => outcome.file));
    for (const file of Object.keys(plan.data.articles)) if (!present.has(file)) forgetPair(plan, file);
  }
  if (mode === 'translate') {
    const verified = new Set([...plan.checks.values()].filter((check) => !check.outputDue).map((check) => check.file));
    const keep = full ? new Set(run.extraction.outcomes.map((outcome) => outcome.file)) : undefined;
    await publishLanguage(project, lang, plan, { keep, published, verified, reported });
  }
}

/**
 * The state of a language, written once its files have settled (`commitLanguage` waits out the
 * clock's tick after the last write, so every stamp is trusted by stat). A run stopped before
 * leaves the old state, which the files written since disagree with: the next run reads them again.
 */
export async function commitState(run: WriteRun, plan: LanguagePlan): Promise<void> {
  const reported = ioReporter(run.errors, plan.lang);
  await reported(displayPath(run.project, path.join(cacheRoot(run.project), 'state', plan.lang)), () => commitLanguage(run.project, plan, { full: run.options.files === undefined }));
}
