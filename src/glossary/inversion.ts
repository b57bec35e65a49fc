/**
 * Which Polish terms match with their two words in either order when their entry leaves it
 * to the default (`allowInversion` unset).
 *
 * 1. Polish puts an adjective before or after its noun (`szkoła średnia`, `średnia szkoła`;
 *    `doradztwu zawodowemu`, `zawodowemu doradztwu`), so a two-word term made of an
 *    adjective and a noun matches in both orders. An entry opts out with `allowInversion:
 *    false` (a fixed expression whose other order says something else).
 * 2. The dictionary tells the adjective, not a word list, and not the entry's part of speech
 *    (which is about the whole term): a word is adjectival when its forms hold the
 *    adjective's own endings on one base, `-ego`, `-emu`, `-ym`, `-ymi` (`zawodowego`,
 *    `zawodowemu`, `zawodowym`, `zawodowymi`) or after a soft stem `-iego`, `-iemu`, `-im`,
 *    `-imi` (`średniego`, …). No noun paradigm has them, so a noun and its genitive
 *    (`rynek pracy`, `urząd pracy`) keep their order.
 * 3. Exactly one word is adjectival, and it is written in the nominative (`-y`, `-i`, `-a`,
 *    `-e`) as glossary terms are: two adjectival words (`młodzi bezrobotni`) say nothing
 *    about which is the head, and a genitive that declines like an adjective (`rejestr
 *    bezrobotnych`) is a noun–noun term.
 * 4. A term with a capitalised word is a name and keeps its order (`Urząd Pracy`, `Unia
 *    Europejska`, `młodzież NEET`).
 */

/** A word of a term as written in the glossary, and its forms from the dictionary. */
export interface TermWordForms {
  readonly text: string;
  readonly forms: readonly string[];
}

/** Whether a two-word Polish term is an adjective and a noun, and no name: see above. */
export function invertsByDefault(words: readonly TermWordForms[]): boolean {
  if (words.length !== 2) return false;
  if (words.some((word) => /^\p{Lu}/u.test(word.text))) return false;
  const adjectival = words.filter((word) => isAdjectival(word.forms));
  return adjectival.length === 1 && /[yiae]$/u.test(adjectival[0]?.text ?? '');
}

/** Whether forms include the adjective's oblique endings on one base (`-emu` and the rest). */
export function isAdjectival(forms: readonly string[]): boolean {
  const all = new Set(forms.map((form) => form.toLocaleLowerCase('pl')));
  for (const form of all) {
    if (!form.endsWith('emu')) continue;
    const base = form.slice(0, -3);
    if (!all.has(`${base}ego`)) continue;
    if (all.has(`${base}ym`) && all.has(`${base}ymi`)) return true;
    if (base.endsWith('i') && all.has(`${base}m`) && all.has(`${base}mi`)) return true;
  }
  return false;
}
