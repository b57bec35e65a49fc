/**
 * Hansa's error family. Errors carry a `code` and data; human text is made at the
 * CLI edge through i18next, so the same error reads in English or Polish.
 */
import type { CodeProblem } from '../pipeline/code-problems.js';

export type { Finding, FindingCode, RefusalCode, RunFindingCode } from './finding.js';

/** Error codes; each has a message in `locales/<lang>/cli.json` under `errors.<code>`. */
export type ErrorCode =
  | 'config_invalid'
  | 'config_unreadable'
  | 'frontmatter_invalid'
  | 'not_utf8'
  | 'encoding_invalid'
  | 'encoding_unsupported'
  | 'encoding_conflict'
  | 'unknown_language'
  | 'unknown_provider'
  | 'file_unreadable'
  | 'file_outside_content'
  | 'no_files'
  | 'markdown_invalid'
  | 'markdown_too_deep'
  | 'markdown_too_many_markers'
  | 'markdown_too_complex'
  | 'segment_too_long'
  | 'file_too_large'
  | 'source_changed'
  | 'provider_failed'
  | 'provider_unconfigured'
  | 'interrupted'
  | 'glossary_invalid'
  | 'xml_invalid'
  | 'xml_dtd_refused'
  | 'segment_file_invalid'
  | 'import_invalid'
  | 'import_wrong_document'
  | 'import_wrong_language'
  | 'import_unknown_segment'
  | 'budget_exceeded'
  | 'project_locked'
  | 'io_error'
  | 'import_partial'
  | 'export_into_project'
  | 'segment_file_changed';

/** Base class: a code, data for the message, and where it happened. */
export class HansaError extends Error {
  readonly code: ErrorCode;
  readonly data: Readonly<Record<string, string | number>>;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      data?: Record<string, string | number>;
      file?: string;
      line?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HansaError';
    this.code = code;
    this.data = options.data ?? {};
    this.file = options.file;
    this.line = options.line;
  }

  /** `file:line` when known. */
  get location(): string | undefined {
    if (this.file === undefined) return undefined;
    return this.line === undefined ? this.file : `${this.file}:${this.line}`;
  }
}

/** Bad input from the user (a file, a flag, the config): exit code 2. */
export class InputError extends HansaError {
  override readonly name: string = 'InputError';
}

/**
 * A file the system would not read or write (disk full, read-only, a folder where a file
 * belongs, no permission): exit 2, naming the file, never "unexpected error".
 */
export class IoError extends InputError {
  override readonly name: string = 'IoError';
}

/**
 * One segment of a translator's file that cannot be imported, keyed by `code`. `line` is the
 * line of its target in that file; `source` its source text as a reader sees it (standalone
 * codes as what they stand for, when known; see `readableText`), on one line of at most 80
 * characters.
 */
export type ImportProblem =
  /** The document has no segment of that id (`segment` absent: the entry names none). */
  | { readonly code: 'unknown_segment'; readonly segment?: string; readonly line: number; readonly source: string; readonly document: string }
  /** The segment's source is not the file's any more: `current` is the document's (shown as `source` is). */
  | { readonly code: 'stale_source'; readonly segment: string; readonly line: number; readonly source: string; readonly current: string }
  /** The target's inline codes are not its source's: what is wrong, code by code. */
  | { readonly code: 'code_mismatch'; readonly segment: string; readonly line: number; readonly source: string; readonly codes: readonly CodeProblem[] };

/**
 * A translator's file refused for its segments: every bad one found, so that one import
 * shows the translator all there is to mend. At most `problems.length` are listed (the
 * importer's cap); `more` counts the others. Nothing from the file was imported. The code is
 * `import_unknown_segment` when every problem is an unknown segment, else `import_invalid`;
 * `file` and `line` point at the first problem.
 */
export class ImportRefusedError extends InputError {
  override readonly name: string = 'ImportRefusedError';
  readonly problems: readonly ImportProblem[];
  readonly more: number;

  constructor(file: string, problems: readonly [ImportProblem, ...ImportProblem[]], more: number) {
    const [first] = problems;
    const count = problems.length + more;
    const reason = `${count} segment${count === 1 ? '' : 's'} cannot be imported (the first: segment ${first.code === 'unknown_segment' ? (first.segment ?? '(no id)') : first.segment}, ${first.code.replace('_', ' ')})`;
    super(problems.every((problem) => problem.code === 'unknown_segment') ? 'import_unknown_segment' : 'import_invalid', reason, {
      file,
      line: first.line,
      data: { reason, count, id: first.code === 'unknown_segment' ? (first.segment ?? '(no id)') : first.segment, document: first.code === 'unknown_segment' ? first.document : '' },
    });
    this.problems = problems;
    this.more = more;
  }
}

/** Why the system refused, in words (the errno code stays in the data for scripts). */
const ioReasons: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EISDIR: 'a folder is where a file should be',
  ENOTDIR: 'a file is where a folder should be',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EBUSY: 'the file is busy',
  ENOENT: 'no such file or folder',
  EEXIST: 'the file already exists',
  EFBIG: 'the file is too large',
};

/** An errno error from the file system (`ENOSPC` …), as an `IoError` naming `file`; anything else unchanged. */
export function asIoError(error: unknown, file: string): unknown {
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_FS_FILE_TOO_LARGE') {
    // Node reads a file whole into one buffer, which cannot pass 2 GiB: no text file of ours is that large.
    return new IoError('io_error', 'the file is larger than 2 GiB', { file, cause: error, data: { errno: 'EFBIG', reason: 'the file is larger than 2 GiB' } });
  }
  if (error instanceof HansaError || !isErrnoError(error)) return error;
  // mkdir -p over a file says EEXIST; what the user must hear is that a file blocks the folder.
  const errno = error.code === 'EEXIST' && error.syscall === 'mkdir' ? 'ENOTDIR' : (error.code ?? 'EIO');
  return new IoError('io_error', `${ioReasons[errno] ?? error.message} (${errno})`, { file, cause: error, data: { errno, reason: ioReasons[errno] ?? error.message } });
}

/** An error of a system call (it has an errno code such as `ENOSPC`). */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code ?? '') && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
