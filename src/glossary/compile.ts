/**
 * Compiling a glossary for one language: every word of every term expanded into its
 * forms with that language's dictionary (in Polish with the paradigms it splits joined,
 * suppletion.ts), and a two-word term whose order may be turned round compiled reversed
 * as well (inversion.ts). Compiling costs a dictionary load and the
 * expansions; the result is cached in `.hansa/terms/`, keyed by the glossary's content,
 * the language and the dictionary's version, so later runs skip both.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { readCacheFile, writeFileAtomic } from '../files/index.js';
import type { CompiledTerm, CompiledWord } from './match.js';
import { fallbackStem, formsOf, hasDictionary, isPolishVerb, loadDictionary, releaseDictionary } from './morphology.js';
import { invertsByDefault } from './inversion.js';
import { polishParadigms, polishSuppletion } from './suppletion.js';
import { isAcronym, termWords, type Separator } from './text.js';
import { termsIn, type Glossary, type TermStatus } from './types.js';

/** Options of `compileTerms`. */
export interface CompileOptions {
  /** Which terms: those of these statuses. Default preferred and admitted. */
  readonly statuses?: readonly TermStatus[];
  /**
   * Also compile two-word terms with their words reversed: those of entries that allow it
   * (`allowInversion: true`) and, in Polish, adjective–noun terms of entries that leave it to
   * the default (inversion.ts). False: no term is reversed. Default true.
   */
  readonly inversions?: boolean;
  /** Folder for the cache; none = no cache. */
  readonly cacheDir?: string;
  /**
   * Told of a cache file that is damaged (not JSON, not compiled terms): it is compiled
   * again and rewritten, never an error. Default: nobody is told.
   */
  readonly onCacheDamaged?: (file: string, reason: string) => void;
  /** Guess forms of words the dictionary lacks, by analogy (target checks). Default false. */
  readonly guessUnknown?: boolean;
}

/** Bump when compiled output changes. */
const compileVersion = '3';

/** The terms of `lang` in `glossary`, each word expanded into its forms. */
export async function compileTerms(glossary: Glossary, lang: string, options: CompileOptions = {}): Promise<CompiledTerm[]> {
  const statuses = options.statuses ?? ['preferred', 'admitted'];
  const isPolish = lang.startsWith('pl');
  const plan = glossary.entries.flatMap((entry) =>
    termsIn(entry, lang)
      .filter((term) => statuses.includes(term.status))
      .flatMap((term) => {
        const { words, separators } = termWords(term.text);
        if (words.length === 0) return [];
        // Whether the reversed order may match is settled once the words have their forms.
        const invertible = (options.inversions ?? true) && entry.allowInversion !== false && words.length === 2 && separators[1] === 'space';
        const inversion = !invertible ? ('never' as const) : entry.allowInversion === true ? ('always' as const) : ('default' as const);
        return [{ entryId: entry.id, term: term.text, caseSensitive: entry.caseSensitive, words, separators, inversion }];
      }),
  );
  const key = createHash('sha256')
    // The suppletion table is data: an edit to it must not reuse forms compiled without it.
    .update(JSON.stringify({ compileVersion, lang, plan, guess: options.guessUnknown ?? false, dictionary: await dictionaryVersion(lang), ...(isPolish ? { suppletion: polishParadigms } : {}) }))
    .digest('hex');
  const cacheFile = options.cacheDir === undefined ? undefined : path.join(options.cacheDir, `${lang}-${key.slice(0, 24)}.json`);
  if (cacheFile !== undefined) {
    const cached = await readCacheFile(cacheFile, compiledTermsSchema);
    if (cached.status === 'hit') return cached.value;
    if (cached.status === 'damaged') options.onCacheDamaged?.(cacheFile, cached.reason);
  }
  const dictionary = hasDictionary(lang) ? await loadDictionary(lang) : undefined;
  const memo = new Map<string, CompiledWord>();
  const wordOf = (word: string): CompiledWord => {
    let compiled = memo.get(word);
    if (compiled === undefined) {
      const acronym = isAcronym(word);
      if (dictionary === undefined && !acronym && /\p{L}{6,}/u.test(word)) compiled = { forms: [word], stem: fallbackStem(word), isAcronym: false };
      else {
        const forms = acronym ? [word] : formsOf(word, dictionary, { guessUnknown: options.guessUnknown ?? false, ...(isPolish ? { isVerb: isPolishVerb, suppletion: polishSuppletion } : {}) });
        compiled = { forms, isAcronym: acronym };
      }
      memo.set(word, compiled);
    }
    return compiled;
  };
  const terms: CompiledTerm[] = plan.flatMap((item) => {
    const words = item.words.map(wordOf);
    const term: CompiledTerm = { entryId: item.entryId, term: item.term, words, separators: item.separators, caseSensitive: item.caseSensitive };
    const inverts =
      item.inversion === 'always' ||
      (item.inversion === 'default' && isPolish && invertsByDefault(item.words.map((text, i) => ({ text, forms: words[i]?.forms ?? [] }))));
    return inverts ? [term, { ...term, words: [...words].reverse() }] : [term];
  });
  releaseDictionary(lang);
  if (cacheFile !== undefined) await writeFileAtomic(cacheFile, JSON.stringify(terms));
  return terms;
}

/** The shape of a cache file: `CompiledTerm[]` (match.ts). */
const compiledTermsSchema: z.ZodType<CompiledTerm[]> = z.array(
  z.object({
    entryId: z.string(),
    term: z.string(),
    words: z.array(z.object({ forms: z.array(z.string()), stem: z.string().optional(), isAcronym: z.boolean() })),
    separators: z.array(z.enum(['start', 'space', 'hyphen', 'other'] satisfies Separator[])),
    caseSensitive: z.boolean(),
  }),
);

async function dictionaryVersion(lang: string): Promise<string> {
  if (!hasDictionary(lang)) return 'none';
  const base = lang === 'no' ? 'nb' : (lang.split(/[-_]/)[0] ?? lang);
  try {
    // The packages export only their entry point; their package.json sits beside it.
    const manifest = new URL('package.json', import.meta.resolve(`dictionary-${base}`));
    return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
