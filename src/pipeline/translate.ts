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
import { readFile } from 'node:fs/promises';
import type { ProviderName } from '../providers/index.js';
import { createCopyProvider, createMemoryProvider, createPseudoProvider, type Provider } from '../providers/index.js';
import { TranslationMemory } from '../memory/index.js';
import { escapeText, mergeDocument, plainText, readTarget, type ExtractedDocument, type Segment } from '../markdown/index.js';
import { removeStaleTemporaries, writeFileAtomic } from '../files/index.js';
import { translationFrontmatter, writeFeed, type TranslationStatus } from '../publish/index.js';
import { extractProject, type Progress } from './extract.js';
import { cacheRoot, contentRoot, displayPath, type Project } from './project.js';
import { loadTagTranslator } from './tags.js';
import { TerminologyChecker, createTermIndex, loadGlossaries, type Glossary, type TermHit, type TermIndex } from '../glossary/index.js';
import type { SegmentTerm } from '../providers/index.js';
import { createAzureProvider, createDeeplProvider, createLibreTranslateProvider, createOpenAiProvider } from '../providers/index.js';
import { ProviderJournal, journalKey, journalRecord } from '../memory/journal.js';
import { ProviderQueue } from '../queue/index.js';
import { InputError } from '../errors/index.js';

