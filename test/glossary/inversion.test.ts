import { describe, expect, it } from 'vitest';
import { invertsByDefault, isAdjectival } from '../../src/glossary/inversion.js';
import { formsOf, isPolishVerb, loadDictionary } from '../../src/glossary/morphology.js';
import { polishSuppletion } from '../../src/glossary/suppletion.js';

/** The words of a Polish term with their forms, as compileTerms expands them. */
async function termWords(term: string): Promise<{ text: string; forms: string[] }[]> {
  const pl = await loadDictionary('pl');
  return term.split(' ').map((text) => ({ text, forms: formsOf(text, pl, { isVerb: isPolishVerb, suppletion: polishSuppletion }) }));
}

describe('isAdjectival', () => {
  it('sees the adjective paradigm, hard and soft, in the dictionary forms', async () => {
    for (const word of ['zawodowe', 'średnia', 'niepełnosprawne', 'młody', 'pozarządowa', 'społeczne', 'długotrwałe', 'pierwsza']) {
      const [only] = await termWords(word);
      expect(isAdjectival(only?.forms ?? []), word).toBe(true);
    }
  });

  it('does not see it in nouns, suppletive ones included', async () => {
    for (const word of ['szkoła', 'doradztwo', 'rynek', 'pracy', 'osoby', 'dziecko', 'człowiek', 'tydzień', 'rok', 'kompetencje', 'NEET']) {
      const [only] = await termWords(word);
      expect(isAdjectival(only?.forms ?? []), word).toBe(false);
    }
  });

  it('needs the whole set of endings on one base', () => {
    expect(isAdjectival(['zawodowego', 'zawodowemu', 'zawodowym', 'zawodowymi'])).toBe(true);
    expect(isAdjectival(['średniego', 'średniemu', 'średnim', 'średnimi'])).toBe(true);
    expect(isAdjectival(['zawodowego', 'zawodowemu', 'zawodowym'])).toBe(false);
    expect(isAdjectival(['ego', 'emu', 'ym', 'ymi'])).toBe(true);
    expect(isAdjectival(['jego'])).toBe(false);
  });
});

describe('invertsByDefault', () => {
  const cases: [string, boolean, string][] = [
    ['szkoła średnia', true, 'adjective after the noun'],
    ['doradztwo zawodowe', true, 'adjective after the noun'],
    ['dobra praktyka', true, 'adjective before the noun'],
    ['dziecko niepełnosprawne', true, 'suppletive noun'],
    ['osoby młode', true, 'plural concept'],
    ['rynek pracy', false, 'a noun and its genitive'],
    ['urząd pracy', false, 'a noun and its genitive'],
    ['tydzień pracy', false, 'a noun and its genitive'],
    ['rejestr bezrobotnych', false, 'a genitive that declines like an adjective'],
    ['młodzi bezrobotni', false, 'two adjectival words'],
    ['Uniwersytet Gdański', false, 'a name'],
    ['Urząd Pracy', false, 'a name'],
    ['młodzież NEET', false, 'an acronym is capitalised'],
    ['doradztwo', false, 'one word'],
    ['indywidualny plan działania', false, 'three words'],
  ];
  for (const [term, expected, why] of cases) {
    it(`${term}: ${expected ? 'both orders' : 'written order only'} (${why})`, async () => {
      expect(invertsByDefault(await termWords(term))).toBe(expected);
    });
  }
});
