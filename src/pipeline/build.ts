/**
 * `dist/` from the segment files: what partner sites import (DESIGN §7).
 *
 * A segment is published when its state reaches `build.minState`; below it, the
 * `build.fallback` decides: its machine or memory translation (the article then says
 * `translationStatus: machine`) or the source text. Untouched Markdown stays as written.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extractDocument, mergeDocument, type ExtractedDocument } from '../markdown/index.js';
import { decodeUtf8, writeFileAtomic } from '../files/index.js';
import { feedItem, translationFrontmatter, type TranslationStatus } from '../publish/index.js';
import type { SegmentFile, StoreSegment } from '../formats/types.js';
import { extractContext, extractProject } from './extract.js';
import { readSource, type ExtractContext } from './extract-file.js';
import { displayPath, type Project } from './project.js';
import { failedExtractions, ioReporter, unreadableFinding } from './workspace.js';
import { commitOutputs, settle } from './incremental.js';
import { planOutputs, recordBuilt, type BuildPlan } from './build-plan.js';
import { publishedItems, publishLanguage } from './publish.js';
import type { ExtractRun } from './extract.js';
import { cacheRoot } from './project.js';
import { fileSegmentsOf, isOpen, meetsState, readSegmentFile, segmentFilePath } from './store.js';
import { HansaError, InputError, asIoError, type Finding } from '../errors/index.js';

/** A translation that is not in the segment file: copy and pseudo output, never stored. */
export interface Override {
  readonly target: string;
  readonly origin: string;
}

/** What one document publishes in one language. */
export interface Publication {
  readonly targets: (string | undefined)[];
  readonly status: TranslationStatus;
}

/** Choose, per document segment, the text to publish, and the article's status. */
export function publication(
  document: ExtractedDocument,
  file: SegmentFile | undefined,
  options: { minState: 'translated' | 'reviewed' | 'final'; fallback: 'source' | 'machine'; overrides?: ReadonlyMap<string, Override> },
): Publication {
  const stored = file === undefined ? document.segments.map(() => undefined) : fileSegmentsOf(document, file);
  let missing = false;
  let machine = false;
  let allReviewed = true;
  let translatable = false;
  const targets = document.segments.map((segment, index) => {
    if (!segment.translatable) return undefined;
    translatable = true;
    const entry = stored[index];
    const chosen = choose(entry, options) ?? overrideOf(entry, segment.id, options.overrides);
    if (chosen === undefined) {
      missing = true;
      return undefined;
    }
    if (chosen.reviewed !== true) allReviewed = false;
    if (chosen.machine) machine = true;
    return chosen.target;
  });
  // With nothing to translate (an empty or code-only article) nobody reviewed anything:
  // the article is complete as it stands, not `reviewed`.
  const status: TranslationStatus = missing ? 'partial' : !translatable ? 'complete' : allReviewed ? 'reviewed' : machine ? 'machine' : 'complete';
  return { targets, status };
}

interface Chosen {
  readonly target: string;
  readonly machine: boolean;
  readonly reviewed?: boolean;
}

function choose(entry: StoreSegment | undefined, options: { minState: 'translated' | 'reviewed' | 'final'; fallback: 'source' | 'machine' }): Chosen | undefined {
  if (entry?.target === undefined || entry.target === '') return undefined;
  if (entry.state === 'initial') return undefined;
  // Tag names come from the project's own locale resources: written and checked by people.
  const reviewed = entry.state === 'reviewed' || entry.state === 'final' || entry.origin === 'locale';
  const human = reviewed || entry.origin === 'human' || entry.origin === 'locale';
  if (meetsState(entry.state, options.minState)) return { target: entry.target, machine: !human, reviewed };
  // Below minState, a person's translation is still not a machine's: the label says who wrote it.
  return options.fallback === 'machine' ? { target: entry.target, machine: !human } : undefined;
}

function overrideOf(entry: StoreSegment | undefined, id: string, overrides: ReadonlyMap<string, Override> | undefined): Chosen | undefined {
  if (entry !== undefined && !isOpen(entry)) return undefined;
  const override = overrides?.get(id);
  return override === undefined ? undefined : { target: override.target, machine: override.origin.startsWith('mt:') };
}

/** What one translated article is made of: the document, its source text and what it publishes. */
export interface ArticleInput {
  readonly lang: string;
  readonly file: string;
  readonly sourcePath: string;
  readonly document: ExtractedDocument;
  readonly publication: Publication;
}

/**
 * The translated article's Markdown as `hansa build` writes it, made from `source` (the text
 * `document` was extracted from), and the findings of the merge (translations left out).
 * Writes nothing: the review page's preview shows it as it would be published now.
 */
