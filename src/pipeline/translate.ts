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
import type { Finding } from '../errors/index.js';
import { boundHeapGrowth, collectGarbage } from '../files/heap.js';
import { glossaryPairsReader, glossaryVersion, loadTerminology, maskSpans, memoizeHits, segmentTerms, type TermHit, type Terminology } from '../glossary/index.js';
import type { ExtractedDocument, Segment } from '../markdown/types.js';
import type { MemoryIndex } from '../memory/tm.js';
import { createProviders, type Provider, type ProviderName } from '../providers/index.js';
import { runChain, startChainRun, type ChainRun } from './chain.js';
import { damagedCacheFinding, extractProject, type ExtractRun, type Progress } from './extract.js';
import { createGate } from './gate.js';
import { contributionsInOrder, dueByMemory, dueOnItsOwn, planLanguage, type LanguagePlan, type RunDocument } from './incremental.js';
import { loadLanguageMemory } from './language-memory.js';
import { IdSet } from './id-set.js';
import { leverage, type LeverageCarry } from './leverage.js';
import { firstLook, mapLimited, type DueReason } from './plan.js';
import { cacheRoot, type Project } from './project.js';
import { documentOfSegments, readLanguageStores } from './store-file.js';
import { loadTagTranslator, type TagTranslator } from './tags.js';
import { failedExtractions, sourceDocument, type SourceDocument } from './workspace.js';
import { publishedItems } from './publish.js';
import { commitState, finishLanguage, prepareWrites, storeAndPublish } from './write.js';

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

/** Documents processed together: enough for full provider batches (thousands of segments), few enough to bound memory (with 200, a cold run at 5,000 articles peaked at the 300 MB line). */
const chunkSize = 100;

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
  boundHeapGrowth(documents.length * languages.length);
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
  // Each language reports into its own lists, put together in the languages' order: the same
  // report whichever language finished first.
  const own = languages.map((lang) => ({ lang, run: { ...run, errors: [] as Finding[], findings: [] as Finding[], outputs: new Map<string, string[]>() } }));
  const heavy = exclusiveTurns();
  const commits: Promise<void>[] = [];
  const working = mapLimited(own, languagesAtOnce(providers), async ({ lang, run: languageRun }) => {
    const planned = await planLanguageRun(languageRun, lang);
    // A language with many documents to work on has the run to itself, so memory holds one
    // language's chunk of documents; small ones go side by side.
    const work = () => translateLanguage(languageRun, lang, planned);
    const { report, plan } = planned.due.length > chunkSize ? await heavy(work) : await work();
    // Its state is written once its files have settled, while other languages go on; then the
    // plan is let go (at thousands of articles, nine plans would not fit in a small runner).
    if (plan !== undefined) {
      const commit = commitState(languageRun, plan);
      // Awaited below; handled here too, for a run another language stopped first.
      commit.catch(() => undefined);
      commits.push(commit);
    }
    return report;
  });
  // A language that finished keeps its state even when another one stops the run.
  const reports = await working.finally(() => Promise.allSettled(commits));
  await Promise.all(commits);
  for (const { run: languageRun } of own) {
    errors.push(...languageRun.errors);
    findings.push(...languageRun.findings);
    for (const [file, outputs] of languageRun.outputs) run.outputs.set(file, [...(run.outputs.get(file) ?? []), ...outputs]);
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

/**
 * How many languages are worked on at once: a run whose providers are all local spends most of
 * a small run's time waiting for files, which other languages' work fills; remote providers keep
 * one language at a time (their queue already runs requests side by side).
 */
function languagesAtOnce(providers: readonly Provider[]): number {
  return providers.every((provider) => provider.capabilities.isLocal) ? 3 : 1;
}

/** Run work one at a time, in the order it asks for its turn. */
function exclusiveTurns(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const turn = last.then(work);
    last = turn.catch(() => undefined);
    return turn;
  };
}

/** What a language's plan found due. */
interface LanguageDue {
  readonly plan: LanguagePlan;
  readonly first: Awaited<ReturnType<typeof firstLook>>;
  readonly due: readonly RunDocument[];
  readonly skipped: number;
  readonly reasons: Partial<Record<DueReason, number>>;
}

