/**
 * The project as translators see it: every source document with its segment file per
 * language, reconciled with the current source (nothing written). `status`, `qa`,
 * `import` and `export` start here.
 */
import type { ExtractedDocument } from '../markdown/index.js';
import type { SegmentFile, StoreSegment } from '../formats/types.js';
import { HansaError } from '../errors/index.js';
import { extractProject, type ExtractRun } from './extract.js';
import { displayPath, type Project } from './project.js';
import type { Finding } from './remote.js';
import { draftFile, readSegmentFile, reconcile, segmentFilePath } from './store.js';

/** One document in one language. */
export interface WorkspaceFile {
  /** Path below the content folder. */
  readonly file: string;
  /** Source path as the segment file names it (`content/pl/a.md`). */
  readonly sourcePath: string;
  readonly document: ExtractedDocument;
  readonly lang: string;
  readonly absolute: string;
  /** Path of the segment file, for messages. */
  readonly display: string;
  /** Whether the segment file exists on disk. */
  readonly exists: boolean;
  readonly current: SegmentFile;
  readonly retired: readonly StoreSegment[];
}

export interface Workspace {
  readonly files: readonly WorkspaceFile[];
  readonly errors: readonly Finding[];
}

/** An extracted source document and where it lives. */
export interface SourceDocument {
  /** Path below the content folder. */
  readonly file: string;
  /** Path from the project (`content/pl/a.md`), as findings and segment files name it. */
  readonly sourcePath: string;
  readonly document: ExtractedDocument;
}

/** The documents an extraction produced, and a finding for each file that failed. */
export async function documentsOf(extraction: ExtractRun): Promise<{ documents: SourceDocument[]; errors: Finding[] }> {
  const documents: SourceDocument[] = [];
  const errors: Finding[] = [];
  for (const outcome of extraction.outcomes) {
    const sourcePath = `${extraction.context.displayRoot}/${outcome.file}`;
    if (outcome.ok) documents.push({ file: outcome.file, sourcePath, document: await extraction.load(outcome.file) });
    else errors.push({ code: outcome.error.code, severity: 'error', file: sourcePath, ...(outcome.error.line === undefined ? {} : { line: outcome.error.line }), message: outcome.error.message, data: outcome.error.data });
  }
  return { documents, errors };
}

/** A segment file that could not be read, as a finding of `lang`. */
export function unreadableFinding(error: HansaError, display: string, lang: string): Finding {
  return { code: error.code, severity: 'error', file: error.file ?? display, ...(error.line === undefined ? {} : { line: error.line }), lang, message: error.message, data: error.data };
}

/** Read every document and its segment files for `languages`. */
export async function loadWorkspace(project: Project, languages: readonly string[], options: { workers?: number } = {}): Promise<Workspace> {
  const extraction = await extractProject(project, options.workers === undefined ? {} : { workers: options.workers });
  const { documents, errors } = await documentsOf(extraction);
  const files: WorkspaceFile[] = [];
  for (const lang of languages) {
    for (const { file, sourcePath, document } of documents) {
      const absolute = segmentFilePath(project, lang, file);
      const display = displayPath(project, absolute);
      try {
        const previous = await readSegmentFile(absolute, display);
        const { file: current, retired } = reconcile(previous, draftFile(document, { original: sourcePath, sourceLanguage: project.config.sourceLanguage, targetLanguage: lang }));
        files.push({ file, sourcePath, document, lang, absolute, display, exists: previous !== undefined, current, retired });
      } catch (error) {
        if (!(error instanceof HansaError)) throw error;
        errors.push(unreadableFinding(error, display, lang));
      }
    }
  }
  return { files, errors };
}
