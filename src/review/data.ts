/**
 * What the review page shows, made from the project as it stands: the overview, search hits,
 * an article's segments with their codes, terms, suggestions and findings.
 *
 * 1. The segment files are the truth: every answer reads them now, reconciled with the current
 *    source the way `hansa status` and `hansa qa` do (`readWorkspaceFile`), and writes nothing.
 * 2. What is costly and changes rarely is kept per server: the glossary and its index (read
 *    again when a glossary file changes), one terminology checker per language, the term hits
 *    of each source text, and extracted documents by source hash.
 * 3. A segment's `version` is a hash of what a save may change (target, state, origin,
 *    reviewer): a save made on another version is refused (api.ts, principle 5).
 * 4. A finding is worded for the reviewer, in the interface language where Hansa has the
 *    words: a code problem names the code ("the link around ‘…’ is missing").
 * 5. Article paths come from the page, so they are checked before any file is touched: below
 *    the content folder, a Markdown file the config includes, and there.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TFunction } from 'i18next';
import { HansaError, asIoError } from '../errors/index.js';
import { absentAsUndefined, globMatcher, sameBytes, scanFiles } from '../files/index.js';
import { segmentsOf, type SegmentFile, type StoreSegment, type StoreUnit, type Suggestion } from '../formats/types.js';
import { readXliff2, writeXliff2 } from '../formats/xliff2.js';
import { TerminologyChecker, loadTerminology, stripDiacritics, termsIn, type TermHit, type Terminology } from '../glossary/index.js';
import { countWords } from '../markdown/words.js';
import { parseTagged, plainText } from '../markdown/tagged.js';
import { readFrontmatter } from '../markdown/frontmatter.js';
import type { ExtractedDocument } from '../markdown/types.js';
import { codeProblemsOf } from '../pipeline/code-problems.js';
import { extractProject, insideContent } from '../pipeline/extract.js';
import { cacheRoot, displayPath, type Project } from '../pipeline/project.js';
import { mapLimited } from '../pipeline/plan.js';
import { pairCounts } from '../pipeline/status.js';
import { segmentFilePath } from '../pipeline/store.js';
import { readWorkspaceFile, type WorkspaceFile } from '../pipeline/workspace.js';
import { checkSegment } from '../qa/checks.js';
import { codeProblemText } from '../cli/code-problem-text.js';
import { loadMessages } from '../cli/messages.js';
import type {
  ArticleRow,
  ArticleView,
  CodeView,
  FindingView,
  ErrorCode,
  Overview,
  Progress,
  SearchHit,
  SearchResult,
  SegmentView,
  Session,
  SourcePart,
  SuggestionView,
  TermView,
  UnitView,
} from './api.js';
import { wordDiff } from './diff.js';
import { storedParts } from './parts.js';

/** An answer other than 200: the status and the `ErrorBody` the page gets. */
export class ReviewError extends Error {
  readonly status: number;
  readonly error: ErrorCode;

  constructor(status: number, error: ReviewError['error'], message: string) {
    super(message);
    this.name = 'ReviewError';
    this.status = status;
    this.error = error;
  }
}

/** What a review server is started with. */
export interface ReviewOptions {
  readonly project: Project;
  /** Target languages offered (`--to`); default the config's `targetLanguages`. */
  readonly languages?: readonly string[];
  /** Language of the interface: `--ui-lang`, else `LANG`. */
  readonly uiLanguage: 'en' | 'pl';
  /** Hansa's messages in `uiLanguage`; default: loaded for it. */
  readonly t?: TFunction;
  /** `--reviewer NAME`, stored with every save. */
  readonly reviewer?: string;
}

/** Most segment files a server keeps parsed. */
const maxKeptFiles = 32;

/** Most search hits an answer holds. */
export const maxSearchHits = 200;