/** One language's plan over the state, then what the due documents change in the memory and which other documents that makes due. */
async function planLanguageRun(run: RunState, lang: string): Promise<LanguageDue> {
  const { project, options, mode, providers, findings } = run;
  const { config } = project;
  options.signal?.throwIfAborted();
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
  const first = await firstLook({ ...run, signal: options.signal }, plan, lang);
  const byMemory = await dueByMemory(plan, run.documents, (file) => run.extraction.sources(file), { threshold: config.memory.fuzzyThreshold, language: config.sourceLanguage, signature: (file) => run.extraction.signature(file) });
  const due = run.documents.filter((document) => dueOnItsOwn(plan, document.file) || byMemory.has(document.file));
  const skipped = run.documents.length - due.length;
  const reasons: Partial<Record<DueReason, number>> = {};
  for (const { file } of due) {
    const check = plan.checks.get(file);
    const reason: DueReason = check?.due ?? (check?.outputDue === true ? 'output' : 'memory');
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  run.progress.done += skipped;
  return { plan, first, due, skipped, reasons };
}

/**
 * One language: the memory → leverage, chain, gate, store and publish a chunk of documents at a
 * time → prune, feed, state.
 */
async function translateLanguage(run: RunState, lang: string, { plan, first, due, skipped, reasons }: LanguageDue): Promise<{ report: LanguageReport; plan: LanguagePlan | undefined }> {
  const { project, options, providers, chain, errors, findings } = run;
  const { config } = project;
  const terminology = due.length === 0 ? undefined : await run.terminology();
  // Glossary hits are kept for one chunk: kept for the whole language they grew with the
  // project (370,000 segments at 5,000 articles, some 30 MB by the end of each language).
  let chunkHits = memoizeHits(terminology);
  const hitsOf = (segment: Segment): TermHit[] => chunkHits(segment);
  // 2. The memory, as a run from scratch would make it, when anything is due.
  const memory = due.length === 0 ? undefined : await loadLanguageMemory(project, lang, { retired: first.retired, entries: contributionsInOrder(project, plan, run.documents, first.contributions, first.unreadable) });
  const gate = await createGate(terminology, { sourceLanguage: config.sourceLanguage, lang, hitsOf, providers });
  const carry: LeverageCarry = { accepted: new Map(), fuzzy: new Map(), sent: new IdSet() };
  const refusals = new Map<string, string>();
  const totals = { files: 0, leveraged: 0, untranslated: 0, characters: 0, requests: 0, estimatedCost: 0 };
  const published = publishedItems(project, lang);
  const writes = chain.dryRun ? undefined : await prepareWrites(run, lang, { temporaries: plan.temporaries });
  // The spool of the feed's items goes whatever happens (a stopped run's is removed by the next).
  try {
    for (let start = 0; start < due.length; start += chunkSize) {
      options.signal?.throwIfAborted();
      const sources: SourceDocument[] = [];
      for (const { file } of due.slice(start, start + chunkSize)) {
        const document = await sourceDocument(run.extraction, file, run.errors);
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
      findings.push(...(await gate.termFindings(sources, carry.accepted)));
      for (const { file, document } of sources) if (!run.terms.has(file)) run.terms.set(file, document.segments.flatMap((segment) => hitsOf(segment).map((hit) => ({ segment: segment.id, term: hit.term, text: hit.text, start: hit.start, end: hit.end }))));
      totals.leveraged += leveraged.leveraged;
      totals.untranslated += leveraged.pending.size;
      totals.characters += sent.characters;
      totals.requests += sent.requests;
      totals.estimatedCost += sent.estimatedCost;
      // 4–5. Segment files, then dist/.
      if (writes !== undefined) await storeAndPublish(run, plan, lang, stores, { carry, refusals, hitsOf, terminology, retire: writes.retire, published });
      else run.progress.done += stores.length;
      // The chunk's documents, files and hits are garbage now: collected, so memory stays bounded.
      chunkHits = memoizeHits(terminology);
      if (due.length > chunkSize) collectGarbage();
    }
    if (writes !== undefined) await finishLanguage(run, plan, lang, published);
  } finally {
    await published.dispose();
  }
  const byOrigin: Record<string, number> = {};
  for (const { origin } of carry.accepted.values()) byOrigin[origin] = (byOrigin[origin] ?? 0) + 1;
  const translated = carry.accepted.size;
  const report: LanguageReport = { lang, files: totals.files, articles: { due: due.length, skipped, reasons }, segments: translated + totals.untranslated, translated, untranslated: totals.untranslated, leveraged: totals.leveraged, characters: totals.characters, requests: totals.requests, estimatedCost: totals.estimatedCost, byOrigin };
  // A dry run writes nothing, the state included.
  return { report, plan: writes === undefined ? undefined : plan };
}

