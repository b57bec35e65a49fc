/**
 * The project as translators see it: every source document with its segment file per
 * language, reconciled with the current source (nothing written). `status`, `qa`,
 * `import` and `export` start here.
 */
import type { ExtractedDocument } from '../markdown/types.js';
import { segmentsOf, type SegmentFile, type StoreSegment } from '../formats/types.js';
import { HansaError, IoError, asIoError, type Finding } from '../errors/index.js';
import { extractProject, type ExtractRun } from './extract.js';
import { displayPath, type Project } from './project.js';
import { draftFile, readSegmentFileLeniently, readVersionedSegmentFile, reconcile, segmentFilePath, updateSegments } from './store.js';
import { encodingErrorCodes } from '../files/text.js';

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
  /** The bytes the segment file had when read (`undefined`: none): a writer hands them to `writeFileIfUnchanged`. */
  readonly bytes?: Buffer;
  readonly current: SegmentFile;
  readonly retired: readonly StoreSegment[];
  /**
   * The segment file was refused for its encoding and read leniently, for counting only
   * (`loadWorkspace`'s `lenient`): never write, export or import into it.
   */
  readonly isDecodedLeniently?: boolean;
}

/** A segment file that could not be read (its error is among the workspace's `errors` too). */
export interface RefusedFile {
  /** Path below the content folder. */
  readonly file: string;
  /** Source path as the segment file names it (`content/pl/a.md`). */
  readonly sourcePath: string;
  readonly lang: string;
  readonly error: HansaError;
}

export interface Workspace {
  readonly files: readonly WorkspaceFile[];
  readonly errors: readonly Finding[];
  readonly refused: readonly RefusedFile[];
  /** Warnings of the extraction: links not followed, damaged cache entries rebuilt. */
  readonly warnings: readonly Finding[];
}

/** An extracted source document and where it lives. */
export interface SourceDocument {
  /** Path below the content folder. */
  readonly file: string;
  /** Path from the project (`content/pl/a.md`), as findings and segment files name it. */
  readonly sourcePath: string;
  readonly document: ExtractedDocument;
}

/**
 * The documents an extraction produced, a finding for each file that failed, and the
 * extraction's warnings (links not followed, damaged cache entries rebuilt).
 */
export async function documentsOf(extraction: ExtractRun): Promise<{ documents: SourceDocument[]; errors: Finding[]; warnings: Finding[] }> {
  const documents: SourceDocument[] = [];
  const errors: Finding[] = [];
  for (const outcome of extraction.outcomes) {
    const sourcePath = `${extraction.context.displayRoot}/${outcome.file}`;
    if (!outcome.ok) {
      errors.push({ code: outcome.error.code, severity: 'error', file: sourcePath, ...(outcome.error.line === undefined ? {} : { line: outcome.error.line }), message: outcome.error.message, data: outcome.error.data });
      continue;
    }
    try {
      documents.push({ file: outcome.file, sourcePath, document: await extraction.load(outcome.file) });
    } catch (error) {
      // Its cached extraction was damaged and the source can no longer be read either.
      if (!(error instanceof HansaError)) throw error;
      errors.push({ code: error.code, severity: 'error', file: error.file ?? sourcePath, ...(error.line === undefined ? {} : { line: error.line }), message: error.message, data: error.data });
    }
  }
  // Read after the loads: a damaged cache entry met while loading is among them.
  return { documents, errors, warnings: [...extraction.findings] };
}

/**
 * A runner of writes for one language: a write the system refuses (disk full, read-only, a
 * folder where a file belongs) becomes an error finding naming `file`, and the caller goes on
 * with the other files and languages. Resolves to whether the write succeeded. Any other
 * failure is a bug, not a finding: it stops the run.
 */
export function ioReporter(errors: Finding[], lang: string): (file: string, write: () => Promise<unknown>) => Promise<boolean> {
  return async (file, write) => {
    try {
      await write();
      return true;
    } catch (error) {
      const io = asIoError(error, file);
      if (!(io instanceof HansaError)) throw error;
      // A system error names the file as the caller shows it (the error itself has the absolute path).
      const finding = unreadableFinding(io, file, lang);
      errors.push(io instanceof IoError ? { ...finding, file } : finding);
      return false;
    }
  };
}

/** A segment file that could not be read, as a finding of `lang`. */
export function unreadableFinding(error: HansaError, display: string, lang: string): Finding {
  return { code: error.code, severity: 'error', file: error.file ?? display, ...(error.line === undefined ? {} : { line: error.line }), lang, message: error.message, data: error.data };
}

/**
 * A leniently decoded file with the draft's sources for its segment ids. The ids are hashes
 * of the sources, so they match even where the lenient decoding mangled the file's own copy
 * of a source (`ó` read as U+FFFD): its translations then count under their segments, as
 * they were, instead of as new ones.
 */