/** The state of one review server: its project and what it keeps between requests (principle 2). */
export class ReviewData {
  readonly project: Project;
  readonly languages: readonly string[];
  readonly session: Session;
  readonly t: TFunction;
  readonly #documents = new Map<string, { hash: string; document: ExtractedDocument }>();
  /** Segment files as last read or written, by language and article (principle 2). */
  readonly #files = new Map<string, WorkspaceFile>();
  /** The XLIFF lines of units this server wrote or may write again (`writeXliff2`'s `units`). */
  readonly writtenUnits = new WeakMap<StoreUnit, readonly string[]>();
  /** Segment views by glossary and language, for segments still held (see `viewer`). */
  readonly #views = new WeakMap<LoadedTerminology, Map<string, WeakMap<StoreSegment, SegmentView>>>();
  #terminology: Promise<LoadedTerminology> | undefined;
  readonly #isIncluded: (file: string) => boolean;
  readonly #isExcluded: (file: string) => boolean;

  constructor(options: ReviewOptions) {
    const { project } = options;
    this.project = project;
    this.languages = options.languages ?? project.config.targetLanguages;
    this.t = options.t ?? loadMessages(options.uiLanguage);
    this.session = {
      uiLanguage: options.uiLanguage,
      sourceLanguage: project.config.sourceLanguage,
      languages: this.languages,
      approveState: project.config.review.approve,
      ...(options.reviewer === undefined ? {} : { reviewer: options.reviewer }),
    };
    this.#isIncluded = globMatcher(project.config.include);
    this.#isExcluded = project.config.exclude.length === 0 ? () => false : globMatcher(project.config.exclude);
  }

  // ── overview and search ──

  /**
   * Every article with its progress per language, and the totals: counted as `hansa status`
   * counts (`pairCounts`), from the project state where a pair is as the last run left it, so
   * an archive of thousands of articles opens in about the time of `hansa status` (reading
   * every segment file took 47–80 s and 1.5 GB at 960 articles in 9 languages).
   */
  async overview(): Promise<Overview> {
    const counted = await pairCounts(this.project, this.languages);
    const root = this.contentRoot();
    const titles = await mapLimited(counted.articles, 16, (file) => sourceTitle(path.join(root, file), file));
    const rows = new Map<string, { file: string; title: string; words: number; languages: Record<string, Progress>; problems: string[] }>();
    const rowOf = (file: string): { file: string; title: string; words: number; languages: Record<string, Progress>; problems: string[] } => {
      let row = rows.get(file);
      if (row === undefined) {
        row = { file, title: path.posix.basename(file), words: 0, languages: {}, problems: [] };
        rows.set(file, row);
      }
      return row;
    };
    counted.articles.forEach((file, index) => (rowOf(file).title = titles[index] ?? path.posix.basename(file)));
    const totals: Record<string, Progress> = Object.fromEntries(this.languages.map((lang) => [lang, emptyProgress()]));
    for (const { lang, articles } of counted.languages) {
      for (const [file, counts] of articles) {
        const row = rowOf(file);
        row.languages[lang] = counts;
        row.words = counts.words;
        totals[lang] = addProgress(totals[lang] ?? emptyProgress(), counts);
      }
    }
    for (const refused of counted.refused) rowOf(refused.file).problems.push(`${refused.lang}: ${this.errorText(refused.error)}`);
    // A source that could not be extracted (a segment file that could not be read is among `refused`).
    const shown = `${displayPath(this.project, root)}/`;
    for (const error of counted.errors) if (error.lang === undefined && error.file.startsWith(shown)) rowOf(error.file.slice(shown.length)).problems.push(this.errorText(error));
    const articles: ArticleRow[] = [...rows.values()]
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
      .map(({ problems, ...row }) => (problems.length === 0 ? row : { ...row, problems }));
    return { sourceLanguage: this.project.config.sourceLanguage, languages: this.languages, totals, articles };
  }

