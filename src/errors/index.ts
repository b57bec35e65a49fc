/**
 * Hansa's error family. Errors carry a `code` and data; human text is made at the
 * CLI edge through i18next, so the same error reads in English or Polish.
 */

/** Error codes; each has a message in `locales/<lang>/cli.json` under `errors.<code>`. */
export type ErrorCode =
  | 'config_invalid'
  | 'config_unreadable'
  | 'frontmatter_invalid'
  | 'not_utf8'
  | 'unknown_language'
  | 'unknown_provider'
  | 'file_unreadable'
  | 'file_outside_content'
  | 'no_files'
  | 'markdown_invalid'
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
  | 'budget_exceeded';

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
  override readonly name = 'InputError';
}