function withDraftSources(file: SegmentFile, draft: SegmentFile): SegmentFile {
  const sources = new Map(segmentsOf(draft).map((segment) => [segment.id, segment.source]));
  return updateSegments(file, (segment) => {
    const source = sources.get(segment.id);
    return source === undefined ? segment : { ...segment, source };
  });
}

/**
 * One document's segment file in `lang`, read (now) and reconciled with the document; also
 * what a writer does again when the file changed on disk since it was first read.
 */
export async function readWorkspaceFile(project: Project, where: Pick<WorkspaceFile, 'file' | 'sourcePath' | 'document' | 'lang' | 'absolute' | 'display'>): Promise<WorkspaceFile> {
  const { file: previous, bytes } = await readVersionedSegmentFile(where.absolute, where.display);
  const { file: current, retired } = reconcile(previous, draftFile(where.document, { original: where.sourcePath, sourceLanguage: project.config.sourceLanguage, targetLanguage: where.lang }));
  return { ...where, exists: previous !== undefined, ...(bytes === undefined ? {} : { bytes }), current, retired };
}

/**
 * Read every document and its segment files for `languages`. A segment file that cannot be
 * read is an error and left out; with `lenient` (default `false`; `status` only, as it writes
 * nothing), one refused for its encoding is also read leniently and kept, marked
 * `isDecodedLeniently`, so its translations still count as they are.
 */
export async function loadWorkspace(project: Project, languages: readonly string[], options: { workers?: number; lenient?: boolean } = {}): Promise<Workspace> {
  const extraction = await extractProject(project, options.workers === undefined ? {} : { workers: options.workers });
  const { documents, errors, warnings } = await documentsOf(extraction);
  const files: WorkspaceFile[] = [];
  const refused: RefusedFile[] = [];
  for (const lang of languages) {
    for (const document of documents) {
      const file = await workspaceFileOf(project, document, lang, { errors, refused, lenient: options.lenient === true });
      if (file !== undefined) files.push(file);
    }
  }
  return { files, errors, refused, warnings };
}

/**
 * One document's segment file in `lang`, reconciled; `undefined` when it cannot be read (an
 * error in `errors`, the file in `refused`) unless `lenient` keeps it for counting.
 */
export async function workspaceFileOf(
  project: Project,
  { file, sourcePath, document }: SourceDocument,
  lang: string,
  context: { readonly errors: Finding[]; readonly refused: RefusedFile[]; readonly lenient: boolean },
): Promise<WorkspaceFile | undefined> {
  const absolute = segmentFilePath(project, lang, file);
  const display = displayPath(project, absolute);
  try {
    return await readWorkspaceFile(project, { file, sourcePath, document, lang, absolute, display });
  } catch (error) {
    if (!(error instanceof HansaError)) throw error;
    context.errors.push(unreadableFinding(error, display, lang));
    context.refused.push({ file, sourcePath, lang, error });
    if (!context.lenient) return undefined;
    // For counting: a file refused for its encoding by the states it holds; any other
    // unreadable file by its document's segments, as new (they are not done, and the
    // totals still cover the whole project).
    const draft = draftFile(document, { original: sourcePath, sourceLanguage: project.config.sourceLanguage, targetLanguage: lang });
    const damaged = encodingErrorCodes.has(error.code) ? await readSegmentFileLeniently(absolute, display).catch(() => undefined) : undefined;
    const { file: current, retired } = reconcile(damaged === undefined ? undefined : withDraftSources(damaged, draft), draft);
    return { file, sourcePath, document, lang, absolute, display, exists: true, current, retired, isDecodedLeniently: true };
  }
}

/** The files of an extraction that failed, as error findings. */
export function failedExtractions(extraction: ExtractRun): Finding[] {
  return extraction.outcomes.flatMap((outcome): Finding[] =>
    outcome.ok ? [] : [{ code: outcome.error.code, severity: 'error', file: `${extraction.context.displayRoot}/${outcome.file}`, ...(outcome.error.line === undefined ? {} : { line: outcome.error.line }), message: outcome.error.message, data: outcome.error.data }],
  );
}

/**
 * A document of an extraction, loaded, or `undefined` with an error in `errors` when its cached
 * extraction and its source are both gone (a document is loaded only when a run needs it).
 */
export async function sourceDocument(extraction: ExtractRun, file: string, errors: Finding[]): Promise<SourceDocument | undefined> {
  const sourcePath = `${extraction.context.displayRoot}/${file}`;
  try {
    return { file, sourcePath, document: await extraction.load(file) };
  } catch (error) {
    if (!(error instanceof HansaError)) throw error;
    errors.push({ code: error.code, severity: 'error', file: error.file ?? sourcePath, ...(error.line === undefined ? {} : { line: error.line }), message: error.message, data: error.data });
    return undefined;
  }
}
