/**
 * `hansa translate`: extract → leverage → provider chain → gate → store → publish, composed
 * from the stages of DESIGN §1; each stage lives in its own module and is tested alone.
 *
 * 1. Each distinct segment is translated once per language, however often it occurs.
 * 2. Tags come from locale resources; everything else goes down the provider chain,
 *    in order, until a provider gives a valid answer.
 * 3. An answer whose codes do not match its source is never used: the next provider
 *    gets the segment, and if none can, the source text stays with a finding.
 * 4. Outputs are written atomically; a bad source file is reported and skipped.
 * 5. Translations whose source is gone reach the memory before any segment file that held
 *    them is rewritten without them: a run stopped in between (Ctrl-C, kill -9, a full disk)
 *    must not lose them (DESIGN §8.1). If they cannot be kept, those files wait.
 */
import path from 'node:path';
import { HansaError, type Finding } from '../errors/index.js';
import { removeStaleTemporaries } from '../files/index.js';
import type { SegmentFile, StoreSegment } from '../formats/types.js';
import { glossaryPairsReader, glossaryVersion, loadTerminology, maskSpans, memoizeHits, segmentTerms, type TermHit, type Terminology } from '../glossary/index.js';
import type { ExtractedDocument, Segment } from '../markdown/index.js';
import type { MemoryIndex } from '../memory/tm.js';
import { createProviders, type Provider, type ProviderName } from '../providers/index.js';
import { contributionOf, type Contribution } from '../state/memory.js';
import { publication, writeArticle, type Override } from './build.js';
import { runChain, startChainRun, type ChainRun } from './chain.js';
import { damagedCacheFinding, extractProject, type ExtractRun, type Progress } from './extract.js';
import { annotate, fillOpen } from './fill.js';
import { createGate } from './gate.js';
import { absorbStores, commitLanguage, contributionsInOrder, dueByMemory, dueOnItsOwn, forgetPair, planLanguage, recordOutput, recordStore, type LanguagePlan, type RunDocument } from './incremental.js';
import { loadLanguageMemory } from './language-memory.js';
import { leverage, type LeverageCarry } from './leverage.js';
import { cacheRoot, displayPath, type Project } from './project.js';
import type { DueReason } from './plan.js';
import { listArticles, publishFeed, pruneDeleted } from './publish.js';
import { retiredPath, retireSegments } from './retired.js';
import { segmentFilePath } from './store.js';
import { documentOfSegments, readLanguageStores, storeSegmentFile, type LanguageStore } from './store-file.js';
import { loadTagTranslator, type TagTranslator } from './tags.js';
import { ioReporter, readWorkspaceFile, type SourceDocument } from './workspace.js';

