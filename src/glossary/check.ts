/**
 * The target-side terminology check: after translation, each glossary term found in the
 * source must be in the target, in some inflected form of the target language.
 *
 * 1. `term_missing`: the source has the term, the target has none of the entry's
 *    preferred or admitted target terms (entries without a term for the language are skipped).
 * 2. `dnt_missing`: a do-not-translate term does not appear verbatim in the target.
 * 3. `term_forbidden`: the target uses a deprecated term, whatever the source says.
 * 4. In languages that write compounds as one word (sv, da, nb, de, fi, et), a one-word
 *    term also counts as the first part of a compound (`arbetsmarknadspolitik`) or, when
 *    it has at least six letters, as the last part (`ungdomsarbetsmarknaden`).
 * 5. Words the target dictionary lacks get their forms by analogy with the dictionary
 *    word that ends the same way (`projektdeltagare` inflects like `deltagare`).
 */

/** Languages whose compounds are written as one word. */
const compounding = new Set(['sv', 'da', 'nb', 'no', 'nn', 'de', 'fi', 'et', 'is', 'nl']);
import { compileTerms, type CompileOptions } from './compile.js';
import { TermIndex, type CompiledTerm, type TermHit } from './match.js';
import { foldKey, tokenize, type FoldOptions } from './text.js';
import { termsIn, type Glossary, type GlossaryEntry } from './types.js';

/** A terminology problem in one target segment. */
export interface TermFinding {
  readonly code: 'term_missing' | 'dnt_missing' | 'term_forbidden';
  readonly entryId: string;
  /** The source term (missing, dnt) or the forbidden target term. */
  readonly term: string;
  /** What the target should contain. */
  readonly expected?: readonly string[];
  /** The forbidden text as found. */
  readonly found?: string;
}

/** Checks targets of one language against the glossary. */
export class TerminologyChecker {
  readonly #entries: ReadonlyMap<string, GlossaryEntry>;
  readonly #allowed: TermIndex;
  readonly #forbidden: TermIndex;
  readonly #lang: string;
  readonly #fold: FoldOptions;
  /** One-word terms' forms by entry, folded, for compounds. */
  readonly #compoundForms: ReadonlyMap<string, readonly string[]>;
  readonly #forbiddenCompounds: readonly { entryId: string; term: string; forms: readonly string[] }[];

  private constructor(glossary: Glossary, lang: string, allowed: readonly CompiledTerm[], forbidden: readonly CompiledTerm[], fold: FoldOptions) {
    this.#entries = new Map(glossary.entries.map((entry) => [entry.id, entry]));
    this.#allowed = new TermIndex(allowed, fold);
    this.#forbidden = new TermIndex(forbidden, fold);
    this.#lang = lang;
    this.#fold = fold;
    const isCompounding = compounding.has(lang.split(/[-_]/)[0] ?? lang);
    const oneWord = (terms: readonly CompiledTerm[]): { entryId: string; term: string; forms: string[] }[] =>
      isCompounding
        ? terms
            .filter((term) => term.words.length === 1)
            .map((term) => ({ entryId: term.entryId, term: term.term, forms: (term.words[0]?.forms ?? []).map((form) => foldKey(form, fold)) }))
        : [];
    const byEntry = new Map<string, string[]>();
    for (const item of oneWord(allowed)) byEntry.set(item.entryId, [...(byEntry.get(item.entryId) ?? []), ...item.forms]);
    this.#compoundForms = byEntry;
    this.#forbiddenCompounds = oneWord(forbidden);
  }

  /** Compile the target terms of `lang` (allowed and forbidden) with its dictionary. */
  static async create(glossary: Glossary, lang: string, options: FoldOptions & Pick<CompileOptions, 'cacheDir' | 'onCacheDamaged'> = {}): Promise<TerminologyChecker> {
    const cache = { cacheDir: options.cacheDir, onCacheDamaged: options.onCacheDamaged };
    const [allowed, forbidden] = await Promise.all([
      compileTerms(glossary, lang, { statuses: ['preferred', 'admitted'], guessUnknown: true, ...cache }),
      compileTerms(glossary, lang, { statuses: ['deprecated'], inversions: false, guessUnknown: true, ...cache }),
    ]);
    const fold: FoldOptions = { ...(options.ignoreDiacritics === undefined ? {} : { ignoreDiacritics: options.ignoreDiacritics }) };
    return new TerminologyChecker(glossary, lang, allowed, forbidden, fold);
  }

  /** Findings for one target text whose source had `sourceHits`. */
  check(sourceHits: readonly TermHit[], target: string): TermFinding[] {
    const findings: TermFinding[] = [];
    const present = new Set(this.#allowed.matchAll(target).map((hit) => hit.entryId));
    const keys = tokenize(target).map((token) => foldKey(token.text, this.#fold));
    const seen = new Set<string>();
    for (const hit of sourceHits) {
      if (seen.has(hit.entryId)) continue;
      seen.add(hit.entryId);
      const entry = this.#entries.get(hit.entryId);
      if (entry === undefined) continue;
      if (entry.doNotTranslate) {
        if (!containsVerbatim(target, hit.term, { caseSensitive: entry.caseSensitive })) findings.push({ code: 'dnt_missing', entryId: entry.id, term: hit.term, expected: [hit.term] });
        continue;
      }
      const expected = termsIn(entry, this.#lang).filter((term) => term.status !== 'deprecated').map((term) => term.text);
      if (expected.length === 0 || present.has(entry.id)) continue;
      if (keys.some((key) => inCompound(key, this.#compoundForms.get(entry.id) ?? []))) continue;
      findings.push({ code: 'term_missing', entryId: entry.id, term: hit.term, expected });
    }
    for (const hit of this.#forbidden.match(target)) {
      findings.push({ code: 'term_forbidden', entryId: hit.entryId, term: hit.term, found: hit.text });
    }
    for (const item of this.#forbiddenCompounds) {
      const found = keys.find((key) => !item.forms.includes(key) && inCompound(key, item.forms));
      if (found !== undefined) findings.push({ code: 'term_forbidden', entryId: item.entryId, term: item.term, found });
    }
    return findings;
  }
}

/** `key` is a compound whose first part (4+ letters) or last part (6+ letters) is one of `forms`. */
function inCompound(key: string, forms: readonly string[]): boolean {
  return forms.some((form) => key.length > form.length && ((form.length >= 4 && key.startsWith(form)) || (form.length >= 6 && key.endsWith(form))));
}

/**
 * `term` appears in `text` as written (letter case aside, unless `caseSensitive`), on token
 * boundaries; its last word may take an ending (`NEETs`, `NEETunga`).
 */
export function containsVerbatim(text: string, term: string, options: { caseSensitive?: boolean } = {}): boolean {
  const fold: FoldOptions = { caseSensitive: options.caseSensitive ?? false };
  const tokens = tokenize(text).map((token) => ({ key: foldKey(token.text, fold), before: token.before }));
  const wanted = tokenize(term).map((token) => foldKey(token.text, fold));
  if (wanted.length === 0) return false;
  const last = wanted.length - 1;
  for (let i = 0; i + wanted.length <= tokens.length; i++) {
    const isMatch = wanted.every((word, k) => {
      const token = tokens[i + k];
      if (token === undefined || (k > 0 && token.before === 'other')) return false;
      return k === last ? token.key.startsWith(word) : token.key === word;
    });
    if (isMatch) return true;
  }
  return false;
}
