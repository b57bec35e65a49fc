import { readFile } from 'node:fs/promises';
import { HunspellReader } from 'hunspell-reader';
import { describe, expect, it } from 'vitest';
import { HunspellDictionary } from '../../src/glossary/hunspell.js';
import { formsOf, loadDictionary } from '../../src/glossary/morphology.js';

/** hunspell-reader, an independent implementation, is the oracle for expansions. */
async function oracle(lang: string): Promise<{ ours: HunspellDictionary; reader: HunspellReader; lines: string[] }> {
  const base = new URL(`../../node_modules/dictionary-${lang}/`, import.meta.url);
  const [aff, dic] = await Promise.all([readFile(new URL('index.aff', base), 'utf8'), readFile(new URL('index.dic', base), 'utf8')]);
  const reader = await HunspellReader.createFromFiles(new URL('index.aff', base).pathname, new URL('index.dic', base).pathname);
  return { ours: new HunspellDictionary(aff, dic), reader, lines: dic.split('\n').slice(1).filter((line) => line.trim() !== '') };
}

describe('HunspellDictionary expansions agree with hunspell-reader', () => {
  for (const lang of ['pl', 'en', 'sv', 'de', 'nb', 'lt']) {
    it(lang, async () => {
      const { ours, reader, lines } = await oracle(lang);
      const step = Math.max(1, Math.floor(lines.length / 400));
      let compared = 0;
      const differing: string[] = [];
      for (let i = 0; i < lines.length; i += step) {
        const line = (lines[i] ?? '').split(/\t| [a-z][a-z]:/)[0]?.trim() ?? '';
        const stem = line.split('/')[0] ?? '';
        if (stem === '' || line.includes('\\')) continue;
        const expected = new Set(
          reader.aff
            .applyRulesToDicEntry(line)
            .filter((word) => !word.flags.isNeedAffix && !word.flags.isOnlyAllowedInCompound && !word.flags.isForbiddenWord)
            .map((word) => word.word),
        );
        const actual = new Set<string>();
        for (const entry of ours.entriesOf(stem)) {
          const flags = line.slice(stem.length + 1);
          if ([...entry.flags].join('') !== flags && !(lang === 'da' && [...entry.flags].join(',') === flags)) continue;
          for (const form of ours.expand(entry)) actual.add(form);
          for (const flag of entry.flags) for (const form of ours.expand(entry, flag)) actual.add(form);
        }
        compared += 1;
        const missing = [...expected].filter((word) => !actual.has(word));
        const extra = [...actual].filter((word) => !expected.has(word));
        if (missing.length + extra.length > 0) differing.push(`${line}: missing ${missing.slice(0, 5).join(', ')}; extra ${extra.slice(0, 5).join(', ')}`);
      }
      expect(compared).toBeGreaterThan(300);
      expect(differing).toEqual([]);
    }, 120_000);
  }
});

describe('Polish forms', () => {
  it('expands lemmas and analyses inflected glossary words first', async () => {
    const pl = await loadDictionary('pl');
    expect(formsOf('zawodowe', pl)).toEqual(expect.arrayContaining(['zawodowego', 'zawodowym', 'zawodowej', 'zawodowych']));
    expect(formsOf('doradztwo', pl)).toEqual(expect.arrayContaining(['doradztwa', 'doradztwem', 'doradztwie']));
    expect(formsOf('Fundacja', pl)).toEqual(expect.arrayContaining(['fundacji', 'fundację']));
    expect(formsOf('Gdański', pl)).toEqual(expect.arrayContaining(['gdańskiego', 'gdańskim']));
  });

  it('keeps different lemmas apart', async () => {
    const pl = await loadDictionary('pl');
    expect(formsOf('doradztwo', pl)).not.toContain('doradcy');
    expect(formsOf('młody', pl)).not.toContain('młodszy');
    expect(formsOf('praca', pl)).not.toContain('pracownik');
    expect(formsOf('pełnosprawność', pl)).not.toContain('niepełnosprawności');
    expect(formsOf('niepełnosprawność', pl)).not.toContain('pełnosprawności');
  });

  it('leaves unknown words as they are', async () => {
    const pl = await loadDictionary('pl');
    expect(formsOf('POLPROM', pl)).toEqual(['POLPROM']);
  });
});
