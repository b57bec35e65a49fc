/**
 * The target-side terminology check: after translation, each glossary term found in the
 * source must be in the target, in some inflected form of the target language.
 *
 * 1. `term_missing`: the source has the term, the target has none of the entry's
 *    preferred or admitted target terms (entries without a term for the language are skipped).
 * 2. `dnt_missing`: a do-not-translate term does not appear verbatim in the target.
 * 3. `term_forbidden`: the target uses a deprecated term, whatever the source says.
 */
import { compileTerms } from './compile.js';
import { TermIndex, type TermHit } from './match.js';
import { tokenize, type FoldOptions } from './text.js';
import type { Glossary, GlossaryEntry } from './types.js';

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

  private constructor(glossary: Glossary, lang: string, allowed: TermIndex, forbidden: TermIndex) {
    this.#entries = new Map(glossary.entries.map((entry) => [entry.id, entry]));
    this.#allowed = allowed;
    this.#forbidden = forbidden;
    this.#lang = lang;
  }

  /** Compile the target terms of `lang` (allowed and forbidden) with its dictionary. */
  static async create(glossary: Glossary, lang: string, options: FoldOptions & { cacheDir?: string } = {}): Promise<TerminologyChecker> {
    const cache = options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir };
    const [allowed, forbidden] = await Promise.all([
      compileTerms(glossary, lang, { statuses: ['preferred', 'admitted'], ...cache }),
      compileTerms(glossary, lang, { statuses: ['deprecated'], inversions: false, ...cache }),
    ]);
    return new TerminologyChecker(glossary, lang, new TermIndex(allowed, options), new TermIndex(forbidden, options));
  }

  /** Findings for one target text whose source had `sourceHits`. */
  check(sourceHits: readonly TermHit[], target: string): TermFinding[] {
    const findings: TermFinding[] = [];
    const present = new Set(this.#allowed.matchAll(target).map((hit) => hit.entryId));
    const seen = new Set<string>();
    for (const hit of sourceHits) {
      if (seen.has(hit.entryId)) continue;
      seen.add(hit.entryId);
      const entry = this.#entries.get(hit.entryId);
      if (entry === undefined) continue;
      if (entry.doNotTranslate) {
        if (!containsVerbatim(target, hit.term)) findings.push({ code: 'dnt_missing', entryId: entry.id, term: hit.term, expected: [hit.term] });
        continue;
      }
      const expected = (entry.terms[this.#lang] ?? []).filter((term) => term.status !== 'deprecated').map((term) => term.text);
      if (expected.length > 0 && !present.has(entry.id)) findings.push({ code: 'term_missing', entryId: entry.id, term: hit.term, expected });
    }
    for (const hit of this.#forbidden.match(target)) {
      findings.push({ code: 'term_forbidden', entryId: hit.entryId, term: hit.term, found: hit.text });
    }
    return findings;
  }
}

/** `term` appears in `text` as written, on token boundaries. */
export function containsVerbatim(text: string, term: string): boolean {
  const tokens = tokenize(text);
  const wanted = tokenize(term).map((token) => token.text);
  if (wanted.length === 0) return false;
  for (let i = 0; i + wanted.length <= tokens.length; i++) {
    if (wanted.every((word, k) => tokens[i + k]?.text === word && (k === 0 || tokens[i + k]?.before !== 'other'))) return true;
  }
  return false;
}