export function articleText(project: Project, input: ArticleInput & { readonly source: string }): { text: string; findings: Finding[] } {
  const { config } = project;
  const { output, problems } = mergeArticle(input.source, input, {
    frontmatter: translationFrontmatter({
      lang: input.lang,
      sourceLanguage: config.sourceLanguage,
      sourcePath: input.sourcePath,
      relativePath: input.file,
      sourceHash: input.document.sourceHash,
      status: input.publication.status,
      targetLanguages: config.targetLanguages.includes(input.lang) ? config.targetLanguages : [...config.targetLanguages, input.lang],
    }),
  });
  const findings = problems.map((problem): Finding => ({
    code: problem.problem.code,
    severity: 'error',
    file: input.sourcePath,
    line: problem.line,
    lang: input.lang,
    segment: input.document.segments[problem.segment]?.id ?? '',
    message: 'translation left out: its codes do not match the source',
  }));
  return { text: output, findings };
}

/**
 * Write one translated article below `outDir/<lang>/`, unless the file already holds exactly
 * these bytes (a rerun leaves no trace); returns its path, text and merge findings.
 */
export async function writeArticle(
  project: Project,
  input: ArticleInput & {
    /** The source text `document` was extracted from (see `currentSource`); default: read now, and refused (`source_changed`) if it is not that text. */
    source?: string;
  },
): Promise<{ output: string; absolute: string; text: string; written: boolean; findings: Finding[] }> {
  const source = input.source ?? (await verifiedSource(extractContext(project), input));
  const { text: output, findings } = articleText(project, { ...input, source });
  const target = path.resolve(project.cwd, project.config.outDir, input.lang, input.file);
  const before = await readFile(target).catch(() => undefined);
  const written = before === undefined || !before.equals(Buffer.from(output));
  if (written) await writeFileAtomic(target, output);
  return { output: displayPath(project, target), absolute: target, text: output, written, findings };
}

/** `mergeDocument`, a stack overflow made an error of the article (it cannot happen within `limits.maxNesting`). */
function mergeArticle(source: string, input: { sourcePath: string; document: ExtractedDocument; publication: Publication }, options: Parameters<typeof mergeDocument>[3]): ReturnType<typeof mergeDocument> {
  try {
    return mergeDocument(source, input.document, input.publication.targets, options);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError('markdown_too_complex', `the Markdown is too complex to merge: ${error.message}`, { file: input.sourcePath, cause: error, data: { reason: error.message } });
  }
}

/**
 * The text of a source file whose extraction says it hashes to `sourceHash`. The merge splices
 * at the extraction's offsets, which fit those bytes only: a file edited since (or a cache
 * entry served for it by size and time) is refused rather than corrupted.
 */
