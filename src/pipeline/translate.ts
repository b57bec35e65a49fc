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
import { createGoogleProvider } from '../providers/index.js';
import { ProviderJournal } from '../memory/journal.js';
import { InputError } from '../errors/index.js';
import { gateFindings } from '../qa/checks.js';
import { providerLimits, translateRemotely, unanswered, type Accepted, type Finding, type Refusal } from './remote.js';
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
      case 'deepl': {
        const deepl = project.config.providerOptions.deepl;
        // The project glossary, read when DeepL is first asked, becomes one DeepL glossary per
        // target: source term → preferred target term; do-not-translate terms → themselves.
        let glossary: Promise<Glossary> | undefined;
        const glossaryEntries = async (lang: string): Promise<{ source: string; target: string }[]> => {
          const { entries } = await (glossary ??= loadGlossaries(project.cwd, { globs: project.config.glossary.files, sourceLanguage: project.config.sourceLanguage }));
          return entries.flatMap((entry) => {
            const preferred = (entry.terms[lang] ?? entry.terms[lang.split('-')[0] ?? lang] ?? []).find((term) => term.status !== 'deprecated')?.text;
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
          ...(deepl?.glossary === false ? {} : { glossary: glossaryEntries }),
        });
      }
      case 'openai':
        // Local servers (Ollama, vLLM, llama.cpp) need no key, but every server needs a model.
        return createOpenAiProvider({ apiKey: env['OPENAI_API_KEY'], baseUrl: env['OPENAI_BASE_URL'], model: credential('OPENAI_MODEL', 'openai') });
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

/** Run the whole pipeline. */
export async function translateProject(project: Project, options: TranslateOptions = {}): Promise<TranslateSummary> {
  const { config } = project;
  const languages = options.targetLanguages ?? config.targetLanguages;
  const providers = createProviders(project, options.providers ?? config.providers, options.env ?? process.env, { dryRun: options.dryRun ?? false });
  let journal: Promise<ProviderJournal> | undefined;
  // Euro spent (by the providers' prices) so far in this run, against `config.budget`.
  const budget = { limit: config.budget, spent: 0 };
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
    const accepted = new Map<string, Accepted>();
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
    // Machine output must pass the blocking checks and keep the glossary before it is
    // accepted: otherwise a stricter request, then the next provider.
    const gate = (segment: Segment, target: string): Refusal[] => {
      const checks = gateFindings(segment.source, target, { sourceLanguage: config.sourceLanguage, targetLanguage: lang });
      if (checks.length > 0) return checks.map((finding) => ({ code: finding.check, message: finding.message }));
      if (checker === undefined) return [];
      return checker.check(hitsOf(segment), plainText(target)).map((finding) => ({ code: 'glossary_not_kept', message: `${finding.code}: ${finding.term}` }));
    };
    const spansOf = (segment: Segment): MaskSpan[] => maskSpans(hitsOf(segment), terminology, lang);
    const sent = await runChain(providers, pending, accepted, { project, lang, dryRun: options.dryRun ?? false, signal: options.signal, findings, termsOf, spansOf, openJournal, gate, budget });
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
      // Answers already journaled cost nothing again: only the rest is counted and sent.
      const toSend = journal === undefined ? [...pending.values()] : unanswered(provider, pending, { sourceLanguage: config.sourceLanguage, lang: context.lang, journal });
      const chars = toSend.reduce((sum, segment) => sum + segment.characters, 0);
      const cost = (chars / 1_000_000) * limits.capabilities.pricePerMillionCharacters;
      characters += chars;
      requests += batchesFor(limits.capabilities, toSend).length;
      estimatedCost += cost;
      if (context.dryRun) break;
      if (context.budget.limit !== undefined && context.budget.spent + cost > context.budget.limit + 1e-9) {
        throw new InputError('budget_exceeded', `the run would exceed the budget of ${context.budget.limit} €`, {
          data: { provider: provider.name, characters: chars, cost: (context.budget.spent + cost).toFixed(2), budget: context.budget.limit },
        });
      }
      context.budget.spent += cost;
      await translateRemotely(provider, pending, accepted, {
        sourceLanguage: config.sourceLanguage,
        lang: context.lang,
        signal: context.signal,
        findings: context.findings,
        limits,
        termsOf: context.termsOf,
        spansOf: context.spansOf,
        journal: journal ?? (await context.openJournal()),
        gate: context.gate,
      });
      continue;
    }
    const batches = batchesFor(limits.capabilities, [...pending.values()]);
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

const localProviders = new Set(['memory', 'copy', 'pseudo']);

/** Cut segments into requests under the provider's count and character limits. */
function batchesFor(capabilities: Provider['capabilities'], segments: readonly Segment[]): Segment[][] {
  const { maxSegmentsPerRequest, maxCharactersPerRequest } = capabilities;
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

/** Glossary terms of a segment to mask in a stricter request, with the text to put back. */
function maskSpans(hits: readonly TermHit[], terminology: Terminology | undefined, lang: string): MaskSpan[] {
  if (terminology === undefined) return [];
  return hits.flatMap((hit) => {
    const entry = terminology.entries.get(hit.entryId);
    if (entry === undefined) return [];
    if (entry.doNotTranslate) return [{ start: hit.start, end: hit.end, replacement: hit.text }];
    const target = (entry.terms[lang] ?? []).find((term) => term.status !== 'deprecated')?.text;
    return target === undefined ? [] : [{ start: hit.start, end: hit.end, replacement: target }];
  });
}
