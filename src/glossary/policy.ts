/**
 * Glossary policy: what the project glossary asks of one run, one language and one segment.
 *
 * 1. A glossary is read and indexed once per run; a segment's hits are computed once per
 *    segment id, however many documents and languages share it.
 * 2. The term to use in a language is an entry's first term there that is not deprecated;
 *    a deprecated source term is never handed to a provider as one to translate.
 * 3. A do-not-translate term keeps the surface form the source has; a target term takes the
 *    capital of the text it replaces, unless it is written capitalised itself.
 * 4. What the glossary says for a language pair has a version (a hash): a provider given the
 *    glossary is asked again when it changes, and not otherwise.
 */
import { createHash } from 'node:crypto';
import type { HansaConfig } from '../config/index.js';
// Not through markdown/index.ts, which loads the Markdown parser (remark, micromark) with it.
import { plainText } from '../markdown/tagged.js';
import type { Segment } from '../markdown/types.js';
import type { SegmentTerm } from '../providers/index.js';
import type { TermHit, TermIndex } from './match.js';
import { createTermIndex, loadGlossaries } from './project.js';
import { termsIn, type Glossary, type GlossaryEntry } from './types.js';

/** The project's glossary and its source index, when the project has a glossary. */
export interface Terminology {
  readonly glossary: Glossary;
  readonly entries: ReadonlyMap<string, GlossaryEntry>;
  readonly source: TermIndex;
  /** Folder of the compiled term caches; pass it on to `TerminologyChecker.create`. */
  readonly cacheDir: string;
  /** Told of a damaged term cache file (rebuilt), for a warning; pass it on with `cacheDir`. */
  readonly onCacheDamaged?: (file: string, reason: string) => void;
}

/** Options of `loadTerminology`. */
export interface LoadTerminologyOptions {
  /** Folder of the compiled term caches (a project's `.hansa/terms`). Required. */
  readonly cacheDir: string;
  /** Told of a damaged cache file, which is rebuilt. Default: nobody. */
  readonly onCacheDamaged?: (file: string, reason: string) => void;
}

/** A span of a segment's plain text to mask, and the text to put back (`pipeline/strict`'s `MaskSpan`). */
export interface TermSpan {
  /** UTF-16 offsets in the plain text of the segment. */
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** A source term and the target term to use, as a provider's glossary resource takes it. */
export interface GlossaryPair {
  readonly source: string;
  readonly target: string;
}

/**
 * Read the glossary files of a project below `cwd` and index their source terms; undefined
 * when the project has no glossary entry.
 */
export async function loadTerminology(cwd: string, config: Pick<HansaConfig, 'sourceLanguage' | 'glossary'>, options: LoadTerminologyOptions): Promise<Terminology | undefined> {
  const glossary = await loadGlossaries(cwd, { globs: config.glossary.files, sourceLanguage: config.sourceLanguage });
  if (glossary.entries.length === 0) return undefined;
  const { cacheDir, onCacheDamaged } = options;
  const source = await createTermIndex(glossary, config.sourceLanguage, { ignoreDiacritics: config.glossary.ignoreDiacritics, cacheDir, onCacheDamaged });
  return { glossary, entries: new Map(glossary.entries.map((entry) => [entry.id, entry])), source, cacheDir, onCacheDamaged };
}

/** Term hits of a segment's plain text, computed once per segment id. */
export function memoizeHits(terminology: Terminology | undefined): (segment: Segment) => TermHit[] {
  const cache = new Map<string, TermHit[]>();
  return (segment) => {
    if (terminology === undefined) return [];
    let hits = cache.get(segment.id);
    if (hits === undefined) {
      hits = terminology.source.match(plainText(segment.source));
      cache.set(segment.id, hits);
    }
    return hits;
  };
}

/** What a provider needs to know of the terms in a segment. */
export function segmentTerms(hits: readonly TermHit[], terminology: Terminology | undefined, lang: string): SegmentTerm[] {
  if (terminology === undefined || hits.length === 0) return [];
  return hits.flatMap((hit) => {
    const entry = terminology.entries.get(hit.entryId);
    if (entry === undefined) return [];
    const target = preferredTerm(entry, lang);
    return [{ source: hit.term, text: hit.text, doNotTranslate: entry.doNotTranslate, ...(target === undefined ? {} : { target }) }];
  });
}

/**
 * The glossary's target term with the case of the text it replaces: a capitalised source
 * word (a sentence start, a title) gets a capitalised target, so "Rynek pracy rośnie."
 * masks to "Labour market …", not "labour market …". Terms written capitalised stay so.
 */
export function capitalizedLike(found: string, term: string): string {
  const first = found.charAt(0);
  if (first === '' || first === first.toLowerCase() || term.charAt(0) !== term.charAt(0).toLowerCase()) return term;
  return term.charAt(0).toUpperCase() + term.slice(1);
}

/** The term an entry wants in `lang`: its first one not deprecated. */
export function preferredTerm(entry: GlossaryEntry, lang: string): string | undefined {
  return termsIn(entry, lang).find((term) => term.status !== 'deprecated')?.text;
}

/** A hash of what the glossary says for one language pair; undefined without a glossary. */
export function glossaryVersion(terminology: Terminology | undefined, sourceLanguage: string, lang: string): string | undefined {
  if (terminology === undefined) return undefined;
  const lines = terminology.glossary.entries
    .map((entry) => JSON.stringify([entry.terms[sourceLanguage] ?? [], termsIn(entry, lang), entry.doNotTranslate, entry.caseSensitive]))
    .sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Glossary terms of a segment to mask in a stricter request, with the text to put back. */
export function maskSpans(hits: readonly TermHit[], terminology: Terminology | undefined, lang: string): TermSpan[] {
  if (terminology === undefined) return [];
  return hits.flatMap((hit) => {
    const entry = terminology.entries.get(hit.entryId);
    if (entry === undefined) return [];
    if (entry.doNotTranslate) return [{ start: hit.start, end: hit.end, replacement: hit.text }];
    const target = preferredTerm(entry, lang);
    return target === undefined ? [] : [{ start: hit.start, end: hit.end, replacement: capitalizedLike(hit.text, target) }];
  });
}

/**
 * The glossary pairs of each target language, as `glossaryPairs` makes them, from the
 * project's glossary files below `cwd`, read when first asked (a run whose provider never
 * asks does not read them for it).
 */
export function glossaryPairsReader(cwd: string, config: Pick<HansaConfig, 'sourceLanguage' | 'glossary'>): (lang: string) => Promise<GlossaryPair[]> {
  let glossary: Promise<Glossary> | undefined;
  return async (lang) => glossaryPairs(await (glossary ??= loadGlossaries(cwd, { globs: config.glossary.files, sourceLanguage: config.sourceLanguage })), config.sourceLanguage, lang);
}

/**
 * The glossary of one target language as a provider's glossary resource (DeepL) takes it:
 * every source term not deprecated → the preferred target term; do-not-translate terms →
 * themselves; entries without a term for `lang` are left out.
 */
export function glossaryPairs(glossary: Glossary, sourceLanguage: string, lang: string): GlossaryPair[] {
  return glossary.entries.flatMap((entry) => {
    const preferred = preferredTerm(entry, lang);
    const sources = (entry.terms[sourceLanguage] ?? []).filter((term) => term.status !== 'deprecated');
    return sources.flatMap((term) => {
      const target = entry.doNotTranslate ? term.text : preferred;
      return target === undefined ? [] : [{ source: term.text, target }];
    });
  });
}
