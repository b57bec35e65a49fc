/**
 * Polish nouns whose forms come from another stem (suppletion: `rok` → `lata`, `człowiek` →
 * `ludzie`) or are irregular enough that `dictionary-pl` lists them as entries of their own,
 * without flags and without a link to their lemma (`dzieci`, `dziećmi`, `tygodnia`). Without
 * this table the entry `dziecko niepełnosprawne` would never find `dziećmi niepełnosprawnymi`.
 *
 * 1. A paradigm is a lemma as the dictionary writes it and the forms the dictionary does not
 *    give for it, in our own list from Polish grammar. The first form is the lemma of the
 *    other stem (`lata`, `ludzie`): it is also expanded through the dictionary, so a headword
 *    with a paradigm of its own brings all of it (`ludzie` → `ludziom`, …).
 * 2. A glossary word belongs to a paradigm when it is the lemma, one of the listed forms, or
 *    a form of a dictionary entry with that lemma (`roku` → `rok`); it then accepts the
 *    lemma's forms and every listed form.
 * 3. Only from the paradigm's side: `lato` (summer) shares `lata` and `lat` with `rok`, but a
 *    glossary `lato` is not a form of `rok` and keeps its own forms.
 * 4. Only nouns, and only forms that mean the same word in running text; forms rare outside
 *    idioms are left out (`ręku` is kept: `w ręku`).
 */

/** A lemma and the forms the dictionary does not link to it. */
export interface SuppletiveParadigm {
  /** The lemma, as the dictionary writes it (`rok`). */
  readonly lemma: string;
  /** Its other forms, the lemma of the other stem first (`lata`, `lat`, `latom`, …). */
  readonly forms: readonly string[];
}

/** Polish paradigms that `dictionary-pl` splits (checked against its version 2). */
export const polishParadigms: readonly SuppletiveParadigm[] = [
  { lemma: 'rok', forms: ['lata', 'lat', 'latom', 'latami', 'latach'] },
  { lemma: 'człowiek', forms: ['ludzie', 'ludzi', 'ludziom', 'ludźmi', 'ludziach'] },
  { lemma: 'dziecko', forms: ['dzieci', 'dzieciom', 'dziećmi', 'dzieciach'] },
  { lemma: 'tydzień', forms: ['tygodnie', 'tygodnia', 'tygodniowi', 'tygodniem', 'tygodniu', 'tygodni', 'tygodniom', 'tygodniami', 'tygodniach'] },
  { lemma: 'przyjaciel', forms: ['przyjaciele', 'przyjaciół', 'przyjaciołom', 'przyjaciółmi', 'przyjaciołach'] },
  { lemma: 'brat', forms: ['bracia', 'brata', 'bratu', 'bratem', 'bracie', 'braci', 'braciom', 'braćmi', 'braciach'] },
  { lemma: 'ksiądz', forms: ['księża', 'księży', 'księżom', 'księżmi', 'księżach'] },
  { lemma: 'oko', forms: ['oczy', 'oczu', 'oczom', 'oczami', 'oczyma', 'oczach'] },
  { lemma: 'ucho', forms: ['uszy', 'uszu', 'uszom', 'uszami', 'uszyma', 'uszach'] },
  { lemma: 'ręka', forms: ['rękoma', 'ręku'] },
];

/** Paradigms looked up by lemma and by form. */
export class SuppletionTable {
  readonly #byLemma = new Map<string, SuppletiveParadigm>();
  readonly #byForm = new Map<string, SuppletiveParadigm>();

  /** Throws when a lemma or a form is in two paradigms: a word must have one paradigm. */
  constructor(paradigms: readonly SuppletiveParadigm[]) {
    for (const paradigm of paradigms) {
      if (this.#byLemma.has(paradigm.lemma)) throw new Error(`Expected each lemma in one suppletive paradigm, got \`${paradigm.lemma}\` twice`);
      this.#byLemma.set(paradigm.lemma, paradigm);
      for (const form of paradigm.forms) {
        if (this.#byForm.has(form)) throw new Error(`Expected each form in one suppletive paradigm, got \`${form}\` twice`);
        this.#byForm.set(form, paradigm);
      }
    }
  }

  /** The paradigm whose lemma or listed form a word (in lower case) is; undefined for almost every word. */
  paradigmOf(word: string): SuppletiveParadigm | undefined {
    return this.#byLemma.get(word) ?? this.#byForm.get(word);
  }

  /** The paradigm of a lemma the dictionary gave for a word (`roku` → `rok`), or undefined. */
  paradigmOfLemma(lemma: string): SuppletiveParadigm | undefined {
    return this.#byLemma.get(lemma);
  }
}

/** The Polish table, as `formsOf` takes it. */
export const polishSuppletion = new SuppletionTable(polishParadigms);
