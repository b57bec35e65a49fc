import { describe, expect, it } from 'vitest';
import { formsOf, isPolishVerb, loadDictionary } from '../../src/glossary/morphology.js';
import { SuppletionTable, polishParadigms, polishSuppletion } from '../../src/glossary/suppletion.js';

describe('SuppletionTable', () => {
  it('finds a paradigm by lemma, by listed form and by the lemma the dictionary gives', () => {
    expect(polishSuppletion.paradigmOf('rok')?.lemma).toBe('rok');
    expect(polishSuppletion.paradigmOf('latach')?.lemma).toBe('rok');
    expect(polishSuppletion.paradigmOf('roku')).toBeUndefined();
    expect(polishSuppletion.paradigmOfLemma('rok')?.lemma).toBe('rok');
    expect(polishSuppletion.paradigmOfLemma('lata')).toBeUndefined();
    expect(polishSuppletion.paradigmOf('lato')).toBeUndefined();
    expect(polishSuppletion.paradigmOf('szkoła')).toBeUndefined();
  });

  it('refuses a lemma or a form in two paradigms', () => {
    expect(() => new SuppletionTable([{ lemma: 'rok', forms: ['lata'] }, { lemma: 'rok', forms: ['lat'] }])).toThrow('Expected each lemma in one suppletive paradigm, got `rok` twice');
    expect(() => new SuppletionTable([{ lemma: 'rok', forms: ['lata'] }, { lemma: 'lato', forms: ['lata'] }])).toThrow('Expected each form in one suppletive paradigm, got `lata` twice');
  });

  it('lists only words dictionary-pl knows', async () => {
    const pl = await loadDictionary('pl');
    for (const { lemma, forms } of polishParadigms) for (const word of [lemma, ...forms]) expect(pl?.isKnown(word), word).toBe(true);
  });
});

describe('Polish forms with suppletion', () => {
  const forms = async (word: string): Promise<string[]> => formsOf(word, await loadDictionary('pl'), { isVerb: isPolishVerb, suppletion: polishSuppletion });

  it('gives a lemma the forms of its other stem', async () => {
    expect(await forms('rok')).toEqual(expect.arrayContaining(['roku', 'lata', 'lat', 'latach', 'latami']));
    expect(await forms('dziecko')).toEqual(expect.arrayContaining(['dziecka', 'dzieci', 'dzieciom', 'dziećmi', 'dzieciach']));
    expect(await forms('tydzień')).toEqual(expect.arrayContaining(['tygodnia', 'tygodnie', 'tygodni', 'tygodniach']));
    expect(await forms('przyjaciel')).toEqual(expect.arrayContaining(['przyjaciela', 'przyjaciele', 'przyjaciół', 'przyjaciołom']));
    expect(await forms('człowiek')).toEqual(expect.arrayContaining(['człowieka', 'ludzie', 'ludzi', 'ludźmi']));
  });

  it('expands the other stem through the dictionary too, and works from any listed form', async () => {
    // `ludzie` has a paradigm of its own in dictionary-pl: `ludziom`, `ludziach` come from it.
    expect(await forms('człowiek')).toEqual(expect.arrayContaining(['ludziom', 'ludziach']));
    expect(await forms('dzieci')).toEqual(expect.arrayContaining(['dziecko', 'dziecku', 'dziećmi']));
    expect(await forms('Lata')).toEqual(expect.arrayContaining(['rok', 'roku', 'latach']));
  });

  it('leaves the other words alone: lato (summer) does not become rok', async () => {
    expect(await forms('lato')).not.toContain('rok');
    expect(await forms('lato')).not.toContain('roku');
    expect(await forms('rok')).not.toContain('latem');
    expect(await forms('rok')).not.toContain('latać');
    const pl = await loadDictionary('pl');
    expect(formsOf('rok', pl)).not.toContain('lata');
  });
});