async function verifiedSource(context: ExtractContext, input: { file: string; sourcePath: string; document: ExtractedDocument }): Promise<string> {
  const [bytes] = await readSource(input.file, context);
  if (sha256(bytes) !== input.document.sourceHash) {
    throw new InputError('source_changed', `${input.sourcePath} changed since it was extracted; nothing was written for it`, { file: input.sourcePath, data: { file: input.sourcePath } });
  }
  return decodeUtf8(bytes, input.sourcePath);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A source document with its text as it is on disk now. When the bytes are not those the
 * extraction was made from (the file was edited since, or a cache entry was served for it by
 * size and time), they are extracted again, so the merge splices at offsets that fit them.
 * Throws what extraction throws (limits, encoding, frontmatter) as `HansaError`s.
 */
export async function currentSource(
  context: ExtractContext,
  item: { readonly file: string; readonly sourcePath: string; readonly document: ExtractedDocument },
): Promise<{ document: ExtractedDocument; source: string }> {
  const [bytes] = await readSource(item.file, context);
  const hash = sha256(bytes);
  const source = decodeUtf8(bytes, item.sourcePath);
  if (hash === item.document.sourceHash) return { document: item.document, source };
  const document = extractDocument(source, { lang: context.lang, translatableKeys: context.translatableKeys, file: item.sourcePath, sourceHash: hash, limits: context.limits });
  return { document, source };
}

/** What `hansa build` did. */
export interface BuildSummary {
  readonly outputs: readonly string[];
  readonly errors: readonly Finding[];
  /** Translations left out (errors) and warnings (links not followed, damaged cache entries rebuilt). */
  readonly findings: readonly Finding[];
  readonly languages: readonly { readonly lang: string; readonly articles: number; readonly byStatus: Readonly<Record<string, number>> }[];
}

/** `hansa build`: `dist/` for every language from the segment files; no provider. Only articles whose inputs changed are written. */
export async function buildProject(project: Project, options: { targetLanguages?: readonly string[]; workers?: number; signal?: AbortSignal } = {}): Promise<BuildSummary> {
  const { config } = project;
  const languages = options.targetLanguages ?? config.targetLanguages;
  const extraction = await extractProject(project, {
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const errors: Finding[] = [];
  const findings: Finding[] = [];
  const outputs: string[] = [];
  const reports: { lang: string; articles: number; byStatus: Record<string, number> }[] = [];
  const documents = extraction.outcomes.flatMap((outcome) => (outcome.ok ? [{ file: outcome.file, hash: outcome.hash }] : []));
  errors.push(...failedExtractions(extraction));
  const keep = new Set(extraction.outcomes.map((outcome) => outcome.file));
  const plans: BuildPlan[] = [];
  // Documents are loaded when a language needs them, and once for all languages.
  const loaded = new Map<string, Promise<ExtractedDocument | undefined>>();
  const documentOf = (file: string): Promise<ExtractedDocument | undefined> => {
    let document = loaded.get(file);
    if (document === undefined) loaded.set(file, (document = sourceOf(extraction, file, errors)));
    return document;
  };
  for (const lang of languages) {
    const outDir = path.resolve(project.cwd, config.outDir, lang);
    const reported = ioReporter(errors, lang);
    const plan = await planOutputs(project, lang, documents);
    const byStatus: Record<string, number> = { ...plan.byStatus };
    let articles = plan.skipped;
    const published = publishedItems(project, lang);
    for (const pair of plan.due) {
      options.signal?.throwIfAborted();
      const document = await documentOf(pair.file);
      if (document === undefined) continue;
      const sourcePath = `${extraction.context.displayRoot}/${pair.file}`;
      const absolute = segmentFilePath(project, lang, pair.file);
      let file: SegmentFile | undefined;
      try {
        file = await readSegmentFile(absolute, displayPath(project, absolute));
      } catch (error) {
        if (!(error instanceof HansaError)) throw error;
        errors.push(unreadableFinding(error, displayPath(project, absolute), lang));
        continue;
      }
      const chosen = publication(document, file, config.build);
      const ok = await reported(displayPath(project, path.resolve(outDir, pair.file)), async () => {
        const written = await writeArticle(project, { lang, file: pair.file, sourcePath, document, publication: chosen });
        outputs.push(written.output);
        findings.push(...written.findings);
        await published.add(pair.file, feedItem(written.text, pair.file, lang, config.feed.baseUrl));
        recordBuilt(plan, pair, { ...written, status: chosen.status });
      });
      if (!ok) continue;
      byStatus[chosen.status] = (byStatus[chosen.status] ?? 0) + 1;
      articles += 1;
    }
    options.signal?.throwIfAborted();
    // A build always covers every source: translations of deleted ones go before the feed is made.
    try {
      await publishLanguage(project, lang, plan, { keep, published, verified: plan.verified, reported });
    } finally {
      await published.dispose();
    }
    plans.push(plan);
    reports.push({ lang, articles, byStatus });
  }
  // The state once every language is written: one wait for the clock's tick for all (`stamp.ts`).
  if (plans.some((plan) => plan.written.length > 0)) await settle();
  for (const plan of plans) {
    await ioReporter(errors, plan.lang)(displayPath(project, path.join(cacheRoot(project), 'state', plan.lang)), () => commitOutputs(project, plan, { settled: true }));
  }
  findings.unshift(...extraction.findings);
  return { outputs, errors, findings, languages: reports };
}

/** A source document as it is on disk now (extracted again if it changed since), or `undefined` with an error. */
async function sourceOf(extraction: ExtractRun, file: string, errors: Finding[]): Promise<ExtractedDocument | undefined> {
  const sourcePath = `${extraction.context.displayRoot}/${file}`;
  try {
    const document = await extraction.load(file);
    // The merge splices at the extraction's offsets, which fit only the bytes they were made
    // from: a source changed since (or served from the cache by size and time) is extracted again.
    return (await currentSource(extraction.context, { file, sourcePath, document })).document;
  } catch (error) {
    const refused = asIoError(error, sourcePath);
    if (!(refused instanceof HansaError)) throw error;
    errors.push({ code: refused.code, severity: 'error', file: refused.file ?? sourcePath, ...(refused.line === undefined ? {} : { line: refused.line }), message: refused.message, data: refused.data });
    return undefined;
  }
}
