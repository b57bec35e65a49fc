/**
 * The glossary as Hansa holds it, whatever file it came from (CSV or TBX).
 */

/** TBX administrative status, in our words: `deprecated` terms are forbidden in targets. */
export type TermStatus = 'preferred' | 'admitted' | 'deprecated';

/** One term of one language. */
export interface Term {
  readonly text: string;
  readonly status: TermStatus;
  /** Part of speech as TBX writes it (`noun`, `adjective`, `verb`, `properNoun`, `other`). */
  readonly partOfSpeech?: string;
  readonly note?: string;
}

/** A concept: its terms in every language. */
export interface GlossaryEntry {
  /** Stable id: the TBX concept id, or `c` + the line number of the CSV row. */
  readonly id: string;
  /** Terms per language code; the first non-deprecated one is the one to use. */
  readonly terms: Readonly<Record<string, readonly Term[]>>;
  /** Keep the source form in every target (product names, acronyms). */
  readonly doNotTranslate: boolean;
  /** Match only with the same letter case (default: case-insensitive). */
  readonly caseSensitive: boolean;
  /**
   * Also match a two-word source term with its words in reverse order (`szkoła średnia` /
   * `średnia szkoła`): `true` always, `false` never (an opt-out). Undefined, the default:
   * when the Polish dictionary shows the term is an adjective and a noun, and no word is
   * capitalised; noun–noun terms (`rynek pracy`) and proper names keep their order
   * (`invertsByDefault`, inversion.ts).
   */
  readonly allowInversion?: boolean;
  readonly note?: string;
  /** Where the entry was read, for messages. */
  readonly origin: { readonly file: string; readonly line: number };
}

/** A whole glossary. */
export interface Glossary {
  /** Language codes the glossary has columns or terms for, source first when known. */
  readonly languages: readonly string[];
  readonly entries: readonly GlossaryEntry[];
}

/**
 * An entry's terms in `lang`; a regional variant (`en-GB`) falls back to its language's
 * terms when the glossary has no column of its own, so a variant target keeps the glossary.
 */
export function termsIn(entry: GlossaryEntry, lang: string): readonly Term[] {
  return entry.terms[lang] ?? entry.terms[lang.split(/[-_]/)[0] ?? lang] ?? [];
}