/** Options of `translateProject`. */
export interface TranslateOptions {
  /** Files relative to the content folder; default all. */
  readonly files?: readonly string[];
  /** Target languages; default the config's. */
  readonly targetLanguages?: readonly string[];
  /** Provider chain; default the config's. */
  readonly providers?: readonly ProviderName[];
  /** `translate` (default) runs everything; `extract` updates segment files from the memory only: no provider, no `dist/`. */
  readonly mode?: 'translate' | 'extract';
  /** Count what would be sent and what it would cost; call and write nothing. */
  readonly dryRun?: boolean;
  readonly workers?: number;
  /** An extraction this command already made (of the same `files`): used instead of extracting again, so each file is parsed once. */
  readonly extraction?: ExtractRun;
  readonly onProgress?: (progress: Progress & { readonly phase: 'extract' | 'translate' }) => void;
  readonly signal?: AbortSignal;
  /** Where credentials come from (`DEEPL_AUTH_KEY`, `DEEPL_API_URL`, …). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Per-language totals of a run. */
export interface LanguageReport {
  readonly lang: string;
  readonly files: number;
  readonly segments: number;
  readonly translated: number;
  readonly untranslated: number;
  /** Segments served by the memory or locale resources. */
  readonly leveraged: number;
  /** Articles whose inputs changed since the last run (processed), and those that did not (skipped). */
  readonly articles: { readonly due: number; readonly skipped: number; readonly reasons: Readonly<Partial<Record<DueReason, number>>> };
  /** Characters sent (or, in a dry run, to be sent) to providers that are not the memory. */
  readonly characters: number;
  readonly requests: number;
  readonly estimatedCost: number;
  readonly byOrigin: Readonly<Record<string, number>>;
}

/** What a translate run did. */
export interface TranslateSummary {
  readonly dryRun: boolean;
  readonly files: readonly {
    readonly file: string;
    readonly ok: boolean;
    readonly segments: number;
    readonly words: number;
    readonly outputs: readonly string[];
    /** Glossary terms found, per segment (offsets in the segment's plain text). */
    readonly terms: readonly { readonly segment: string; readonly term: string; readonly text: string; readonly start: number; readonly end: number }[];
  }[];
  readonly languages: readonly LanguageReport[];
  readonly errors: readonly Finding[];
  readonly findings: readonly Finding[];
  readonly parsed: number;
}

/** Run the whole pipeline (or, with `mode: 'extract'`, everything but providers and `dist/`). */
export async function translateProject(project: Project, options: TranslateOptions = {}): Promise<TranslateSummary> {
  const chain = startChainRun({ config: project.config, journalFile: path.join(cacheRoot(project), 'journal.jsonl'), dryRun: options.dryRun ?? false, signal: options.signal });
  try {
    return await runProject(project, options, chain);
  } finally {
    await chain.close();
  }
}

/** What the stages of one language share of the run. */
interface RunState {
  readonly project: Project;
  readonly options: TranslateOptions;
  readonly mode: 'translate' | 'extract';
  readonly extraction: ExtractRun;
  /** The run's documents that extracted, in path order (loaded when a language needs them). */
  readonly documents: readonly RunDocument[];
  readonly load: (file: string) => Promise<ExtractedDocument>;
  readonly providers: readonly Provider[];
  readonly chain: ChainRun;
  readonly tags: TagTranslator;
  readonly terminology: () => Promise<Terminology | undefined>;
  readonly errors: Finding[];
  readonly findings: Finding[];
  /** Published files per source file (below the content folder). */
  readonly outputs: Map<string, string[]>;
  /** Glossary terms of the documents processed, per source file. */
  readonly terms: Map<string, TranslateSummary['files'][number]['terms']>;
  readonly progress: { done: number; readonly total: number };
}

/** Documents processed together: enough for full provider batches, few enough to bound memory. */
const chunkSize = 200;

async function runProject(project: Project, options: TranslateOptions, chain: ChainRun): Promise<TranslateSummary> {
  const { config } = project;
  const mode = options.mode ?? 'translate';
  const languages = options.targetLanguages ?? config.targetLanguages;
  // Before any document is read: a missing credential stops the run at once.
  const providers = mode === 'extract' ? [] : createProviders(options.providers ?? config.providers, { config, env: options.env, dryRun: chain.dryRun, glossaryEntries: glossaryPairsReader(project.cwd, config) });
  const extraction = options.extraction ?? await extractProject(project, {
    ...(options.files === undefined ? {} : { files: options.files }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (progress) => options.onProgress?.({ ...progress, phase: 'extract' }),
  });
  const errors: Finding[] = failedExtractions(extraction);
  const findings: Finding[] = [];
  const documents = extraction.outcomes.flatMap((outcome) => (outcome.ok ? [{ file: outcome.file, hash: outcome.hash }] : []));
  let terminology: Promise<Terminology | undefined> | undefined;
  const run: RunState = {
    project,
    options,
    mode,
    extraction,
    documents,
    load: (file) => extraction.load(file),
    providers,
    chain,
    tags: await loadTagTranslator(project.cwd, languages),
    terminology: () => (terminology ??= loadTerminology(project.cwd, config, { cacheDir: path.join(cacheRoot(project), 'terms'), onCacheDamaged: (file, reason) => void findings.push(damagedCacheFinding(project, file, reason)) })),
    errors,
    findings,
    outputs: new Map(),
    terms: new Map(),
    progress: { done: 0, total: languages.length * documents.length },
  };
  const reports: LanguageReport[] = [];
  for (const lang of languages) {
    options.signal?.throwIfAborted();
    reports.push(await translateLanguage(run, lang));
  }
  // Read after the loads: a damaged cache entry met while loading is among them.
  findings.unshift(...extraction.findings);
  return {
    dryRun: chain.dryRun,
    files: extraction.outcomes.map((outcome) => ({
      file: `${extraction.context.displayRoot}/${outcome.file}`,
      ok: outcome.ok,
      segments: outcome.ok ? outcome.segments : 0,
      words: outcome.ok ? outcome.words : 0,
      outputs: run.outputs.get(outcome.file) ?? [],
      terms: run.terms.get(outcome.file) ?? [],
    })),
    languages: reports,
    errors,
    findings,
    parsed: extraction.parsed,
  };
}

/** The files that failed to extract, as error findings. */
function failedExtractions(extraction: ExtractRun): Finding[] {
  return extraction.outcomes.flatMap((outcome): Finding[] =>
    outcome.ok ? [] : [{ code: outcome.error.code, severity: 'error', file: `${extraction.context.displayRoot}/${outcome.file}`, ...(outcome.error.line === undefined ? {} : { line: outcome.error.line }), message: outcome.error.message, data: outcome.error.data }],
  );
}

/**
 * One language: plan over the state → the due documents' memory changes → the memory →
 * leverage, chain, gate, store and publish a chunk of documents at a time → prune, feed, state.
 */
async function translateLanguage(run: RunState, lang: string): Promise<LanguageReport> {
  const { project, options, mode, providers, chain, errors, findings } = run;
  const { config } = project;
  const plan = await planLanguage(project, lang, {
    documents: run.documents,
    chain: providers.map((provider) => provider.name),
    synthetic: providers.filter((provider) => provider.capabilities.isSynthetic).map((provider) => provider.name),
    fillsOpen: providers.some((provider) => !provider.capabilities.isLocal),
    mode,
    glossaryVersion: async () => glossaryVersion(await run.terminology(), config.sourceLanguage, lang),
    onDamaged: (file, reason) => void findings.push(damagedCacheFinding(project, file, reason)),
  });
  // 1. What the due documents change in the memory: only those whose source or segment file
  //    changed need a look before the memory is made; then the open segments it may now fill.
  const first = await firstLook(run, plan, lang);
  const byMemory = await dueByMemory(plan, run.documents, run.load, { threshold: config.memory.fuzzyThreshold, language: config.sourceLanguage });
  const due = run.documents.filter((document) => dueOnItsOwn(plan, document.file) || byMemory.has(document.file));
  const skipped = run.documents.length - due.length;
  const reasons: Partial<Record<DueReason, number>> = {};
  for (const { file } of due) {
    const check = plan.checks.get(file);
    const reason: DueReason = check?.due ?? (check?.outputDue === true ? 'output' : 'memory');
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  run.progress.done += skipped;
  const terminology = due.length === 0 ? undefined : await run.terminology();
  const hitsOf = memoizeHits(terminology);
  // 2. The memory, as a run from scratch would make it, when anything is due.
  const memory = due.length === 0 ? undefined : await loadLanguageMemory(project, lang, { retired: first.retired, entries: contributionsInOrder(project, plan, run.documents, first.contributions, first.unreadable) });
  const gate = await createGate(terminology, { sourceLanguage: config.sourceLanguage, lang, hitsOf, providers });
  const carry: LeverageCarry = { accepted: new Map(), fuzzy: new Map(), sent: new Set() };
  const refusals = new Map<string, string>();
  const totals = { files: 0, leveraged: 0, untranslated: 0, characters: 0, requests: 0, estimatedCost: 0 };
  const published = new Map<string, string>();
  const writes = chain.dryRun ? undefined : await prepareWrites(run, lang);
  for (let start = 0; start < due.length; start += chunkSize) {
    options.signal?.throwIfAborted();
    const sources: SourceDocument[] = [];
    for (const { file } of due.slice(start, start + chunkSize)) {
      const document = await loadSource(run, file);
      if (document !== undefined) sources.push(document);
    }
    // 3. Segment files, carried over to the current sources; leverage; providers behind the gate.
    const stores = await readLanguageStores(project, lang, sources, { errors, signal: options.signal });
    totals.files += stores.length;
    const leveraged = leverage(stores, { lang, tags: run.tags, memory: memory as MemoryIndex, fuzzyThreshold: config.memory.fuzzyThreshold }, carry);
    const sent = await runChain(providers, leveraged.pending, carry.accepted, chain, {
      lang,
      findings,
      termsOf: (segment) => segmentTerms(hitsOf(segment), terminology, lang),
      spansOf: (segment) => maskSpans(hitsOf(segment), terminology, lang),
      gate: gate.refusalsOf,
      glossaryVersion: glossaryVersion(terminology, config.sourceLanguage, lang),
      documentOf: documentOfSegments(stores),
    });
    for (const id of leveraged.pending.keys()) carry.sent.add(id);
    for (const [id, reason] of sent.refusals) refusals.set(id, reason);
    findings.push(...gate.termFindings(sources, carry.accepted));
    for (const { file, document } of sources) if (!run.terms.has(file)) run.terms.set(file, document.segments.flatMap((segment) => hitsOf(segment).map((hit) => ({ segment: segment.id, term: hit.term, text: hit.text, start: hit.start, end: hit.end }))));
    totals.leveraged += leveraged.leveraged;
    totals.untranslated += leveraged.pending.size;
    totals.characters += sent.characters;
    totals.requests += sent.requests;
    totals.estimatedCost += sent.estimatedCost;
    // 4–5. Segment files, then dist/.
    if (writes !== undefined) await storeAndPublish(run, plan, lang, stores, { carry, refusals, hitsOf, terminology, retire: writes.retire, published });
    else run.progress.done += stores.length;
  }
  if (writes !== undefined) await finishLanguage(run, plan, lang, published);
  const byOrigin: Record<string, number> = {};
  for (const { origin } of carry.accepted.values()) byOrigin[origin] = (byOrigin[origin] ?? 0) + 1;
  const translated = carry.accepted.size;
  return { lang, files: totals.files, articles: { due: due.length, skipped, reasons }, segments: translated + totals.untranslated, translated, untranslated: totals.untranslated, leveraged: totals.leveraged, characters: totals.characters, requests: totals.requests, estimatedCost: totals.estimatedCost, byOrigin };
}

/** A document of the run with its extraction, or `undefined` (an error finding) when its cached extraction and source are both gone. */
async function loadSource(run: RunState, file: string): Promise<SourceDocument | undefined> {
  const sourcePath = `${run.extraction.context.displayRoot}/${file}`;
  try {
    return { file, sourcePath, document: await run.load(file) };
  } catch (error) {
    if (!(error instanceof HansaError)) throw error;
    run.errors.push({ code: error.code, severity: 'error', file: error.file ?? sourcePath, ...(error.line === undefined ? {} : { line: error.line }), message: error.message, data: error.data });
    return undefined;
  }
}

/**
 * The due documents whose source or segment file changed (or that the state does not know
 * while a segment file exists), read and reconciled for what they give the memory, then let go.
 */
async function firstLook(run: RunState, plan: LanguagePlan, lang: string): Promise<{ contributions: Map<string, Contribution>; retired: StoreSegment[]; unreadable: Set<string> }> {
  const contributions = new Map<string, Contribution>();
  const retired: StoreSegment[] = [];
  const unreadable = new Set<string>();
  for (const { file } of run.documents) {
    const check = plan.checks.get(file);
    if (check?.changesMemory !== true) continue;
    run.options.signal?.throwIfAborted();
    const source = await loadSource(run, file);
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

/** Before a language's first write: leftovers of a killed run go, and the retired file is ready. */
async function prepareWrites(run: RunState, lang: string): Promise<{ retire: (segments: readonly StoreSegment[]) => Promise<boolean> }> {
  const { project, mode } = run;
  const reported = ioReporter(run.errors, lang);
  const outDir = path.resolve(project.cwd, project.config.outDir, lang);
  // Temporary files of a killed run (a rename that never happened) are Hansa's own: gone.
  if (mode === 'translate') await reported(displayPath(project, outDir), () => removeStaleTemporaries(outDir));
  const segmentDir = path.resolve(project.cwd, project.config.translationsDir, lang);
  await reported(displayPath(project, segmentDir), () => removeStaleTemporaries(segmentDir));
  return { retire: (segments) => reported(displayPath(project, retiredPath(project, lang)), () => retireSegments(project, lang, segments)) };
}

/**
 * Segment files get the new translations (never over a human's), glossary and check notes,
 * memory suggestions; then `dist/` is built from them (`translate` mode only). Each is
 * recorded in the state as the run leaves it.
 */
async function storeAndPublish(
  run: RunState,
  plan: LanguagePlan,
  lang: string,
  stores: readonly LanguageStore[],
  context: {
    carry: LeverageCarry;
    refusals: ReadonlyMap<string, string>;
    hitsOf: (segment: Segment) => TermHit[];
    terminology: Terminology | undefined;
    retire: (segments: readonly StoreSegment[]) => Promise<boolean>;
    published: Map<string, string>;
  },
): Promise<void> {
  const { project, options, mode, findings } = run;
  const { config } = project;
  const { accepted, fuzzy } = context.carry;
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
        context.published.set(store.file, written.text);
        if (written.written) run.outputs.set(store.file, [...(run.outputs.get(store.file) ?? []), written.output]);
      });
    }
  }
}

/**
 * After a language's files: articles of deleted sources leave `dist/` (a full run), the feed is
 * brought up to date, and the state records what is on disk.
 */
async function finishLanguage(run: RunState, plan: LanguagePlan, lang: string, published: ReadonlyMap<string, string>): Promise<void> {
  const { project, options, mode } = run;
  options.signal?.throwIfAborted();
  const full = options.files === undefined;
  const reported = ioReporter(run.errors, lang);
  const outDir = path.resolve(project.cwd, project.config.outDir, lang);
  if (full) {
    // A full run knows every article: a source that is gone takes its pair out of the state.
    const present = new Set(run.extraction.outcomes.map((outcome) => outcome.file));
    for (const file of Object.keys(plan.data.articles)) if (!present.has(file)) forgetPair(plan, file);
  }
  if (mode === 'translate') {
    let listing = await listArticles(project, lang);
    let removed = 0;
    if (full) {
      const keep = new Set(run.extraction.outcomes.map((outcome) => outcome.file));
      await reported(displayPath(project, outDir), async () => {
        removed = (await pruneDeleted(project, lang, plan.data, keep, listing)).length;
      });
      if (removed > 0) listing = await listArticles(project, lang);
    }
    const verified = new Set([...plan.checks.values()].filter((check) => !check.outputDue).map((check) => check.file));
    await reported(displayPath(project, path.join(outDir, 'index.json')), async () => {
      const feed = await publishFeed(project, lang, plan.data, { published, removed, listing, verified, stateKey: plan.key });
      if (feed !== undefined) plan.written.push({ kind: 'feed', file: '', absolute: feed.absolute, hash: feed.hash });
    });
  }
  await reported(displayPath(project, path.join(cacheRoot(project), 'state', lang)), () => commitLanguage(project, plan, { full }));
}
