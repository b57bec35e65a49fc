/** `hansa status`: what is left to translate and review, per language. */
import { HansaError } from '../errors/index.js';
import { readLanguageState, type SegmentCounts } from '../state/language.js';
import { checkStamp } from '../state/stamp.js';
import { extractProject } from './extract.js';
import { countsOf, stateKeyOf } from './incremental.js';
import { mapLimited } from './plan.js';
import { cacheRoot, type Project } from './project.js';
import { segmentFilePath } from './store.js';
import type { Finding } from '../errors/index.js';
import { failedExtractions, workspaceFileOf, type RefusedFile } from './workspace.js';

/** Per-language counts of `hansa status`. */
export interface LanguageStatus {
  readonly lang: string;
  readonly files: number;
  readonly segments: number;
  readonly words: number;
  /** No translation yet: no target, or only a draft in state `initial` (suggestions do not count). */
  readonly new: number;
  readonly translated: number;
  readonly reviewed: number;
  readonly final: number;
  /** Words still without a translation. */
  readonly newWords: number;
  /** Share of segments with a translation (any state), 0–100, one decimal. */
  readonly percentTranslated: number;
  /** Share of segments reviewed or final, 0–100, one decimal. */
  readonly percentReviewed: number;
  /**
   * Segment files that could not be read (each also an error of the report). One refused for
   * its encoding is counted from a lenient reading, by the states it holds; any other (broken
   * XML, empty) by its document's segments, as new, so the totals still cover every article.
   */
  readonly unreadable: readonly string[];
}

export interface StatusReport {
  readonly languages: readonly LanguageStatus[];
  readonly errors: readonly Finding[];
  /** Warnings: links not followed, damaged cache entries rebuilt. */
  readonly warnings: readonly Finding[];
}

/** The counts of each article (path below the content folder) in one language. */
export interface LanguageCounts {
  readonly lang: string;
  readonly articles: ReadonlyMap<string, SegmentCounts>;
  /** Segment files counted from a lenient reading (see `LanguageStatus.unreadable`). */
  readonly unreadable: readonly string[];
}

/** What `pairCounts` found. */
export interface PairCounts {
  readonly languages: readonly LanguageCounts[];
  readonly errors: readonly Finding[];
  /** Segment files that could not be read, by article and language. */
  readonly refused: readonly RefusedFile[];
  /** Warnings: links not followed, damaged cache entries rebuilt. */
  readonly warnings: readonly Finding[];
  /** Every article extracted without error (paths below the content folder), in path order. */
  readonly articles: readonly string[];
}

/**
 * Count states in every (article, language) pair, as the segment files stand against the
 * current sources. A pair whose source and segment file are what the project state recorded
 * is counted from the state (its file is not even read); any other is read and reconciled
 * now. Nothing is written.
 */
export async function pairCounts(project: Project, languages: readonly string[] = project.config.targetLanguages): Promise<PairCounts> {
  const extraction = await extractProject(project);
  const errors: Finding[] = [];
  errors.push(...failedExtractions(extraction));
  const documents = extraction.outcomes.flatMap((outcome) => (outcome.ok ? [outcome] : []));
  const key = stateKeyOf(project);
  const refused: RefusedFile[] = [];
  const results: LanguageCounts[] = [];
  for (const lang of languages) {
    const data = await readLanguageState(cacheRoot(project), lang, key);
    const articles = new Map<string, SegmentCounts>();
    const unreadable: string[] = [];
    const known = await mapLimited(documents, 32, async (outcome) => {
      const record = data.articles[outcome.file];
      // A record made by `build` alone (`inputs: ''`) claims nothing of the segment file.
      if (record?.segments === undefined || record.inputs === '' || record.source !== outcome.hash) return undefined;
      const check = await checkStamp(segmentFilePath(project, lang, outcome.file), record.segments);
      return check.status === 'same' || check.status === 'same-content' ? record.counts : undefined;
    });
    for (const [index, outcome] of documents.entries()) {
      let found: SegmentCounts | undefined = known[index];
      if (found === undefined) {
        const sourcePath = `${extraction.context.displayRoot}/${outcome.file}`;
        let document;
        try {
          document = await extraction.load(outcome.file);
        } catch (error) {
          if (!(error instanceof HansaError)) throw error;
          errors.push({ code: error.code, severity: 'error', file: error.file ?? sourcePath, ...(error.line === undefined ? {} : { line: error.line }), message: error.message, data: error.data });
          continue;
        }
        // Lenient: a segment file in the wrong encoding is an error, but its translations still count.
        const file = await workspaceFileOf(project, { file: outcome.file, sourcePath, document }, lang, { errors, refused, lenient: true });
        if (file === undefined) continue;
        if (file.isDecodedLeniently === true) unreadable.push(file.display);
        found = countsOf(file.current);
      }
      articles.set(outcome.file, found);
    }
    results.push({ lang, articles, unreadable });
  }
  return { languages: results, errors, refused, warnings: [...extraction.findings], articles: documents.map((outcome) => outcome.file) };
}

/** Count states over the segment files per language (`pairCounts`, summed). Nothing is written. */
export async function projectStatus(project: Project, languages: readonly string[] = project.config.targetLanguages): Promise<StatusReport> {
  const counted = await pairCounts(project, languages);
  const reports = counted.languages.map(({ lang, articles, unreadable }): LanguageStatus => {
    const counts = { files: 0, segments: 0, words: 0, new: 0, translated: 0, reviewed: 0, final: 0, newWords: 0 };
    for (const found of articles.values()) {
      counts.files += 1;
      for (const name of ['segments', 'words', 'new', 'translated', 'reviewed', 'final', 'newWords'] as const) counts[name] += found[name];
    }
    const percent = (part: number): number => (counts.segments === 0 ? 100 : Math.round((1000 * part) / counts.segments) / 10);
    return { lang, ...counts, percentTranslated: percent(counts.segments - counts.new), percentReviewed: percent(counts.reviewed + counts.final), unreadable };
  });
  return { languages: reports, errors: counted.errors, warnings: counted.warnings };
}
