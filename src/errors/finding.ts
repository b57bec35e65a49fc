/**
 * Findings: problems with one segment or file, collected on the run as data.
 *
 * 1. A finding never stops the other files; an error finding fails the run at the end.
 * 2. Its `code` is one of a closed union, so a misspelt code is a compile error and the
 *    CLI's message lookup (`errors.<code>`, then `finding.<code>` in `locales/<lang>/cli.json`)
 *    is keyed by codes that exist.
 * 3. Each family of codes is defined where its findings are made (error codes here, QA
 *    checks in `qa/checks.ts`, glossary codes in `glossary/check.ts`, tagged-text problems in
 *    `markdown/tagged.ts`); this union only gathers them, with the few made nowhere else.
 */
import type { TermFinding } from '../glossary/index.js';
import type { TaggedProblem } from '../markdown/tagged.js';
import type { CheckName } from '../qa/checks.js';
import type { ErrorCode } from './index.js';

/** Codes of findings that are not errors, QA checks, glossary or tagged-text problems. */
export type RunFindingCode =
  /** A cache file in `.hansa/` was damaged and rebuilt (warning). */
  | 'cache_damaged'
  /** A symbolic link points outside the content folder: skipped (warning). */
  | 'link_outside_content'
  /** A symbolic link points nowhere: skipped (warning). */
  | 'link_broken'
  /** A machine answer kept the checks but not the glossary: refused (warning). */
  | 'glossary_not_kept'
  /** A machine answer was refused for no recorded reason (warning). */
  | 'machine_output_refused';

/** Why the validation gate refused a machine answer: a blocking check or the glossary. */
export type RefusalCode = CheckName | 'glossary_not_kept';

/** Every code a finding can carry. */
export type FindingCode = ErrorCode | CheckName | TermFinding['code'] | TaggedProblem['code'] | RunFindingCode;

/** A problem with one segment or file; it never stops the other files. */
export interface Finding {
  readonly code: FindingCode;
  readonly severity: 'error' | 'warning';
  /** The file as shown to the user, or the provider's name for provider findings. */
  readonly file: string;
  /** 1-based line in `file`, when known. */
  readonly line?: number;
  readonly lang?: string;
  readonly segment?: string;
  /** English text, used when the locale has no message for `code`. */
  readonly message: string;
  /** Values for the locale's message. */
  readonly data?: Readonly<Record<string, string | number>>;
}
