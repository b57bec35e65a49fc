import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Finding, FindingCode } from '../../src/errors/index.js';

/**
 * Where the CLI finds each code's message (`errors.<code>`, else `finding.<code>`, else the
 * finding's English `message`). `satisfies` makes the list exactly the union: a code added
 * to `FindingCode` must be placed here, and a code not in it cannot be.
 */
const messageOf = {
  config_invalid: 'errors',
  config_unreadable: 'errors',
  frontmatter_invalid: 'errors',
  not_utf8: 'errors',
  encoding_invalid: 'errors',
  encoding_unsupported: 'errors',
  encoding_conflict: 'errors',
  unknown_language: 'errors',
  unknown_provider: 'errors',
  file_unreadable: 'errors',
  file_outside_content: 'errors',
  no_files: 'errors',
  markdown_invalid: 'errors',
  markdown_too_deep: 'errors',
  markdown_too_many_markers: 'errors',
  markdown_too_complex: 'errors',
  segment_too_long: 'errors',
  file_too_large: 'errors',
  source_changed: 'errors',
  provider_failed: 'errors',
  provider_unconfigured: 'errors',
  interrupted: 'errors',
  glossary_invalid: 'errors',
  xml_invalid: 'errors',
  xml_dtd_refused: 'errors',
  segment_file_invalid: 'errors',
  import_invalid: 'errors',
  import_wrong_document: 'errors',
  import_wrong_language: 'errors',
  import_unknown_segment: 'errors',
  budget_exceeded: 'errors',
  project_locked: 'errors',
  io_error: 'errors',
  import_partial: 'errors',
  export_into_project: 'errors',
  segment_file_changed: 'errors',
  code_mismatch: 'finding',
  unbalanced_codes: 'finding',
  unknown_markup: 'finding',
  term_missing: 'finding',
  dnt_missing: 'finding',
  term_forbidden: 'finding',
  link_outside_content: 'finding',
  link_broken: 'finding',
  cache_damaged: 'finding',
  glossary_not_kept: 'finding',
  // QA checks and a refusal without a reason: the English message of the finding is shown.
  codes: 'none',
  numbers: 'none',
  urls: 'none',
  empty: 'none',
  truncated: 'none',
  untranslated: 'none',
  length_ratio: 'none',
  whitespace: 'none',
  end_punctuation: 'none',
  quotes: 'none',
  machine_output_refused: 'none',
} as const satisfies Record<FindingCode, 'errors' | 'finding' | 'none'>;

/** Keys of the locale that are not codes: labels, and i18next contexts of a code (`<code>_<context>`). */
const notCodes = new Set(['prefix', 'usage', 'unexpected', 'warning', 'file_outside_content_link']);

function locale(lang: string): { errors: Record<string, string>; finding: Record<string, string> } {
  return JSON.parse(readFileSync(new URL(`../../locales/${lang}/cli.json`, import.meta.url), 'utf8')) as { errors: Record<string, string>; finding: Record<string, string> };
}

describe('finding codes', () => {
  it('refuses a code that does not exist', () => {
    expectTypeOf<Finding['code']>().toEqualTypeOf<FindingCode>();
    expectTypeOf<'code_mismatch'>().toMatchTypeOf<FindingCode>();
    expectTypeOf<'code_missmatch'>().not.toMatchTypeOf<FindingCode>();
    // @ts-expect-error a misspelt code is a compile error
    const finding: Finding = { code: 'cache_damage', severity: 'warning', file: 'a.md', message: '' };
    expect(finding.code).toBe('cache_damage');
  });

  for (const lang of ['en', 'pl']) {
    it(`has a message in ${lang} for every code that should have one`, () => {
      const { errors, finding } = locale(lang);
      const entries = Object.entries(messageOf);
      expect(entries.filter(([code, where]) => where === 'errors' && errors[code] === undefined).map(([code]) => code)).toEqual([]);
      expect(entries.filter(([code, where]) => where === 'finding' && finding[code] === undefined).map(([code]) => code)).toEqual([]);
      // A message under the other key or for a code listed as having none is never shown, or means this list is stale.
      expect(entries.filter(([code, where]) => where !== 'errors' && errors[code] !== undefined).map(([code]) => code)).toEqual([]);
      expect(entries.filter(([code, where]) => where !== 'finding' && finding[code] !== undefined).map(([code]) => code)).toEqual([]);
    });

    it(`has no ${lang} message for a code that does not exist`, () => {
      const { errors, finding } = locale(lang);
      const keys = [...Object.keys(errors), ...Object.keys(finding)].filter((key) => !notCodes.has(key));
      expect(keys.filter((key) => !Object.hasOwn(messageOf, key))).toEqual([]);
    });
  }
});
