import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TerminologyChecker, createTermIndex, type Glossary } from '../../src/glossary/index.js';
import { emptyProject, hansa, sampleProject } from '../helpers/cli.js';
import { measureSourceMatching, measureTargetCheck, projectGlossary } from './accuracy.js';

describe('accuracy on the hand-made case sets', () => {
  it('Polish source matching: precision and recall ≥ 0.98 on 450+ cases', async () => {
    const scores = await measureSourceMatching();
    console.log(`term matching pl: ${scores.cases} cases, ${scores.correctCases} right, precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}`);
    expect(scores.cases).toBeGreaterThanOrEqual(300);
    expect(scores.failures).toEqual([]);
    expect(scores.precision).toBeGreaterThanOrEqual(0.98);
    expect(scores.recall).toBeGreaterThanOrEqual(0.98);
  });

  for (const lang of ['en', 'sv']) {
    it(`target check ${lang}: precision and recall ≥ 0.98 on 100+ cases`, async () => {
      const scores = await measureTargetCheck(lang);
      console.log(`target check ${lang}: ${scores.cases} cases, ${scores.correctCases} right, precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}`);
      expect(scores.cases).toBeGreaterThanOrEqual(100);
      expect(scores.precision).toBeGreaterThanOrEqual(0.98);
      expect(scores.recall).toBeGreaterThanOrEqual(0.98);
    });
  }
});

function glossaryOf(rows: readonly [string, Record<string, string>, Partial<{ dnt: boolean; cs: boolean; inversion: boolean }>?][]): Glossary {
  return {
    languages: ['pl', 'en', 'sv'],
    entries: rows.map(([id, terms, flags = {}]) => ({
      id,
      terms: Object.fromEntries(
        Object.entries(terms).map(([lang, text]) => [
          lang,
          text.split(' | ').map((one) => (one.startsWith('!') ? { text: one.slice(1), status: 'deprecated' as const } : { text: one, status: 'preferred' as const })),
        ]),
      ),
      doNotTranslate: flags.dnt ?? false,
      caseSensitive: flags.cs ?? false,
      // Unset unless a test sets it: the default decides (inversion.ts).
      ...(flags.inversion === undefined ? {} : { allowInversion: flags.inversion }),
      origin: { file: 'test', line: 1 },
    })),
  };
}

describe('source matching', () => {
  const glossary = glossaryOf([
    ['a', { pl: 'doradztwo zawodowe', en: 'career guidance' }],
    ['b', { pl: 'doradca zawodowy', en: 'career counsellor' }],
    ['c', { pl: 'Gdański Urząd Pracy', en: 'Gdańsk Labour Office' }],
    ['d', { pl: 'urząd pracy', en: 'labour office' }],
    ['e', { pl: 'NEET', en: 'NEET' }, { dnt: true }],
    ['f', { pl: 'osoby młode', en: 'young people' }, { inversion: true }],
    ['g', { pl: 'GUP', en: 'GUP' }, { cs: true, dnt: true }],
  ]);

  it('finds inflected multi-word terms with offsets', async () => {
    const index = await createTermIndex(glossary, 'pl');
    const text = 'Rozwijamy ideę nowoczesnego doradztwa zawodowego.';
    const [hit] = index.match(text);
    expect(hit).toMatchObject({ term: 'doradztwo zawodowe', text: 'doradztwa zawodowego' });
    expect(text.slice(hit?.start, hit?.end)).toBe('doradztwa zawodowego');
  });

  it('prefers the longest match and does not overlap', async () => {
    const index = await createTermIndex(glossary, 'pl');
    expect(index.match('Centrum Gdańskiego Urzędu Pracy i każdy urząd pracy.').map((hit) => hit.term)).toEqual(['Gdański Urząd Pracy', 'urząd pracy']);
  });

  it('keeps doradca and doradztwo apart', async () => {
    const index = await createTermIndex(glossary, 'pl');
    expect(index.match('Doradcy zawodowi prowadzą doradztwo zawodowe.').map((hit) => hit.term)).toEqual(['doradca zawodowy', 'doradztwo zawodowe']);
  });

  it('matches acronyms in any case and with hyphenated endings, case-sensitive entries exactly', async () => {
    const index = await createTermIndex(glossary, 'pl');
    expect(index.match('Neet, NEET-ów i GUP, ale nie Gup.').map((hit) => hit.text)).toEqual(['Neet', 'NEET-ów', 'GUP']);
  });

  it('inverts adjective and noun where the entry allows it (see also "word order and suppletion")', async () => {
    const index = await createTermIndex(glossary, 'pl');
    expect(index.match('Młode osoby i osobom młodym.').map((hit) => hit.text)).toEqual(['Młode osoby', 'osobom młodym']);
  });

  it('ignores soft hyphens and NFD, masks e-mail addresses and URLs', async () => {
    const index = await createTermIndex(glossary, 'pl');
    expect(index.match('dorad\u00ADztwo zawodowe, doradztwo@example.org, https://example.org/doradztwo-zawodowe').map((hit) => hit.text)).toEqual(['dorad\u00ADztwo zawodowe']);
    expect(index.match('Gdan\u0301ski Urza\u0328d Pracy').map((hit) => hit.term)).toEqual(['Gdański Urząd Pracy']);
  });

  it('finds text without diacritics when asked', async () => {
    const plain = await createTermIndex(glossary, 'pl');
    const folded = await createTermIndex(glossary, 'pl', { ignoreDiacritics: true });
    expect(plain.match('Gdanskiego Urzedu Pracy')).toEqual([]);
    expect(folded.match('Gdanskiego Urzedu Pracy').map((hit) => hit.term)).toEqual(['Gdański Urząd Pracy']);
  });
});

