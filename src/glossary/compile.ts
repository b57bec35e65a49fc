/**
 * Compiling a glossary for one language: every word of every term expanded into its
 * forms with that language's dictionary. Compiling costs a dictionary load and the
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
import { isAcronym, termWords, type Separator } from './text.js';
import { termsIn, type Glossary, type TermStatus } from './types.js';

/** Options of `compileTerms`. */
export interface CompileOptions {
  /** Which terms: those of these statuses. Default preferred and admitted. */
  readonly statuses?: readonly TermStatus[];
  /** Also compile each term with its words reversed, for entries that allow inversion. Default true. */
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
const compileVersion = '2';

/** The terms of `lang` in `glossary`, each word expanded into its forms. */
export async function compileTerms(glossary: Glossary, lang: string, options: CompileOptions = {}): Promise<CompiledTerm[]> {
  const statuses = options.statuses ?? ['preferred', 'admitted'];
  const plan = glossary.entries.flatMap((entry) =>
    termsIn(entry, lang)
      .filter((term) => statuses.includes(term.status))
      .flatMap((term) => {
        const { words, separators } = termWords(term.text);
        if (words.length === 0) return [];
        const variants = [{ words, separators }];
        if ((options.inversions ?? true) && entry.allowInversion && words.length === 2 && separators[1] === 'space') {
          variants.push({ words: [...words].reverse(), separators });
        }
        return variants.map((variant) => ({ entryId: entry.id, term: term.text, caseSensitive: entry.caseSensitive, ...variant }));
      }),
  );
  const key = createHash('sha256')
    .update(JSON.stringify({ compileVersion, lang, plan, guess: options.guessUnknown ?? false, dictionary: await dictionaryVersion(lang) }))
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
        const forms = acronym ? [word] : formsOf(word, dictionary, { guessUnknown: options.guessUnknown ?? false, ...(lang.startsWith('pl') ? { isVerb: isPolishVerb } : {}) });
        compiled = { forms, isAcronym: acronym };
      }
      memo.set(word, compiled);
    }
    return compiled;
  };
  const terms: CompiledTerm[] = plan.map((item) => ({
    entryId: item.entryId,
    term: item.term,
    words: item.words.map(wordOf),
    separators: item.separators,
    caseSensitive: item.caseSensitive,
  }));
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