/** A problem with one segment or file; it never stops the other files. */
export interface Finding {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line?: number;
  readonly lang?: string;
  readonly segment?: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** Options of `translateProject`. */
export interface TranslateOptions {
  /** Files relative to the content folder; default all. */
  readonly files?: readonly string[];
  /** Target languages; default the config's. */
  readonly targetLanguages?: readonly string[];
  /** Provider chain; default the config's. */
  readonly providers?: readonly ProviderName[];
  /** Count what would be sent and what it would cost; call and write nothing. */
  readonly dryRun?: boolean;
  readonly workers?: number;
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
  const memories = new Map<string, Promise<TranslationMemory>>();
  const memoryFor = (lang: string): Promise<TranslationMemory> => {
    let memory = memories.get(lang);
    if (memory === undefined) {
      memory = TranslationMemory.open(path.join(cacheRoot(project), 'memory'), project.config.sourceLanguage, lang);
      memories.set(lang, memory);
    }
    return memory;
  };
  return names.map((name) => {
    switch (name) {
      case 'copy':
        return createCopyProvider();
      case 'pseudo':
        return createPseudoProvider();
      case 'memory':
        return createMemoryProvider(memoryFor);
      case 'deepl':
        return createDeeplProvider({ authKey: credential('DEEPL_AUTH_KEY', 'deepl'), apiUrl: env['DEEPL_API_URL'] });
      case 'openai':
        // Local servers (Ollama, vLLM, llama.cpp) need no key, but every server needs a model.
        return createOpenAiProvider({ apiKey: env['OPENAI_API_KEY'], baseUrl: env['OPENAI_BASE_URL'], model: credential('OPENAI_MODEL', 'openai') });
      case 'libretranslate':
        return createLibreTranslateProvider({ url: credential('LIBRETRANSLATE_URL', 'libretranslate'), apiKey: env['LIBRETRANSLATE_API_KEY'] });
      case 'google':
        // Replaced by the Google adapter (issue 4, in progress).
        throw new InputError('unknown_provider', 'google is not available yet', { data: { provider: 'google' } });
      case 'azure':
        return createAzureProvider({ key: credential('AZURE_TRANSLATOR_KEY', 'azure'), region: env['AZURE_TRANSLATOR_REGION'], endpoint: env['AZURE_TRANSLATOR_ENDPOINT'] });
    }
  });
}

/** Run the whole pipeline. */
export async function translateProject(project: Project, options: TranslateOptions = {}): Promise<TranslateSummary> {
  const { config } = project;
  const languages = options.targetLanguages ?? config.targetLanguages;
  const providers = createProviders(project, options.providers ?? config.providers, options.env ?? process.env, { dryRun: options.dryRun ?? false });
  let journal: Promise<ProviderJournal> | undefined;
  const openJournal = (): Promise<ProviderJournal> => (journal ??= ProviderJournal.open(path.join(cacheRoot(project), 'journal.jsonl')));
  const extraction = await extractProject(project, {
    ...(options.files === undefined ? {} : { files: options.files }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    onProgress: (progress) => options.onProgress?.({ ...progress, phase: 'extract' }),
  });
  const root = contentRoot(project);
  const errors: Finding[] = [];
  const documents: { file: string; document: ExtractedDocument }[] = [];
  for (const outcome of extraction.outcomes) {
    if (outcome.ok) documents.push({ file: outcome.file, document: await extraction.load(outcome.file) });
    else errors.push({ code: outcome.error.code, severity: 'error', file: `${extraction.context.displayRoot}/${outcome.file}`, ...(outcome.error.line === undefined ? {} : { line: outcome.error.line }), message: outcome.error.message, data: outcome.error.data });
  }

  const tags = await loadTagTranslator(project.cwd, languages);
  const terminology = await loadTerminology(project);
  const hitsOf = memoizeHits(terminology);
  const findings: Finding[] = [];
  const reports: LanguageReport[] = [];
  const outputs = new Map<string, string[]>();
  const totalSteps = languages.length * documents.length;
  let step = 0;

  for (const lang of languages) {
    options.signal?.throwIfAborted();
    const accepted = new Map<string, { target: string; origin: string; synthetic?: boolean }>();
    const pending = new Map<string, Segment>();
    for (const { document } of documents) {
      for (const segment of document.segments) {
        if (!segment.translatable || accepted.has(segment.id)) continue;
        const tag = segment.role === 'tag' ? tags.translate(plainText(segment.source), lang) : undefined;
        if (tag !== undefined) accepted.set(segment.id, { target: escapeText(tag), origin: 'locale' });
        else pending.set(segment.id, segment);
      }
    }
    const checker = terminology === undefined || providers.every((provider) => provider.capabilities.isSynthetic)
      ? undefined
      : await TerminologyChecker.create(terminology.glossary, lang, { cacheDir: terminology.cacheDir });
    const termsOf = (segment: Segment): SegmentTerm[] => segmentTerms(hitsOf(segment), terminology, lang);
    // Machine output must keep the glossary before it is accepted: a target missing a term,
    // dropping a do-not-translate term or using a forbidden one goes to the next provider.
    const gate = (segment: Segment, target: string): string[] =>
      checker === undefined ? [] : checker.check(hitsOf(segment), plainText(target)).map((finding) => `${finding.code}: ${finding.term}`);
    const sent = await runChain(providers, pending, accepted, { project, lang, dryRun: options.dryRun ?? false, signal: options.signal, findings, termsOf, openJournal, gate });
    if (checker !== undefined) {
      for (const { file, document } of documents) {
        for (const segment of document.segments) {
          const entry = accepted.get(segment.id);
          if (entry === undefined || entry.synthetic) continue;
          for (const finding of checker.check(hitsOf(segment), plainText(entry.target))) {
            findings.push({
              code: finding.code,
              severity: 'warning',
              file: `${extraction.context.displayRoot}/${file}`,
              lang,
              segment: segment.id,
              message: finding.code,
              data: { term: finding.term, expected: (finding.expected ?? []).join(' | '), found: finding.found ?? '' },
            });
          }
        }
      }
    }
    const byOrigin: Record<string, number> = {};
    for (const { origin } of accepted.values()) byOrigin[origin] = (byOrigin[origin] ?? 0) + 1;
    reports.push({
      lang,
      files: documents.length,
      segments: accepted.size + pending.size,
      translated: accepted.size,
      untranslated: pending.size,
      ...sent,
      byOrigin,
    });
    if (options.dryRun === true) continue;
    await removeStaleTemporaries(path.resolve(project.cwd, config.outDir, lang));

    for (const { file, document } of documents) {
      const source = await readFile(path.join(root, file), 'utf8');
      const targets = document.segments.map((segment) => accepted.get(segment.id)?.target);
      const sourcePath = `${extraction.context.displayRoot}/${file}`;
      const { output, problems } = mergeDocument(source, document, targets, {
        frontmatter: translationFrontmatter({
          lang,
          sourceLanguage: config.sourceLanguage,
          sourcePath,
          relativePath: file,
          sourceHash: document.sourceHash,
          status: statusOf(document, accepted),
          targetLanguages: config.targetLanguages.includes(lang) ? config.targetLanguages : [...config.targetLanguages, lang],
        }),
      });
      for (const problem of problems) {
        findings.push({ code: problem.problem.code, severity: 'error', file: sourcePath, line: problem.line, lang, segment: document.segments[problem.segment]?.id ?? '', message: 'translation left out: its codes do not match the source' });
      }
      const target = path.resolve(project.cwd, config.outDir, lang, file);
      await writeFileAtomic(target, output);
      outputs.set(file, [...(outputs.get(file) ?? []), displayPath(project, target)]);
      step += 1;
      options.onProgress?.({ phase: 'translate', done: step, total: totalSteps });
    }
    await writeFeed(path.resolve(project.cwd, config.outDir, lang), lang, config.feed);
  }

  const documentOf = new Map(documents.map(({ file, document }) => [file, document]));
  return {
    dryRun: options.dryRun ?? false,
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

/** Send pending segments down the provider chain; accepted ones move to `accepted`. */
async function runChain(
  providers: readonly Provider[],
  pending: Map<string, Segment>,
  accepted: Map<string, { target: string; origin: string; synthetic?: boolean }>,
  context: {
    project: Project;
    lang: string;
    dryRun: boolean;
    signal: AbortSignal | undefined;
    findings: Finding[];
    termsOf: (segment: Segment) => SegmentTerm[];
    openJournal: () => Promise<ProviderJournal>;
    gate: (segment: Segment, target: string) => string[];
  },
): Promise<{ characters: number; requests: number; estimatedCost: number }> {
  let characters = 0;
  let requests = 0;
  let estimatedCost = 0;
  for (const provider of providers) {
    if (pending.size === 0) break;
    const batches = batchesFor(provider, [...pending.values()]);
    const isLocal = provider.name === 'memory';
    if (!isLocal) {
      const chars = [...pending.values()].reduce((sum, segment) => sum + segment.characters, 0);
      characters += chars;
      requests += batches.length;
      estimatedCost += (chars / 1_000_000) * provider.capabilities.pricePerMillionCharacters;
    }
    if (context.dryRun && !isLocal) break;
    if (!localProviders.has(provider.name)) {
      await translateRemotely(provider, pending, accepted, context);
      continue;
    }
    for (const batch of batches) {
      const results = await provider.translate({
        sourceLanguage: context.project.config.sourceLanguage,
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

const localProviders = new Set(['memory', 'copy', 'pseudo']);

/**
 * A paid provider: answers already in the journal are used as they are; the rest goes
 * through the provider's queue, and every answer is journaled (fsync'd) before it is used,
 * so a run killed at any moment never pays twice. Segments whose answer fails validation,
 * or whose request failed, stay pending for the next provider of the chain.
 */
async function translateRemotely(
  provider: Provider,
  pending: Map<string, Segment>,
  accepted: Map<string, { target: string; origin: string; synthetic?: boolean }>,
  context: {
    project: Project;
    lang: string;
    signal: AbortSignal | undefined;
    findings: Finding[];
    termsOf: (segment: Segment) => SegmentTerm[];
    openJournal: () => Promise<ProviderJournal>;
    gate: (segment: Segment, target: string) => string[];
  },
): Promise<void> {
  const journal = await context.openJournal();
  const sourceLanguage = context.project.config.sourceLanguage;
  const keyOf = (source: string): string => journalKey({ provider: provider.name, sourceLanguage, targetLanguage: context.lang, source });
  const accept = (segment: Segment, target: string, origin: string): void => {
    const read = readTarget(segment.source, target);
    if ('problem' in read) {
      context.findings.push({ code: read.problem.code, severity: 'warning', file: provider.name, lang: context.lang, segment: segment.id, message: read.problem.code });
      return;
    }
    const refused = context.gate(segment, target);
    if (refused.length > 0) {
      context.findings.push({ code: 'glossary_not_kept', severity: 'warning', file: provider.name, lang: context.lang, segment: segment.id, message: refused.join('; '), data: { provider: provider.name, reason: refused.join('; ') } });
      return;
    }
    accepted.set(segment.id, { target, origin });
    pending.delete(segment.id);
  };
  // An answer in the journal was paid for: use it, or, if it fails validation, leave the
  // segment to the next provider, but never ask this provider again.
  const answered = new Set<string>();
  for (const segment of [...pending.values()]) {
    const record = journal.get(keyOf(segment.source));
    if (record === undefined) continue;
    answered.add(segment.id);
    accept(segment, record.target, record.origin);
  }
  if ([...pending.keys()].every((id) => answered.has(id))) return;
  const caps = provider.capabilities;
  const queue = new ProviderQueue({ provider: provider.name, ...(caps.requestsPerSecond === undefined ? {} : { requestsPerSecond: caps.requestsPerSecond }) });
  const requests = [...pending.values()].filter((segment) => !answered.has(segment.id)).map((segment) => {
    const terms = context.termsOf(segment);
    return terms.length === 0 ? { id: segment.id, source: segment.source } : { id: segment.id, source: segment.source, terms };
  });
  const sourceOf = new Map(requests.map((request) => [request.id, request.source]));
  const outcome = await queue.translateBatches(
    async (batch, signal) => {
      const results = await provider.translate({ sourceLanguage, targetLanguage: context.lang, segments: batch, signal });
      await journal.append(
        results.flatMap((result) => {
          const source = sourceOf.get(result.id);
          return source === undefined ? [] : [journalRecord({ provider: provider.name, sourceLanguage, targetLanguage: context.lang, source }, { target: result.target, origin: result.origin })];
        }),
      );
      return results;
    },
    requests,
    { maxSegments: caps.maxSegmentsPerRequest, maxCharacters: caps.maxCharactersPerRequest, ...(caps.maxRequestBytes === undefined ? {} : { maxBytes: caps.maxRequestBytes }) },
    context.signal === undefined ? {} : { signal: context.signal },
  );
  for (const result of outcome.results) {
    const segment = pending.get(result.id);
    if (segment !== undefined) accept(segment, result.target, result.origin);
  }
  // One finding per distinct failure, not one per segment: a spent quota fails hundreds at once.
  const byReason = new Map<string, number>();
  for (const failure of outcome.failures) byReason.set(failure.error.message, (byReason.get(failure.error.message) ?? 0) + 1);
  for (const [reason, count] of byReason) {
    context.findings.push({
      code: 'provider_failed',
      severity: 'warning',
      file: provider.name,
      lang: context.lang,
      message: reason,
      data: { provider: provider.name, reason: `${reason} (${count} segments left for the next provider)` },
    });
  }
}

/** Cut segments into requests under the provider's count and character limits. */
function batchesFor(provider: Provider, segments: readonly Segment[]): Segment[][] {
  const { maxSegmentsPerRequest, maxCharactersPerRequest } = provider.capabilities;
  const batches: Segment[][] = [];
  let current: Segment[] = [];
  let chars = 0;
  for (const segment of segments) {
    if (current.length > 0 && (current.length >= maxSegmentsPerRequest || chars + segment.source.length > maxCharactersPerRequest)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(segment);
    chars += segment.source.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function statusOf(document: ExtractedDocument, accepted: ReadonlyMap<string, { origin: string }>): TranslationStatus {
  let machine = false;
  for (const segment of document.segments) {
    if (!segment.translatable) continue;
    const entry = accepted.get(segment.id);
    if (entry === undefined) return 'partial';
    if (entry.origin.startsWith('mt:')) machine = true;
  }
  return machine ? 'machine' : 'complete';
}

/** The project's glossary and its source index, when the project has a glossary. */
interface Terminology {
  readonly glossary: Glossary;
  readonly entries: ReadonlyMap<string, Glossary['entries'][number]>;
  readonly source: TermIndex;
  readonly cacheDir: string;
}

async function loadTerminology(project: Project): Promise<Terminology | undefined> {
  const { config } = project;
  const glossary = await loadGlossaries(project.cwd, { globs: config.glossary.files, sourceLanguage: config.sourceLanguage });
  if (glossary.entries.length === 0) return undefined;
  const cacheDir = path.join(cacheRoot(project), 'terms');
  const source = await createTermIndex(glossary, config.sourceLanguage, { ignoreDiacritics: config.glossary.ignoreDiacritics, cacheDir });
  return { glossary, entries: new Map(glossary.entries.map((entry) => [entry.id, entry])), source, cacheDir };
}

/** Term hits of a segment's plain text, computed once per segment id. */
function memoizeHits(terminology: Terminology | undefined): (segment: Segment) => TermHit[] {
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
    const target = (entry.terms[lang] ?? []).find((term) => term.status !== 'deprecated')?.text;
    return [{ source: hit.term, text: hit.text, doNotTranslate: entry.doNotTranslate, ...(target === undefined ? {} : { target }) }];
  });
}