describe('word order and suppletion', () => {
  const glossary = glossaryOf([
    ['a', { pl: 'szkoła średnia', en: 'secondary school' }],
    ['b', { pl: 'doradztwo zawodowe', en: 'career guidance' }],
    ['c', { pl: 'rynek pracy', en: 'labour market' }],
    ['d', { pl: 'Uniwersytet Gdański', en: 'University of Gdańsk' }],
    ['e', { pl: 'szkoła wyższa', en: 'higher education institution' }, { inversion: false }],
    ['f', { pl: 'urząd pracy', en: 'labour office' }, { inversion: true }],
    ['g', { pl: 'dziecko niepełnosprawne', en: 'child with a disability' }],
  ]);
  const found = async (text: string, source: Glossary = glossary): Promise<string[]> => (await createTermIndex(source, 'pl')).match(text).map((hit) => `${hit.term} ⇒ ${hit.text}`);

  it('matches a two-word adjective–noun term in both orders by default', async () => {
    expect(await found('Średnia szkoła, w średniej szkole, ze szkół średnich; zawodowemu doradztwu i doradztwu zawodowemu.')).toEqual([
      'szkoła średnia ⇒ Średnia szkoła',
      'szkoła średnia ⇒ średniej szkole',
      'szkoła średnia ⇒ szkół średnich',
      'doradztwo zawodowe ⇒ zawodowemu doradztwu',
      'doradztwo zawodowe ⇒ doradztwu zawodowemu',
    ]);
  });

  it('keeps the order of noun–noun terms and of names', async () => {
    expect(await found('Dla szukających pracy rynek bywa za mały, a na rynku pracy wszystko się zmienia.')).toEqual(['rynek pracy ⇒ rynku pracy']);
    expect(await found('Gdański Uniwersytet Medyczny i Uniwersytet Gdański.')).toEqual(['Uniwersytet Gdański ⇒ Uniwersytet Gdański']);
  });

  it('follows the entry: false keeps the written order, true reverses even a noun–noun term', async () => {
    expect(await found('To wyższa szkoła jazdy dla absolwentów szkół wyższych.')).toEqual(['szkoła wyższa ⇒ szkół wyższych']);
    expect(await found('Osobom bez pracy urząd proponuje staż w urzędzie pracy.')).toEqual(['urząd pracy ⇒ pracy urząd', 'urząd pracy ⇒ urzędzie pracy']);
  });

  it('reverses nothing when asked not to, and by default only in Polish', async () => {
    const { compileTerms } = await import('../../src/glossary/index.js');
    expect(await compileTerms(glossary, 'pl', { inversions: false })).toHaveLength(7);
    // a, b, d… reversed by default; e opted out; c noun–noun; d a name; f forced.
    expect((await compileTerms(glossary, 'pl')).map((term) => term.entryId)).toEqual(['a', 'a', 'b', 'b', 'c', 'd', 'e', 'f', 'f', 'g', 'g']);
    // English terms are never reversed by default; the forced entry is.
    expect((await compileTerms(glossary, 'en')).map((term) => term.entryId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'f', 'g']);
  });

  it('takes the opt-out from a CSV column and from a TBX note', async () => {
    const { readGlossary, writeGlossary } = await import('../../src/glossary/formats.js');
    const fromCsv = readGlossary('pl,en,inversion\nszkoła średnia,secondary school,no\ndoradztwo zawodowe,career guidance,\nrynek pracy,labour market,yes\n', 'terms.csv', { sourceLanguage: 'pl' });
    const fromTbx = readGlossary(writeGlossary(fromCsv, 'tbx'), 'terms.tbx', { sourceLanguage: 'pl' });
    const text = 'W średniej szkole uczą zawodowego doradztwa, a pracy rynek to szyk odwrotny.';
    for (const source of [fromCsv, fromTbx]) {
      expect(source.entries.map((entry) => entry.allowInversion)).toEqual([false, undefined, true]);
      expect(await found(text, source)).toEqual(['doradztwo zawodowe ⇒ zawodowego doradztwa', 'rynek pracy ⇒ pracy rynek']);
    }
  });

  it('finds suppletive forms from the form the glossary writes', async () => {
    const words = glossaryOf([
      ['rok', { pl: 'rok', en: 'year' }],
      ['dziecko', { pl: 'dziecko', en: 'child' }],
      ['tydzień', { pl: 'tydzień', en: 'week' }],
      ['przyjaciel', { pl: 'przyjaciel', en: 'friend' }],
      ['człowiek', { pl: 'człowiek', en: 'person' }],
    ]);
    const text = 'Od lat, w latach, dwa lata; dzieci z dziećmi; tygodnie, po tygodniach; przyjaciół i przyjaciołom; ludzie z ludźmi.';
    expect((await found(text, words)).map((hit) => hit.split(' ⇒ ')[1])).toEqual([
      'lat', 'latach', 'lata', 'dzieci', 'dziećmi', 'tygodnie', 'tygodniach', 'przyjaciół', 'przyjaciołom', 'ludzie', 'ludźmi',
    ]);
    expect(await found('Latem i w lecie.', words)).toEqual([]);
  });

  it('finds them in multi-word terms, in both orders when the term is an adjective and a noun', async () => {
    expect(await found('Z dziećmi niepełnosprawnymi, niepełnosprawnymi dziećmi i niepełnosprawnemu dziecku.')).toEqual([
      'dziecko niepełnosprawne ⇒ dziećmi niepełnosprawnymi',
      'dziecko niepełnosprawne ⇒ niepełnosprawnymi dziećmi',
      'dziecko niepełnosprawne ⇒ niepełnosprawnemu dziecku',
    ]);
  });
});

