/** `hansa status`: what is left to translate and review, per language. */
import { countWords, plainText } from '../markdown/index.js';
import { segmentsOf } from '../formats/types.js';
import type { Project } from './project.js';
import type { Finding } from './remote.js';
import { loadWorkspace } from './workspace.js';

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

/** Count states over the segment files, as they stand against the current sources. */
export async function projectStatus(project: Project, languages: readonly string[] = project.config.targetLanguages): Promise<StatusReport> {
  // Lenient: a segment file in the wrong encoding is an error, but its translations still count.
  const workspace = await loadWorkspace(project, languages, { lenient: true });
  const reports = languages.map((lang): LanguageStatus => {
    const counts = { files: 0, segments: 0, words: 0, new: 0, translated: 0, reviewed: 0, final: 0, newWords: 0 };
    const unreadable: string[] = [];
    for (const file of workspace.files.filter((item) => item.lang === lang)) {
      counts.files += 1;
      if (file.isDecodedLeniently === true) unreadable.push(file.display);
      for (const segment of segmentsOf(file.current)) {
        const words = countWords(plainText(segment.source));
        counts.segments += 1;
        counts.words += words;
        const hasTarget = segment.target !== undefined && segment.target !== '';
        // A draft target in state `initial` (a CAT tool's pre-filled copy, an unconfirmed
        // edit) is not a translation: build does not publish it, so status counts it as new.
        if (!hasTarget || segment.state === 'initial') {
          counts.new += 1;
          counts.newWords += words;
        } else if (segment.state === 'final') counts.final += 1;
        else if (segment.state === 'reviewed') counts.reviewed += 1;
        else counts.translated += 1;
      }
    }
    const percent = (part: number): number => (counts.segments === 0 ? 100 : Math.round((1000 * part) / counts.segments) / 10);
    return { lang, ...counts, percentTranslated: percent(counts.segments - counts.new), percentReviewed: percent(counts.reviewed + counts.final), unreadable };
  });
  return { languages: reports, errors: workspace.errors, warnings: workspace.warnings };
}