  /**
   * Segments whose source or target holds `query` (letter case and diacritics aside), in
   * article order. One segment file at a time, and only those whose text holds the query at
   * all are parsed: memory stays that of one file, and a search of an archive costs a read of
   * its segment files, not a parse of each.
   */
  async search(query: string, lang?: string): Promise<SearchResult> {
    const languages = lang === undefined ? this.languages : [lang];
    const wanted = folded(query.trim());
    // XML escapes `&`, `<` and `>` (and may `"`, `'`): a query with one cannot be looked for in the raw file.
    const rawTest = wanted !== '' && !/[&<>"']/.test(wanted);
    const { files } = await scanFiles(this.contentRoot(), this.project.config.include, this.project.config.exclude);
    const hits: SearchHit[] = [];
    for (const file of [...files].sort()) {
      for (const language of languages) {
        const absolute = segmentFilePath(this.project, language, file);
        const text = await readFile(absolute, 'utf8').catch(() => undefined);
        if (text === undefined || (rawTest && !folded(text).includes(wanted))) continue;
        let stored: SegmentFile;
        try {
          stored = readXliff2(text, displayPath(this.project, absolute));
        } catch {
          continue; // The overview names a segment file that cannot be read.
        }
        for (const segment of segmentsOf(stored)) {
          const source = plainText(segment.source);
          const target = segment.target === undefined || segment.target === '' ? undefined : plainText(segment.target);
          if (wanted === '' || !(folded(source).includes(wanted) || (target !== undefined && folded(target).includes(wanted)))) continue;
          if (hits.length === maxSearchHits) return { query, hits, truncated: true };
          hits.push({ file, lang: language, segment: segment.id, source, ...(target === undefined ? {} : { target }) });
        }
      }
    }
    return { query, hits, truncated: false };
  }

  // ── one article ──

  /** An article's path from the page, checked (principle 5); 404 when the project has no such article. */
  async articlePath(file: string): Promise<{ file: string; sourcePath: string }> {
    const context = { root: this.contentRoot(), displayRoot: displayPath(this.project, this.contentRoot()) };
    let inside: string;
    try {
      inside = insideContent(file, context);
    } catch {
      throw new ReviewError(404, 'not_found', this.t('review.errors.noArticle', { file }));
    }
    if (inside !== file || !/\.(md|markdown|mdx?)$/i.test(file) || !this.#isIncluded(file) || this.#isExcluded(file)) {
      throw new ReviewError(404, 'not_found', this.t('review.errors.noArticle', { file }));
    }
    const info = await stat(path.join(context.root, file)).catch(() => undefined);
    if (info?.isFile() !== true) throw new ReviewError(404, 'not_found', this.t('review.errors.noArticle', { file }));
    return { file, sourcePath: `${context.displayRoot}/${file}` };
  }

  /** A target language of the session, else 404. */
  checkLanguage(lang: string): void {
    if (!this.languages.includes(lang)) throw new ReviewError(404, 'not_found', this.t('review.errors.noLanguage', { lang, languages: this.languages.join(', ') }));
  }

  /** The extracted document of an article as its source is now; a source that cannot be extracted is 422, named. */
  async document(file: string): Promise<{ document: ExtractedDocument; sourcePath: string }> {
    const { sourcePath } = await this.articlePath(file);
    const run = await extractProject(this.project, { files: [file], workers: 1 });
    const outcome = run.outcomes[0];
    if (outcome === undefined) throw new ReviewError(404, 'not_found', this.t('review.errors.noArticle', { file }));
    if (!outcome.ok) throw new ReviewError(422, 'refused', `${sourcePath}: ${this.errorText(outcome.error)}`);
    const known = this.#documents.get(file);
    if (known?.hash === outcome.hash) return { document: known.document, sourcePath };
    let document: ExtractedDocument;
    try {
      document = await run.load(file);
    } catch (error) {
      if (!(error instanceof HansaError)) throw error;
      throw new ReviewError(422, 'refused', `${sourcePath}: ${this.errorText(error)}`);
    }
    this.#documents.set(file, { hash: outcome.hash, document });
    return { document, sourcePath };
  }

  /** An article's segment file in `lang`, read now and reconciled with its source (principle 1). */
  async workspaceFile(file: string, lang: string): Promise<WorkspaceFile> {
    this.checkLanguage(lang);
    const { document, sourcePath } = await this.document(file);
    const absolute = segmentFilePath(this.project, lang, file);
    const display = displayPath(this.project, absolute);
    const key = `${lang}\u0000${file}`;
    const known = this.#files.get(key);
    try {
      // The same bytes against the same document reconcile to the same file: kept, not parsed again.
      if (known !== undefined && known.document === document && sameBytes(known.bytes, await readFile(absolute).catch(absentAsUndefined))) return known;
      const read = await readWorkspaceFile(this.project, { file, sourcePath, document, lang, absolute, display });
      this.#remember(key, read);
      return read;
    } catch (error) {
      const named = asIoError(error, display);
      if (!(named instanceof HansaError)) throw error;
      throw new ReviewError(422, 'refused', `${display}: ${this.errorText(named)}`);
    }
  }

  /**
   * A segment file as a save wrote it: `version` reconciled and changed into `file`, now on
   * disk as `text`. Read back, it reconciles to `file` again, so the next request need not
   * parse it (a save of a 1,000-segment article stays far under 100 ms).
   */
  wrote(version: WorkspaceFile, file: SegmentFile, text: string): void {
    this.#remember(`${version.lang}\u0000${version.file}`, { ...version, exists: true, bytes: Buffer.from(text), current: file, retired: [] });
  }

  #remember(key: string, file: WorkspaceFile): void {
    this.#files.delete(key);
    this.#files.set(key, file);
    // The files of the articles open lately, not of every article ever opened.
    if (this.#files.size > maxKeptFiles) this.#files.delete(this.#files.keys().next().value ?? key);
  }

  /** The editor's view of an article in one language. */
  async article(file: string, lang: string): Promise<ArticleView> {
    const workspace = await this.workspaceFile(file, lang);
    const views = await this.viewer(lang);
    const units: UnitView[] = workspace.current.units.map((unit) => ({
      id: unit.id,
      ...(unit.name === undefined ? {} : { name: unit.name }),
      segments: unit.parts.flatMap((part) => ('segment' in part ? [views(part.segment)] : [])),
    }));
    return { file, lang, sourcePath: workspace.sourcePath, segmentFile: workspace.display, title: titleOf(file, workspace.document), units };
  }

  /** A function making the view of a segment of `lang`, with the glossary loaded once for all. */
  async viewer(lang: string): Promise<(segment: StoreSegment) => SegmentView> {
    const terms = await this.terminology();
    const checker = await terms.checker(lang);
    // A segment unchanged since the last view (the same object: kept files keep their segments,
    // a save replaces only the one it changes) has the same view under the same glossary.
    let byLang = this.#views.get(terms);
    if (byLang === undefined) this.#views.set(terms, (byLang = new Map()));
    let views = byLang.get(lang);
    if (views === undefined) byLang.set(lang, (views = new WeakMap()));
    const known = views;
    return (segment) => {
      let view = known.get(segment);
      if (view === undefined) {
        view = this.segmentView(segment, lang, terms, checker);
        known.set(segment, view);
      }
      return view;
    };
  }

  /**
   * Load what every first request needs (the glossary, each language's term checker) while
   * nobody waits yet: the server is started some seconds before the page is opened.
   */
  async warm(): Promise<void> {
    const terms = await this.terminology();
    for (const lang of this.languages) await terms.checker(lang);
    // One article's view, thrown away: the code every article needs is loaded and compiled
    // (the first editor of a 1,000-segment article took 1.3 s on a cold server, later ones 0.7 s).
    const { files } = await scanFiles(this.contentRoot(), this.project.config.include, this.project.config.exclude);
    const first = files[0];
    const lang = this.languages[0];
    if (first === undefined || lang === undefined) return;
    await this.article(first, lang);
    // …and its file serialized once, as a save would (the writer's code compiled too).
    writeXliff2((await this.workspaceFile(first, lang)).current, { units: this.writtenUnits });
  }

  /** The findings for `target` (tagged) on `segment`, and whether the gate refuses it. */
  async check(segment: StoreSegment, target: string, lang: string): Promise<{ findings: FindingView[]; blocked: boolean }> {
    const terms = await this.terminology();
    const found = this.findingsOf(segment, target, lang, terms, await terms.checker(lang));
    return { findings: found.map(({ view }) => view), blocked: found.some(({ blocks }) => blocks) };
  }

  // ── views ──

  private segmentView(segment: StoreSegment, lang: string, terms: LoadedTerminology, checker: TerminologyChecker | undefined): SegmentView {
    const hits = terms.hitsOf(segment.source);
    const termViews = termViewsOf(hits, terms.value, lang);
    const hasTarget = segment.target !== undefined && segment.target !== '';
    return {
      id: segment.id,
      source: sourceParts(segment.source, hits, termViews.indexOf),
      ...(hasTarget ? { target: storedParts(segment.target ?? '') } : {}),
      state: segment.state,
      ...(segment.origin === undefined ? {} : { origin: segment.origin }),
      ...(segment.reviewer === undefined ? {} : { reviewer: segment.reviewer }),
      codes: codeViews(segment),
      terms: termViews.views,
      suggestions: (segment.suggestions ?? []).map((suggestion) => suggestionView(suggestion, segment.source)),
      findings: hasTarget ? this.findingsOf(segment, segment.target ?? '', lang, terms, checker).map(({ view }) => view) : [],
      words: countWords(plainText(segment.source)),
      version: versionOf(segment),
    };
  }

  /** Findings of a target (principle 4), each with whether the gate refuses it. */
  private findingsOf(segment: StoreSegment, target: string, lang: string, terms: LoadedTerminology, checker: TerminologyChecker | undefined): { view: FindingView; blocks: boolean }[] {
    const problems = codeProblemsOf(segment.source, target, segment.codes);
    if (problems.length > 0) return problems.map((problem) => ({ view: { check: 'codes', severity: 'error', message: codeProblemText(problem, this.t) }, blocks: true }));
    const { config } = this.project;
    const qa = checkSegment(segment.source, target, { sourceLanguage: config.sourceLanguage, targetLanguage: lang, lengthRatio: config.qa.lengthRatio }).map((finding) => ({
      view: { check: finding.check, severity: finding.severity, message: this.t(`review.check.${finding.check}`, { defaultValue: finding.message }) } satisfies FindingView,
      // What a save refuses (principle 4): a person may mean a number or a short text the machine gate would refuse.
      blocks: finding.check === 'empty',
    }));
    const glossary = (checker?.check(terms.hitsOf(segment.source), plainText(target)) ?? []).map((finding) => ({
      view: {
        check: finding.code,
        // An error, as `hansa qa` has it: the glossary is the organisation's decision. It does not block a save.
        severity: 'error' as const,
        message: this.t(`finding.${finding.code}`, { term: finding.term, expected: (finding.expected ?? []).join(' | '), found: finding.found ?? '', defaultValue: `${finding.code}: ${finding.term}` }),
      },
      blocks: false,
    }));
    return [...qa, ...glossary];
  }

  // ── the glossary ──

  /** The project's terminology, read once and again when a glossary file changes (principle 2). */
  async terminology(): Promise<LoadedTerminology> {
    const loaded = this.#terminology;
    if (loaded !== undefined) {
      const current = await loaded.catch(() => undefined);
      if (current !== undefined && (await current.isFresh())) return current;
    }
    const next = loadedTerminology(this.project);
    this.#terminology = next;
    return next;
  }

  // ── helpers ──

  /** A Hansa error in the interface language, as the CLI says it. */
  errorText(error: HansaError | { readonly code: string; readonly message: string; readonly data?: Readonly<Record<string, string | number>> }): string {
    return this.t(`errors.${error.code}`, { ...(error.data ?? {}), defaultValue: error.message });
  }

  private contentRoot(): string {
    return path.resolve(this.project.cwd, this.project.config.contentDir.replaceAll('{lang}', this.project.config.sourceLanguage));
  }
}

/** The glossary as one server holds it. */
export interface LoadedTerminology {
  readonly value: Terminology | undefined;
  /** Term hits of a source (tagged text), computed once per text. */
  hitsOf(source: string): readonly TermHit[];
  /** The target-side checker of a language, made once; `undefined` without a glossary. */
  checker(lang: string): Promise<TerminologyChecker | undefined>;
  /** No glossary file read has changed since. */
  isFresh(): Promise<boolean>;
}

async function loadedTerminology(project: Project): Promise<LoadedTerminology> {
  const value = await loadTerminology(project.cwd, project.config, { cacheDir: path.join(cacheRoot(project), 'terms') });
  const files = [...new Set(value?.glossary.entries.map((entry) => entry.origin.file) ?? [])].map((file) => path.resolve(project.cwd, file));
  const stamp = async (): Promise<string> => (await Promise.all(files.map(async (file) => String((await stat(file).catch(() => undefined))?.mtimeMs)))).join();
  const loadedStamp = await stamp();
  const hits = new Map<string, TermHit[]>();
  const checkers = new Map<string, Promise<TerminologyChecker | undefined>>();
  return {
    value,
    hitsOf(source) {
      if (value === undefined) return [];
      let found = hits.get(source);
      if (found === undefined) {
        found = value.source.match(plainText(source));
        hits.set(source, found);
      }
      return found;
    },
    checker(lang) {
      let checker = checkers.get(lang);
      if (checker === undefined) {
        checker = value === undefined ? Promise.resolve(undefined) : TerminologyChecker.create(value.glossary, lang, { cacheDir: value.cacheDir });
        checkers.set(lang, checker);
      }
      return checker;
    },
    async isFresh() {
      return (await stamp()) === loadedStamp;
    },
  };
}

/** One view per glossary entry found, and the index of each hit's view. */
function termViewsOf(hits: readonly TermHit[], terminology: Terminology | undefined, lang: string): { views: TermView[]; indexOf: (hit: TermHit) => number } {
  const views: TermView[] = [];
  const byEntry = new Map<string, number>();
  for (const hit of hits) {
    if (byEntry.has(hit.entryId)) continue;
    const entry = terminology?.entries.get(hit.entryId);
    if (entry === undefined) continue;
    const terms = termsIn(entry, lang);
    byEntry.set(hit.entryId, views.length);
    views.push({
      term: hit.term,
      text: hit.text,
      preferred: terms.filter((term) => term.status !== 'deprecated').map((term) => term.text),
      forbidden: terms.filter((term) => term.status === 'deprecated').map((term) => term.text),
      dnt: entry.doNotTranslate,
      ...(entry.note === undefined ? {} : { note: entry.note }),
    });
  }
  return { views, indexOf: (hit) => byEntry.get(hit.entryId) ?? -1 };
}

/**
 * The source as parts, its text runs cut where glossary hits start and end. Hit offsets are
 * UTF-16 offsets into the plain text, which is the text runs joined.
 */
export function sourceParts(source: string, hits: readonly TermHit[], indexOf: (hit: TermHit) => number): SourcePart[] {
  const parts = storedParts(source);
  const marked = hits.filter((hit) => indexOf(hit) >= 0 && hit.end > hit.start);
  if (marked.length === 0) return parts;
  const out: SourcePart[] = [];
  let offset = 0;
  for (const part of parts) {
    if (!('text' in part)) {
      out.push(part);
      continue;
    }
    const start = offset;
    const end = offset + part.text.length;
    offset = end;
    // Cut points inside this run: every hit edge that falls within it.
    const cuts = [...new Set([start, end, ...marked.flatMap((hit) => [hit.start, hit.end]).filter((at) => at > start && at < end)])].sort((a, b) => a - b);
    for (let index = 0; index + 1 < cuts.length; index += 1) {
      const from = cuts[index] ?? start;
      const to = cuts[index + 1] ?? end;
      const text = part.text.slice(from - start, to - start);
      const hit = marked.find((item) => item.start <= from && item.end >= to);
      out.push(hit === undefined ? { text } : { text, term: indexOf(hit) });
    }
  }
  return out;
}

/** The codes of a segment as chips: paired or single as the source has them. */
function codeViews(segment: StoreSegment): CodeView[] {
  const parsed = parseTagged(segment.source);
  const paired = new Set('runs' in parsed ? parsed.runs.flatMap((run) => (run.type === 'open' ? [run.id] : [])) : []);
  return segment.codes.map((code, index) => ({ id: index + 1, kind: code.kind, disp: code.disp, paired: paired.has(index + 1) }));
}

function suggestionView(suggestion: Suggestion, currentSource: string): SuggestionView {
  const changed = suggestion.kind === 'previous' || suggestion.source !== currentSource;
  return {
    kind: suggestion.kind,
    source: storedParts(suggestion.source),
    target: storedParts(suggestion.target),
    origin: suggestion.origin,
    ...(suggestion.similarity === undefined ? {} : { similarity: suggestion.similarity }),
    ...(suggestion.state === undefined ? {} : { state: suggestion.state }),
    ...(suggestion.author === undefined ? {} : { author: suggestion.author }),
    ...(suggestion.file === undefined ? {} : { file: suggestion.file }),
    ...(changed ? { diff: wordDiff(plainText(suggestion.source), plainText(currentSource)) } : {}),
  };
}

/** The segment's version (principle 3). */
export function versionOf(segment: StoreSegment): string {
  return createHash('sha256')
    .update(JSON.stringify([segment.target ?? null, segment.state, segment.origin ?? null, segment.reviewer ?? null]))
    .digest('base64url')
    .slice(0, 22);
}

/** The article's title: its frontmatter `title`, else its file name. */
function titleOf(file: string, document: ExtractedDocument): string {
  const title = document.meta['title'];
  return typeof title === 'string' && title.trim() !== '' ? title.trim() : path.posix.basename(file);
}

/**
 * The `title` of a source's frontmatter, read from the head of the file alone, else the file
 * name. A frontmatter that cannot be read gives the file name: the article's own view says why.
 */
async function sourceTitle(absolute: string, file: string): Promise<string> {
  const fallback = path.posix.basename(file);
  let head: string;
  try {
    const handle = await open(absolute, 'r');
    try {
      const buffer = Buffer.alloc(titleHeadBytes);
      const { bytesRead } = await handle.read(buffer, 0, titleHeadBytes, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return fallback;
  }
  const match = /^(?:\uFEFF)?---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(head);
  if (match === null) return fallback;
  try {
    const title = readFrontmatter(match[1] ?? '').data['title'];
    return typeof title === 'string' && title.trim() !== '' ? title.trim() : fallback;
  } catch {
    return fallback;
  }
}

/** How much of a source's head is read for its title: frontmatter is far shorter. */
const titleHeadBytes = 16 * 1024;

function emptyProgress(): Progress {
  return { segments: 0, words: 0, new: 0, translated: 0, reviewed: 0, final: 0, newWords: 0, translatedWords: 0, reviewedWords: 0, finalWords: 0 };
}

function addProgress(a: Progress, b: Progress): Progress {
  const sum = emptyProgress() as Record<keyof Progress, number>;
  for (const key of Object.keys(sum) as (keyof Progress)[]) sum[key] = a[key] + b[key];
  return sum;
}


/** Text for a search: lower case, without diacritics (the glossary's folding). */
function folded(text: string): string {
  return stripDiacritics(text.toLowerCase());
}