describe('target check', () => {
  const glossary = glossaryOf([
    ['a', { pl: 'doradca zawodowy', en: 'career counsellor | !career counselor', sv: 'studie- och yrkesvägledare' }],
    ['b', { pl: 'NEET', en: 'NEET', sv: 'NEET' }, { dnt: true }],
    ['c', { pl: 'rynek pracy', en: 'labour market | !labor market', sv: 'arbetsmarknad' }],
  ]);

  it('accepts inflected target terms and reports missing, forbidden and dnt', async () => {
    const source = await createTermIndex(glossary, 'pl');
    const en = await TerminologyChecker.create(glossary, 'en');
    const hits = source.match('Doradcy zawodowi pomagają młodzieży NEET na rynku pracy.');
    expect(en.check(hits, "Career counsellors help NEETs on the labour market.")).toEqual([]);
    expect(en.check(hits, 'Advisers help young people on the job market.').map((finding) => finding.code)).toEqual(['term_missing', 'dnt_missing', 'term_missing']);
    expect(en.check(hits, 'Career counsellors help NEET youth on the labor market.').map((finding) => [finding.code, finding.found])).toEqual([
      ['term_missing', undefined],
      ['term_forbidden', 'labor market'],
    ]);
  });

  it('counts Swedish compounds', async () => {
    const source = await createTermIndex(glossary, 'pl');
    const sv = await TerminologyChecker.create(glossary, 'sv');
    expect(sv.check(source.match('rynek pracy'), 'En aktiv arbetsmarknadspolitik.')).toEqual([]);
    expect(sv.check(source.match('rynek pracy'), 'Ungdomsarbetsmarknaden förbättras.')).toEqual([]);
  });
});

