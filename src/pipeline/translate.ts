/**
 * `hansa translate`: extract → leverage memory → providers → validate → merge → write.
 *
 * 1. Each distinct segment is translated once per language, however often it occurs.
 * 2. Tags come from locale resources; everything else goes down the provider chain,
 *    in order, until a provider gives a valid answer.
 * 3. An answer whose codes do not match its source is never used: the next provider
 *    gets the segment, and if none can, the source text stays with a finding.
 * 4. Outputs are written atomically; a bad source file is reported and skipped.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ProviderName } from '../providers/index.js';
import { createCopyProvider, createPseudoProvider, localCapabilities, type Provider } from '../providers/index.js';
import { MemoryIndex, type MemoryMatch } from '../memory/tm.js';
import { escapeText, plainText, readTarget, type ExtractedDocument, type Segment } from '../markdown/index.js';
import { listFiles, removeStaleTemporaries, writeFileIfUnchanged } from '../files/index.js';
import { readTextFile } from '../files/text.js';
import { writeFeed } from '../publish/index.js';
import { HansaError } from '../errors/index.js';
import { checkSegment } from '../qa/checks.js';
import { readTmx } from '../formats/tmx.js';
import { writeXliff2 } from '../formats/xliff2.js';
import { segmentsOf, type ImportedTranslation, type SegmentFile, type StoreNote, type StoreSegment, type Suggestion, type TranslationState } from '../formats/types.js';
import { filled, isOpen, segmentHash, readSegmentFile, segmentFilePath, updateSegments } from './store.js';
import { publication, pruneArticles, writeArticle, type Override } from './build.js';
import { retiredPath, retireSegments } from './retired.js';
import { documentsOf, ioReporter, readWorkspaceFile, unreadableFinding, type WorkspaceFile } from './workspace.js';
import { damagedCacheFinding, extractProject, type ExtractRun, type Progress } from './extract.js';
import { cacheRoot, displayPath, type Project } from './project.js';
import { loadTagTranslator } from './tags.js';
import { TerminologyChecker, createTermIndex, loadGlossaries, termsIn, type Glossary, type TermHit, type TermIndex } from '../glossary/index.js';
import type { SegmentTerm } from '../providers/index.js';
import { createAzureProvider, createDeeplProvider, createLibreTranslateProvider, createOpenAiProvider } from '../providers/index.js';
import { createGoogleProvider } from '../providers/index.js';
import { ProviderJournal, type JournalRecord } from '../memory/journal.js';
import { InputError } from '../errors/index.js';
import { ProviderQueue, packBatches } from '../queue/index.js';
import { gateFindings } from '../qa/checks.js';
import { batchLimitsOf, providerLimits, translateRemotely, unanswered, type Accepted, type Finding, type ProviderLimits, type Refusal } from './remote.js';
import type { MaskSpan } from './strict.js';

export type { Finding } from './remote.js';

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

/** Build the provider chain by name. */
export function createProviders(
  project: Project,
  names: readonly ProviderName[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { dryRun?: boolean } = {},
): Provider[] {
  // A dry run calls nothing, so it needs no credentials: only limits and prices.
  const credential = (variable: string, provider: string): string => {
    const value = env[variable];
    if (value !== undefined && value.trim() !== '') return value;
    if (options.dryRun === true) return 'dry-run';
    throw new InputError('provider_unconfigured', `${provider} needs ${variable}`, { data: { provider, variable } });
  };
  return names.map((name) => {
    switch (name) {
      case 'copy':
        return createCopyProvider();
      case 'pseudo':
        return createPseudoProvider();
      case 'memory':
        // The memory is consulted before any provider (the leverage step); in the chain it
        // stands for "no machine translation".
        return { name: 'memory', capabilities: { ...localCapabilities, isSynthetic: false }, translate: () => Promise.resolve([]) };
      case 'deepl': {
        const deepl = project.config.providerOptions.deepl;
        // The project glossary, read when DeepL is first asked, becomes one DeepL glossary per
        // target: source term → preferred target term; do-not-translate terms → themselves.
        let glossary: Promise<Glossary> | undefined;
        const glossaryEntries = async (lang: string): Promise<{ source: string; target: string }[]> => {
          const { entries } = await (glossary ??= loadGlossaries(project.cwd, { globs: project.config.glossary.files, sourceLanguage: project.config.sourceLanguage }));
          return entries.flatMap((entry) => {
            const preferred = preferredTerm(entry, lang);
            const sources = (entry.terms[project.config.sourceLanguage] ?? []).filter((term) => term.status !== 'deprecated');
            return sources.flatMap((term) => {
              const target = entry.doNotTranslate ? term.text : preferred;
              return target === undefined ? [] : [{ source: term.text, target }];
            });
          });
        };
        return createDeeplProvider({
          authKey: credential('DEEPL_AUTH_KEY', 'deepl'),
          apiUrl: env['DEEPL_API_URL'],
          formality: deepl?.formality,
          english: project.config.languageVariants['en'] === 'en-US' ? 'EN-US' : 'EN-GB',
          ...(deepl?.glossary === false ? {} : { glossary: glossaryEntries }),
        });
      }
      case 'openai':
        // Local servers (Ollama, vLLM, llama.cpp) need no key, but every server needs a model.
        return createOpenAiProvider({
          apiKey: env['OPENAI_API_KEY'],
          baseUrl: env['OPENAI_BASE_URL'],
          // OPENAI_MODEL wins over the config, so one CI job can try another model.
          model: env['OPENAI_MODEL']?.trim() || project.config.providerOptions.openai?.model || credential('OPENAI_MODEL', 'openai'),
          temperature: project.config.providerOptions.openai?.temperature,
          languageVariants: project.config.languageVariants,
        });
      case 'libretranslate':
        return createLibreTranslateProvider({ url: credential('LIBRETRANSLATE_URL', 'libretranslate'), apiKey: env['LIBRETRANSLATE_API_KEY'] });
      case 'google': {
        // v2 takes an API key; v3 an access token and a project (config first, else GOOGLE_PROJECT_ID).
        const google = project.config.providerOptions.google ?? {};
        const v3 = google.api === 'v3';
        return createGoogleProvider({
          api: v3 ? 'v3' : 'v2',
          ...(v3
            ? { accessToken: credential('GOOGLE_ACCESS_TOKEN', 'google'), projectId: google.projectId ?? credential('GOOGLE_PROJECT_ID', 'google') }
            : { apiKey: credential('GOOGLE_TRANSLATE_API_KEY', 'google') }),
          location: google.location,
          glossaryId: google.glossaryId,
          baseUrl: env['GOOGLE_TRANSLATE_URL'],
        });
      }
      case 'azure':
        return createAzureProvider({ key: credential('AZURE_TRANSLATOR_KEY', 'azure'), region: env['AZURE_TRANSLATOR_REGION'], endpoint: env['AZURE_TRANSLATOR_ENDPOINT'] });
    }
  });
}

/** Run the whole pipeline (or, with `mode: 'extract'`, everything but providers and `dist/`). */
export async function translateProject(project: Project, options: TranslateOptions = {}): Promise<TranslateSummary> {
  const journal: { opened?: Promise<ProviderJournal> } = {};
  try {
    return await runProject(project, options, journal);
  } finally {
    // Pending appends are flushed and the file handle released, whatever happened.
    if (journal.opened !== undefined) await (await journal.opened.catch(() => undefined))?.close();
  }
}

async function runProject(project: Project, options: TranslateOptions, journalHolder: { opened?: Promise<ProviderJournal> }): Promise<TranslateSummary> {
  const { config } = project;
  const mode = options.mode ?? 'translate';
  const dryRun = options.dryRun ?? false;
  const languages = options.targetLanguages ?? config.targetLanguages;
  const providers = mode === 'extract' ? [] : createProviders(project, options.providers ?? config.providers, options.env ?? process.env, { dryRun });
  const openJournal = (): Promise<ProviderJournal> => (journalHolder.opened ??= ProviderJournal.open(path.join(cacheRoot(project), 'journal.jsonl')));
  // A dry run reads the journal (what was paid for costs nothing again) but never writes it.
  let peeked: Promise<{ get(key: string): JournalRecord | undefined }> | undefined;
  const peekJournal = (): Promise<{ get(key: string): JournalRecord | undefined }> =>
    (peeked ??= ProviderJournal.peek(path.join(cacheRoot(project), 'journal.jsonl')).then((records) => ({ get: (key: string) => records.get(key) })));
  // Euro spent (by the providers' prices) so far in this run, against `config.budget`.
  const budget = { limit: config.budget, spent: 0 };
  // One queue per provider account for the whole run: languages and retry passes share its limits.
  const queues = new Map<string, ProviderQueue>();
  const queueOf = (provider: Provider, limits: ProviderLimits): ProviderQueue => {
    let queue = queues.get(provider.name);
    if (queue === undefined) queues.set(provider.name, (queue = new ProviderQueue(limits.queue)));
    return queue;
  };
  const extraction = options.extraction ?? await extractProject(project, {
    ...(options.files === undefined ? {} : { files: options.files }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (progress) => options.onProgress?.({ ...progress, phase: 'extract' }),
  });
  const { documents, errors, warnings } = await documentsOf(extraction);
  const findings: Finding[] = [...warnings];

  const tags = await loadTagTranslator(project.cwd, languages);
  const terminology = await loadTerminology(project, { onCacheDamaged: (file, reason) => void findings.push(damagedCacheFinding(project, file, reason)) });
  const hitsOf = memoizeHits(terminology);
  const reports: LanguageReport[] = [];
  const outputs = new Map<string, string[]>();
  const totalSteps = languages.length * documents.length;
  let step = 0;
  const writesFiles = !dryRun;
  const remoteChain = providers.filter((provider) => provider.name !== 'memory');

  for (const lang of languages) {
    options.signal?.throwIfAborted();
    // 1. Segment files: the translations on disk, carried over to the current sources.
    const stores: LanguageStore[] = [];
    for (const { file, sourcePath, document } of documents) {
      options.signal?.throwIfAborted();
      const absolute = segmentFilePath(project, lang, file);
      const display = displayPath(project, absolute);
      try {
        const read = await readWorkspaceFile(project, { file, sourcePath, document, lang, absolute, display });
        stores.push({ ...read, retired: [...read.retired] });
      } catch (error) {
        // A broken segment file is a translator's work: report it, never overwrite it.
        if (!(error instanceof HansaError)) throw error;
        errors.push(unreadableFinding(error, display, lang));
      }
    }
    // 2. Leverage: tags from locale resources, then the memory (in context, exact); fuzzy
    //    matches become suggestions. Each distinct source is looked up and sent once.
    const others = await otherSegmentFiles(project, lang, new Set(stores.map((store) => store.absolute)), options.signal);
    const memory = await loadMemory(project, lang, [...stores.map((store) => store.current), ...others], stores.flatMap((store) => store.retired));
    const accepted = new Map<string, Accepted>();
    const pending = new Map<string, Segment>();
    const fuzzy = new Map<string, MemoryMatch[]>();
    for (const store of stores) {
      // Neighbours as the segment file orders them, the same order the memory was built in.
      const inFile = segmentsOf(store.current);
      const byHash = new Map(store.document.segments.map((segment) => [segment.id, segment]));
      inFile.forEach((entry, index) => {
        const segment = byHash.get(segmentHash(entry.id));
        if (segment === undefined || !refreshable(entry) || accepted.has(segment.id) || pending.has(segment.id)) return;
        const tag = segment.role === 'tag' ? tags.translate(plainText(segment.source), lang) : undefined;
        if (tag !== undefined) {
          // A tag already as the resources say is not news: not counted, not rewritten.
          if (!isOpen(entry) && entry.target === escapeText(tag)) return;
          accepted.set(segment.id, { target: escapeText(tag), origin: 'locale' });
          return;
        }
        if (!isOpen(entry)) return;
        const matches = memory.lookup({ source: segment.source, document: store.sourcePath, previous: inFile[index - 1]?.source, next: inFile[index + 1]?.source }, { threshold: config.memory.fuzzyThreshold });
        const best = matches[0];
        if (best !== undefined && best.kind !== 'fuzzy') {
          // A machine translation found in another segment file stays what it is: a rerun after a
          // kill then gives the same segment files as an uninterrupted run (DESIGN §8.2).
          const origin = best.origin.startsWith('mt:') ? best.origin : best.kind === 'in-context' ? 'tm:in-context' : 'tm:exact';
          accepted.set(segment.id, { target: best.target, origin });
          return;
        }
        if (matches.length > 0) fuzzy.set(segment.id, matches);
        pending.set(segment.id, segment);
      });
    }
    const leveraged = accepted.size;
    // 3. Providers.
    const checker = terminology === undefined || providers.every((provider) => provider.capabilities.isSynthetic)
      ? undefined
      : await TerminologyChecker.create(terminology.glossary, lang, { cacheDir: terminology.cacheDir, onCacheDamaged: terminology.onCacheDamaged });
    const termsOf = (segment: Segment): SegmentTerm[] => segmentTerms(hitsOf(segment), terminology, lang);
    // Machine output must pass the blocking checks and keep the glossary before it is
    // accepted: otherwise a stricter request, then the next provider.
    const gate = (segment: Segment, target: string): Refusal[] => {
      const checks = gateFindings(segment.source, target, { sourceLanguage: config.sourceLanguage, targetLanguage: lang });
      if (checks.length > 0) return checks.map((finding) => ({ code: finding.check, message: finding.message }));
      if (checker === undefined) return [];
      return checker.check(hitsOf(segment), plainText(target)).map((finding) => ({ code: 'glossary_not_kept', message: `${finding.code}: ${finding.term}` }));
    };
    const spansOf = (segment: Segment): MaskSpan[] => maskSpans(hitsOf(segment), terminology, lang);
    const firstFinding = findings.length;
    const sent = await runChain(remoteChain, pending, accepted, { project, lang, dryRun, signal: options.signal, findings, termsOf, spansOf, openJournal, gate, budget, glossaryVersion: glossaryVersion(terminology, config.sourceLanguage, lang), peekJournal, queueOf });
    // A refused machine answer is about a sentence of an article: say which (the first that
    // has it), and keep the reason for the translator's note in the segment file.
    const refusals = new Map<string, string>();
    const documentOf = new Map<string, string>();
    for (const store of stores) for (const segment of store.document.segments) if (!documentOf.has(segment.id)) documentOf.set(segment.id, store.sourcePath);
    for (let index = firstFinding; index < findings.length; index += 1) {
      const finding = findings[index];
      if (finding?.segment === undefined || !remoteChain.some((provider) => provider.name === finding.file)) continue;
      const provider = finding.file;
      findings[index] = { ...finding, file: documentOf.get(finding.segment) ?? finding.file, data: { ...(finding.data ?? {}), provider } };
      if (pending.has(finding.segment)) refusals.set(finding.segment, `${provider}: ${finding.message}`);
    }
    if (checker !== undefined) {
      for (const { sourcePath, document } of documents) {
        for (const segment of document.segments) {
          const entry = accepted.get(segment.id);
          if (entry === undefined || entry.synthetic === true || entry.origin === 'locale') continue;
          for (const finding of checker.check(hitsOf(segment), plainText(entry.target))) {
            findings.push({ code: finding.code, severity: 'warning', file: sourcePath, lang, segment: segment.id, message: finding.code, data: { term: finding.term, expected: (finding.expected ?? []).join(' | '), found: finding.found ?? '' } });
          }
        }
      }
    }
    const byOrigin: Record<string, number> = {};
    for (const { origin } of accepted.values()) byOrigin[origin] = (byOrigin[origin] ?? 0) + 1;
    reports.push({ lang, files: stores.length, segments: accepted.size + pending.size, translated: accepted.size, untranslated: pending.size, leveraged, ...sent, byOrigin });
    if (!writesFiles) continue;

    // 4. Segment files get the new translations (never over a human's), glossary and check
    //    notes, memory suggestions; then dist/ is built from them.
    const overrides = new Map<string, Override>();
    for (const [id, entry] of accepted) if (entry.synthetic === true) overrides.set(id, entry);
    const outDir = path.resolve(project.cwd, config.outDir, lang);
    const reported = ioReporter(errors, lang);
    // Temporary files of a killed run (a rename that never happened) are Hansa's own: gone.
    if (mode === 'translate') await reported(displayPath(project, outDir), () => removeStaleTemporaries(outDir));
    const segmentDir = path.resolve(project.cwd, config.translationsDir, lang);
    await reported(displayPath(project, segmentDir), () => removeStaleTemporaries(segmentDir));
    // Translations whose source is gone reach the memory before any segment file that held
    // them is rewritten without them: a run stopped in between (Ctrl-C, kill -9, a full disk)
    // must not lose them (DESIGN §8.1). If they cannot be kept, those files wait.
    const retire = (segments: readonly StoreSegment[]): Promise<boolean> => reported(displayPath(project, retiredPath(project, lang)), () => retireSegments(project, lang, segments));
    const retiredKept = await retire(stores.flatMap((store) => store.retired));
    for (const store of stores) {
      // Ctrl-C between two files: each file is whole (written or not), the rest is for the rerun.
      options.signal?.throwIfAborted();
      if (!retiredKept && store.retired.length > 0) continue;
      let updated: SegmentFile | undefined;
      await reported(store.display, async () => {
        updated = await storeSegmentFile(store, (current) => annotate(fillOpen(current, accepted, fuzzy), store.document, { hitsOf, terminology, lang, sourceLanguage: config.sourceLanguage, lengthRatio: config.qa.lengthRatio, refusals }), { project, findings, lang, retire });
      });
      if (mode === 'translate' && updated !== undefined) {
        const stored = updated;
        const target = displayPath(project, path.resolve(outDir, store.file));
        await reported(target, async () => {
          const written = await writeArticle(project, { lang, file: store.file, sourcePath: store.sourcePath, document: store.document, publication: publication(store.document, stored, { ...config.build, overrides }) });
          findings.push(...written.findings);
          outputs.set(store.file, [...(outputs.get(store.file) ?? []), written.output]);
        });
      }
      step += 1;
      options.onProgress?.({ phase: 'translate', done: step, total: totalSteps });
    }
    options.signal?.throwIfAborted();
    if (mode === 'translate') {
      // A full run knows every article: outputs of deleted ones leave dist/ and the feed.
      if (options.files === undefined) await reported(displayPath(project, outDir), () => pruneArticles(project, lang, new Set(extraction.outcomes.map((outcome) => outcome.file))));
      await reported(displayPath(project, path.join(outDir, 'index.json')), () => writeFeed(outDir, lang, config.feed));
    }
  }

  const documentOf = new Map(documents.map(({ file, document }) => [file, document]));
  return {
    dryRun,
    files: extraction.outcomes.map((outcome) => ({
      file: `${extraction.context.displayRoot}/${outcome.file}`,
      ok: outcome.ok,
      segments: outcome.ok ? outcome.segments : 0,
      words: outcome.ok ? outcome.words : 0,
      outputs: outputs.get(outcome.file) ?? [],
      terms: (documentOf.get(outcome.file)?.segments ?? []).flatMap((segment) =>
        hitsOf(segment).map((hit) => ({ segment: segment.id, term: hit.term, text: hit.text, start: hit.start, end: hit.end })),
      ),
    })),
    languages: reports,
    errors,
    findings,
    parsed: extraction.parsed,
  };
}

/** One document's segment file during a run; a re-read adds to `retired` what the person's version retires. */
type LanguageStore = Omit<WorkspaceFile, 'retired'> & { readonly retired: StoreSegment[] };

/** Attempts to write a segment file that keeps changing under the run before it is left as it is. */
const maxRereads = 5;

/**
 * Write a segment file as `complete` makes it from the reconciled file, unless it changed on
 * disk since the run read it: then the person's version is read again, reconciled with the
 * source, completed again (the run only fills what is still open, so their edits win,
 * DESIGN §8.1) and a warning says so (DESIGN §8.9). Returns what is on disk afterwards.
 */
async function storeSegmentFile(
  store: LanguageStore,
  complete: (current: SegmentFile) => SegmentFile,
  context: { project: Project; findings: Finding[]; lang: string; retire: (segments: readonly StoreSegment[]) => Promise<boolean> },
): Promise<SegmentFile | undefined> {
  const { findings, lang } = context;
  let current = store.current;
  let bytes = store.bytes;
  for (let attempt = 0; ; attempt += 1) {
    const updated = complete(current);
    const text = writeXliff2(updated);
    // An unchanged file is not written, so an unchanged project leaves no trace (and a save
    // made meanwhile stays as it is; the next run publishes it).
    if ((bytes !== undefined && bytes.equals(Buffer.from(text))) || (await writeFileIfUnchanged(store.absolute, text, bytes))) return updated;
    const reread = await readWorkspaceFile(context.project, store);
    findings.push({ code: 'segment_file_changed', severity: 'warning', file: store.display, lang, message: 'changed on disk during the run: read again, the edits kept' });
    store.retired.push(...reread.retired);
    // What the person's version drops reaches the memory before the file is written without it.
    if (reread.retired.length > 0 && !(await context.retire(reread.retired))) return undefined;
    current = reread.current;
    bytes = reread.bytes;
    if (attempt + 1 >= maxRereads && reread.exists) return reread.current;
  }
}

/** A copy of `value` without `key` (an optional field absent, not undefined). */
function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

/** A tag translated from the locale resources, not touched by a person since: it follows the resources. */
function isFromLocale(segment: StoreSegment): boolean {
  return segment.origin === 'locale' && segment.state === 'translated';
}

/** A segment the run may (re)translate: open, or a tag that follows the locale resources. */
function refreshable(segment: StoreSegment): boolean {
  return isOpen(segment) || isFromLocale(segment);
}

/** Open segments get what the run accepted for their source (machine, memory, tags), or memory suggestions. */
function fillOpen(file: SegmentFile, accepted: ReadonlyMap<string, Accepted>, fuzzy: ReadonlyMap<string, readonly MemoryMatch[]>): SegmentFile {
  return updateSegments(file, (segment) => {
    const entry = accepted.get(segmentHash(segment.id));
    if (isFromLocale(segment)) {
      if (entry?.origin !== 'locale' || entry.target === segment.target) return segment;
      // The resources say otherwise now. Whether they changed or a person edited the tag in the
      // segment file (keeping its state) cannot be told apart: the text it had stays beside it.
      const replaced = segment.target === undefined || segment.target === '' || (segment.suggestions ?? []).some((item) => item.target === segment.target)
        ? []
        : [{ kind: 'previous' as const, source: segment.source, target: segment.target, origin: segment.origin ?? 'locale', state: segment.state }];
      return { ...segment, target: entry.target, ...(replaced.length === 0 ? {} : { suggestions: [...(segment.suggestions ?? []), ...replaced] }) };
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

const generatedNotes: ReadonlySet<string> = new Set(['glossary', 'memory', 'qa']);

/** Notes for translators: glossary hits and check findings, made afresh each run. */
function annotate(
  file: SegmentFile,
  document: ExtractedDocument,
  context: { hitsOf: (segment: Segment) => TermHit[]; terminology: Terminology | undefined; lang: string; sourceLanguage: string; lengthRatio: { min: number; max: number }; refusals: ReadonlyMap<string, string> },
): SegmentFile {
  const byHash = new Map(document.segments.map((segment) => [segment.id, segment]));
  return {
    ...file,
    units: file.units.map((unit) => {
      // Notes of Hansa's own categories are made afresh; anybody else's stay as they were.
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

/** The memory of one language: every segment file's translations, retired ones, and TMX files. */
async function loadMemory(project: Project, lang: string, files: readonly SegmentFile[], retiredNow: readonly StoreSegment[]): Promise<MemoryIndex> {
  const { config } = project;
  const memory = new MemoryIndex({ sourceLanguage: config.sourceLanguage, targetLanguage: lang, threshold: config.memory.fuzzyThreshold });
  const remember = (source: string, target: string, state: TranslationState, origin: string, extra: { document?: string; previous?: string; next?: string } = {}): void => {
    if (target === '' || state === 'initial') return;
    memory.add({ source, target, state, origin, ...extra });
  };
  // A draft (`initial`) is nobody's translation yet: it is never leveraged.
  for (const tmx of await memoryFiles(project, lang)) for (const entry of tmx) remember(entry.source, entry.target, entry.state, entry.origin ?? 'tm:import');
  for (const segment of retiredNow) remember(segment.source, segment.target ?? '', segment.state, segment.origin ?? 'human');
  for (const file of files) {
    const segments = segmentsOf(file);
    segments.forEach((segment, index) => {
      if (segment.target === undefined) return;
      remember(segment.source, segment.target, segment.state, segment.origin ?? 'human', { document: file.original, previous: segments[index - 1]?.source, next: segments[index + 1]?.source });
    });
  }
  return memory;
}

/**
 * Segment files of `lang` this run does not process: documents left out of the run, and
 * documents deleted since (their translations are memory now, not rubbish). A file that
 * cannot be read is left for the run that processes its document to report.
 */
async function otherSegmentFiles(project: Project, lang: string, processed: ReadonlySet<string>, signal: AbortSignal | undefined): Promise<SegmentFile[]> {
  const dir = path.resolve(project.cwd, project.config.translationsDir, lang);
  const out: SegmentFile[] = [];
  for (const file of await listFiles(dir, ['**/*.xlf']).catch(() => [])) {
    signal?.throwIfAborted();
    const absolute = path.join(dir, file);
    if (processed.has(absolute)) continue;
    const read = await readSegmentFile(absolute, displayPath(project, absolute)).catch(() => undefined);
    if (read !== undefined) out.push(read);
  }
  return out;
}

/** Translations from the project's TMX files and the retired file of `lang`. */
async function memoryFiles(project: Project, lang: string): Promise<ImportedTranslation[][]> {
  const { config } = project;
  const files = [...(await listFiles(project.cwd, config.memory.files)), path.relative(project.cwd, retiredPath(project, lang))];
  const out: ImportedTranslation[][] = [];
  for (const file of files) {
    const display = file.split(path.sep).join('/');
    // Strictly decoded: a memory in another encoding than it names is refused at its line.
    const text = await readTextFile(path.resolve(project.cwd, file), display, { kind: 'xml' }).catch((error: unknown) => {
      if (error instanceof HansaError) throw error;
      return undefined;
    });
    if (text === undefined) continue;
    const tmx = readTmx(text, display, { sourceLanguage: config.sourceLanguage, targetLanguage: lang });
    out.push([...tmx.translations]);
  }
  return out;
}


/** Send pending segments down the provider chain; accepted ones move to `accepted`. */
async function runChain(
  providers: readonly Provider[],
  pending: Map<string, Segment>,
  accepted: Map<string, Accepted>,
  context: {
    project: Project;
    lang: string;
    dryRun: boolean;
    signal: AbortSignal | undefined;
    findings: Finding[];
    termsOf: (segment: Segment) => SegmentTerm[];
    spansOf: (segment: Segment) => MaskSpan[];
    openJournal: () => Promise<ProviderJournal>;
    gate: (segment: Segment, target: string) => readonly Refusal[];
    budget: { readonly limit: number | undefined; spent: number };
    glossaryVersion: string | undefined;
    peekJournal: () => Promise<{ get(key: string): JournalRecord | undefined }>;
    queueOf: (provider: Provider, limits: ProviderLimits) => ProviderQueue;
  },
): Promise<{ characters: number; requests: number; estimatedCost: number }> {
  const { config } = context.project;
  let characters = 0;
  let requests = 0;
  let estimatedCost = 0;
  for (const provider of providers) {
    if (pending.size === 0) break;
    const limits = providerLimits(provider, config);
    const isLocal = localProviders.has(provider.name);
    if (!isLocal) {
      const journal = context.dryRun ? undefined : await context.openJournal();
      // Answers already journaled cost nothing again: only the rest is counted and sent. A dry
      // run reads the journal without opening it for writing.
      const known = journal ?? (await context.peekJournal());
      const toSend = unanswered(provider, pending, { sourceLanguage: config.sourceLanguage, lang: context.lang, journal: known, glossaryVersion: context.glossaryVersion });
      const chars = toSend.reduce((sum, segment) => sum + segment.characters, 0);
      const cost = (chars / 1_000_000) * limits.capabilities.pricePerMillionCharacters;
      characters += chars;
      requests += packBatches(toSend, batchLimitsOf(limits.capabilities)).length;
      estimatedCost += cost;
      const overBudget = context.budget.limit !== undefined && context.budget.spent + cost > context.budget.limit + 1e-9;
      if (context.dryRun) {
        // A dry run says what the real run would do: stop at the budget.
        context.budget.spent += cost;
        if (overBudget) {
          context.findings.push({ code: 'budget_exceeded', severity: 'warning', file: provider.name, lang: context.lang, message: 'over budget', data: { provider: provider.name, characters: chars, cost: context.budget.spent.toFixed(2), budget: context.budget.limit ?? 0 } });
        }
        break;
      }
      if (overBudget) {
        throw new InputError('budget_exceeded', `the run would exceed the budget of ${context.budget.limit} €`, {
          data: { provider: provider.name, characters: chars, cost: (context.budget.spent + cost).toFixed(2), budget: context.budget.limit ?? 0 },
        });
      }
      if (await quotaTooSmall(provider, chars, context)) continue;
      context.budget.spent += cost;
      await translateRemotely(provider, pending, accepted, {
        sourceLanguage: config.sourceLanguage,
        lang: context.lang,
        signal: context.signal,
        findings: context.findings,
        limits,
        queue: context.queueOf(provider, limits),
        termsOf: context.termsOf,
        spansOf: context.spansOf,
        journal: journal ?? (await context.openJournal()),
        glossaryVersion: context.glossaryVersion,
        gate: context.gate,
      });
      continue;
    }
    const batches = packBatches([...pending.values()], batchLimitsOf(limits.capabilities)).map((batch) => batch.segments);
    if (provider.name !== 'memory') {
      // Local generators (copy, pseudo) are counted like a provider, at no cost.
      characters += [...pending.values()].reduce((sum, segment) => sum + segment.characters, 0);
      requests += batches.length;
      if (context.dryRun) break;
    }
    for (const batch of batches) {
      const results = await provider.translate({
        sourceLanguage: config.sourceLanguage,
        targetLanguage: context.lang,
        segments: batch.map((segment) => {
          const terms = context.termsOf(segment);
          return terms.length === 0 ? { id: segment.id, source: segment.source } : { id: segment.id, source: segment.source, terms };
        }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      for (const result of results) {
        const segment = pending.get(result.id);
        if (segment === undefined) continue;
        const read = readTarget(segment.source, result.target);
        if ('problem' in read) continue;
        accepted.set(result.id, { target: result.target, origin: result.origin, synthetic: provider.capabilities.isSynthetic });
        pending.delete(result.id);
      }
    }
  }
  return { characters, requests, estimatedCost };
}

/**
 * A provider that reports its usage (DeepL `/v2/usage`) and has not enough characters left
 * for this language is skipped before anything is sent: the chain goes on to the next one.
 */
async function quotaTooSmall(provider: Provider, characters: number, context: { lang: string; signal: AbortSignal | undefined; findings: Finding[] }): Promise<boolean> {
  if (provider.usage === undefined || characters === 0) return false;
  const usage = await provider.usage(context.signal).catch(() => undefined);
  if (usage === undefined || usage.characterCount + characters <= usage.characterLimit) return false;
  const left = Math.max(0, usage.characterLimit - usage.characterCount);
  context.findings.push({
    code: 'provider_failed',
    severity: 'warning',
    file: provider.name,
    lang: context.lang,
    message: `quota: ${left} characters left, ${characters} needed`,
    data: { provider: provider.name, reason: `quota: ${left} characters left of ${usage.characterLimit}, ${characters} needed; segments left for the next provider` },
  });
  return true;
}

const localProviders = new Set(['memory', 'copy', 'pseudo']);

/** The project's glossary and its source index, when the project has a glossary. */
export interface Terminology {
  readonly glossary: Glossary;
  readonly entries: ReadonlyMap<string, Glossary['entries'][number]>;
  readonly source: TermIndex;
  readonly cacheDir: string;
  /** Told of a damaged term cache file (rebuilt), for a warning; pass it on with `cacheDir`. */
  readonly onCacheDamaged?: (file: string, reason: string) => void;
}

export async function loadTerminology(project: Project, options: { onCacheDamaged?: (file: string, reason: string) => void } = {}): Promise<Terminology | undefined> {
  const { config } = project;
  const glossary = await loadGlossaries(project.cwd, { globs: config.glossary.files, sourceLanguage: config.sourceLanguage });
  if (glossary.entries.length === 0) return undefined;
  const cacheDir = path.join(cacheRoot(project), 'terms');
  const { onCacheDamaged } = options;
  const source = await createTermIndex(glossary, config.sourceLanguage, { ignoreDiacritics: config.glossary.ignoreDiacritics, cacheDir, onCacheDamaged });
  return { glossary, entries: new Map(glossary.entries.map((entry) => [entry.id, entry])), source, cacheDir, onCacheDamaged };
}

/** Term hits of a segment's plain text, computed once per segment id. */
export function memoizeHits(terminology: Terminology | undefined): (segment: Segment) => TermHit[] {
  const cache = new Map<string, TermHit[]>();
  return (segment) => {
    if (terminology === undefined) return [];
    let hits = cache.get(segment.id);
    if (hits === undefined) {
      hits = terminology.source.match(plainText(segment.source));
      cache.set(segment.id, hits);
    }
    return hits;
  };
}

/** What a provider needs to know of the terms in a segment. */
function segmentTerms(hits: readonly TermHit[], terminology: Terminology | undefined, lang: string): SegmentTerm[] {
  if (terminology === undefined || hits.length === 0) return [];
  return hits.flatMap((hit) => {
    const entry = terminology.entries.get(hit.entryId);
    if (entry === undefined) return [];
    const target = preferredTerm(entry, lang);
    return [{ source: hit.term, text: hit.text, doNotTranslate: entry.doNotTranslate, ...(target === undefined ? {} : { target }) }];
  });
}

/**
 * The glossary's target term with the case of the text it replaces: a capitalised source
 * word (a sentence start, a title) gets a capitalised target, so "Rynek pracy rośnie."
 * masks to "Labour market …", not "labour market …". Terms written capitalised stay so.
 */
function capitalizedLike(found: string, term: string): string {
  const first = found.charAt(0);
  if (first === '' || first === first.toLowerCase() || term.charAt(0) !== term.charAt(0).toLowerCase()) return term;
  return term.charAt(0).toUpperCase() + term.slice(1);
}

/** The term an entry wants in `lang`: its first one not deprecated. */
function preferredTerm(entry: Glossary['entries'][number], lang: string): string | undefined {
  return termsIn(entry, lang).find((term) => term.status !== 'deprecated')?.text;
}

/** A hash of what the glossary says for one language pair; undefined without a glossary. */
function glossaryVersion(terminology: Terminology | undefined, sourceLanguage: string, lang: string): string | undefined {
  if (terminology === undefined) return undefined;
  const lines = terminology.glossary.entries
    .map((entry) => JSON.stringify([entry.terms[sourceLanguage] ?? [], termsIn(entry, lang), entry.doNotTranslate, entry.caseSensitive]))
    .sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Glossary terms of a segment to mask in a stricter request, with the text to put back. */
function maskSpans(hits: readonly TermHit[], terminology: Terminology | undefined, lang: string): MaskSpan[] {
  if (terminology === undefined) return [];
  return hits.flatMap((hit) => {
    const entry = terminology.entries.get(hit.entryId);
    if (entry === undefined) return [];
    if (entry.doNotTranslate) return [{ start: hit.start, end: hit.end, replacement: hit.text }];
    const target = preferredTerm(entry, lang);
    return target === undefined ? [] : [{ start: hit.start, end: hit.end, replacement: capitalizedLike(hit.text, target) }];
  });
}