describe('hansa terms', () => {
  it('prints the hits of stdin as JSON with UTF-16 offsets', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'glossary'), { recursive: true });
    await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en\ndoradztwo zawodowe,career guidance\nGdański Urząd Pracy,Gdańsk Labour Office\n');
    const input = 'Ideę nowoczesnego doradztwa zawodowego rozsyła Centrum Gdańskiego Urzędu Pracy.';
    const result = await hansa(dir, ['terms', '--lang', 'pl'], { input });
    expect(result.code).toBe(0);
    const hits = JSON.parse(result.stdout) as { term: string; text: string; start: number; end: number }[];
    expect(hits.map(({ term, text }) => [term, text])).toEqual([
      ['doradztwo zawodowe', 'doradztwa zawodowego'],
      ['Gdański Urząd Pracy', 'Gdańskiego Urzędu Pracy'],
    ]);
    for (const hit of hits) expect(input.slice(hit.start, hit.end)).toBe(hit.text);
  });

  it('uses the project glossary by default', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'glossary'), { recursive: true });
    const { writeGlossary } = await import('../../src/glossary/formats.js');
    await writeFile(path.join(dir, 'glossary/hansa.tbx'), writeGlossary(await projectGlossary(), 'tbx'));
    const result = await hansa(dir, ['terms'], { input: 'Jesteśmy członkami Platformy Wiedzy na rzecz Integracji Młodych Ludzi Neet.' });
    expect(JSON.parse(result.stdout)).toEqual([
      { term: 'Platforma Wiedzy na rzecz Integracji Młodych Ludzi NEET', text: 'Platformy Wiedzy na rzecz Integracji Młodych Ludzi Neet', start: 19, end: 74 },
    ]);
  });

  it('hansa glossary exports the project glossary as TBX that validates and reads back the same', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'glossary'), { recursive: true });
    const { readFile: read } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'glossary/hansa.csv'), await read(path.resolve('glossary/hansa.csv')));
    const tbx = await hansa(dir, ['glossary', '--format', 'tbx']);
    expect(tbx.code).toBe(0);
    expect(tbx.stderr).toMatch(/^\d+ entries, languages: pl, en, sv/m);
    await writeFile(path.join(dir, 'out.tbx'), tbx.stdout);
    const { spawnSync } = await import('node:child_process');
    const validated = spawnSync(path.resolve('../shared/tools/validate-l10n'), [path.join(dir, 'out.tbx')], { encoding: 'utf8' });
    expect(validated.status, validated.stdout + validated.stderr).toBe(0);
    const { readGlossary } = await import('../../src/glossary/formats.js');
    const strip = (g: Glossary): unknown => g.entries.map(({ origin: _origin, id: _id, ...rest }) => rest);
    expect(strip(readGlossary(tbx.stdout, 'out.tbx'))).toEqual(strip(await projectGlossary()));
    const csv = await hansa(dir, ['glossary', '--format', 'csv']);
    expect(strip(readGlossary(csv.stdout, 'out.csv'))).toEqual(strip(await projectGlossary()));
  });

  const bad: [string, string, string, RegExp][] = [
    ['missing source column', 'bad.csv', 'en,sv\ncareer,karriär\n', /^glossary\/bad\.csv:1: error: .+/m],
    ['unknown column', 'bad.csv', 'pl,en,xx\na,b,c\n', /^glossary\/bad\.csv:1: error: .*xx/m],
    ['duplicate entries', 'bad.csv', 'pl,en\nrynek pracy,labour market\nRynek pracy,job market\n', /^glossary\/bad\.csv:3: error: .*2/m],
    ['malformed TBX', 'bad.tbx', '<tbx><text><body>\n<conceptEntry id="a">\n</body></text></tbx>\n', /^glossary\/bad\.tbx:\d+: error: .+/m],
    ['TBX with a DTD and an external entity', 'bad.tbx', '<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<tbx>&e;</tbx>\n', /^glossary\/bad\.tbx:2: error: .+/m],
  ];
  for (const [name, file, text, pattern] of bad) {
    it(`refuses a glossary with ${name}: exit 2, file:line and a reason`, async () => {
      const dir = await emptyProject();
      await mkdir(path.join(dir, 'glossary'), { recursive: true });
      await writeFile(path.join(dir, 'glossary', file), text);
      const result = await hansa(dir, ['terms'], { input: 'Tekst.' });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toContain('root:');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
