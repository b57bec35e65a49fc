import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HansaError } from '../../src/errors/index.js';
import { parseCsv } from '../../src/glossary/csv.js';
import { readGlossary, readGlossaryFile, writeGlossary } from '../../src/glossary/formats.js';
import type { Glossary, GlossaryEntry, Term, TermStatus } from '../../src/glossary/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures');
const schemas = path.resolve('../shared/reference/schemas/tbx-basic');
// shared/ sits beside the checkout, here and in CI.
const validator = path.resolve('../shared/tools/validate-l10n');
const scratch = mkdtempSync(path.join(tmpdir(), 'hansa-glossary-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The error `run` throws, as code, message and line. */
function failure(run: () => unknown): { code: string; message: string; line: number | undefined } {
  try {
    run();
  } catch (error) {
    if (error instanceof HansaError) return { code: error.code, message: error.message, line: error.line };
    throw error;
  }
  throw new Error('expected an InputError');
}

const csv = (text: string) => readGlossary(text, 'g.csv');
const tbx = (text: string) => readGlossary(text, 'g.tbx');

/** `validate-l10n` on `text` written to a file: exit status and output. */
function validate(text: string, name = 'out.tbx'): { status: number | null; output: string } {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  const result = spawnSync(validator, [file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A glossary without what a format does not keep: origins, and for CSV the ids. */
function comparable(glossary: Glossary, keepIds: boolean): unknown {
  return {
    languages: glossary.languages,
    entries: glossary.entries.map(({ id, origin: _origin, ...rest }) => (keepIds ? { id, ...rest } : rest)),
  };
}

describe('CSV', () => {
  it('reads a glossary with BOM, CRLF, quotes, line ends in quotes, statuses and options', async () => {
    const glossary = await readGlossaryFile(path.join(fixtures, 'terms.csv'), { displayPath: 'glossary/terms.csv' });
    expect(glossary.languages).toEqual(['pl', 'en', 'sv']);
    expect(glossary.entries).toEqual([
      {
        id: 'c2',
        terms: {
          pl: [
            { text: 'doradztwo zawodowe', status: 'preferred', partOfSpeech: 'noun' },
            { text: 'poradnictwo zawodowe', status: 'admitted', partOfSpeech: 'noun' },
          ],
          en: [
            { text: 'career guidance', status: 'preferred' },
            { text: 'vocational counselling', status: 'deprecated' },
          ],
          sv: [{ text: 'studie- och yrkesvägledning', status: 'preferred' }],
        },
        doNotTranslate: false,
        caseSensitive: false,
        allowInversion: true,
        note: 'Usługa urzędu pracy, także "online".',
        origin: { file: 'glossary/terms.csv', line: 2 },
      },
      {
        id: 'c3',
        terms: { pl: [{ text: 'NEET', status: 'preferred' }] },
        doNotTranslate: true,
        caseSensitive: true,
        note: 'Młodzież poza zatrudnieniem,\r\nedukacją i szkoleniem',
        origin: { file: 'glossary/terms.csv', line: 3 },
      },
      {
        id: 'c6',
        terms: { pl: [{ text: 'Gdański Urząd Pracy', status: 'preferred', partOfSpeech: 'properNoun' }] },
        doNotTranslate: true,
        caseSensitive: false,
        origin: { file: 'glossary/terms.csv', line: 6 },
      },
      {
        id: 'c7',
        terms: {
          pl: [
            { text: '!Yahoo', status: 'preferred' },
            { text: 'a|b', status: 'admitted' },
          ],
          en: [
            { text: 'x', status: 'preferred' },
            { text: 'y', status: 'admitted' },
          ],
        },
        doNotTranslate: true,
        caseSensitive: false,
        allowInversion: false,
        origin: { file: 'glossary/terms.csv', line: 7 },
      },
    ]);
  });

  it('keeps the starting line of each record', () => {
    expect(parseCsv('a,b\n"x\ny","1\n\n2"\n\nz,w', 'g.csv')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\ny', '1\n\n2'] },
      { line: 7, fields: ['z', 'w'] },
    ]);
  });

  it('takes the source language from the options, in canonical case', () => {
    const glossary = readGlossary('EN,Pl\nhello,cześć\n', 'g.csv', { sourceLanguage: 'en' });
    expect(glossary.languages).toEqual(['en', 'pl']);
    expect(failure(() => readGlossary('pl\nx\n', 'g.csv', { sourceLanguage: 'xx' }))).toMatchInlineSnapshot(`
      {
        "code": "unknown_language",
        "line": undefined,
        "message": "unknown language xx",
      }
    `);
  });

  it('skips rows that are entirely empty', () => {
    expect(csv('pl,en\n,\n  ,\nx,y\n').entries.map((e) => e.id)).toEqual(['c4']);
  });

  it('reads inversion as forced (yes), opted out (no) or left to the default (empty), and writes it back', () => {
    const text = 'pl,inversion\nszkoła średnia,\nszkoła wyższa,no\nrynek pracy,yes\nwolny zawód,FALSE\n';
    const glossary = csv(text);
    expect(glossary.entries.map((e) => [e.terms.pl?.[0]?.text, e.allowInversion])).toEqual([
      ['szkoła średnia', undefined],
      ['szkoła wyższa', false],
      ['rynek pracy', true],
      ['wolny zawód', false],
    ]);
    expect(glossary.entries[0]).not.toHaveProperty('allowInversion');
    expect(writeGlossary(glossary, 'csv')).toBe(
      'pl,dnt,case_sensitive,inversion,pos,note\nszkoła średnia,,,,,\nszkoła wyższa,,,no,,\nrynek pracy,,,yes,,\nwolny zawód,,,no,,\n',
    );
  });

  it('accepts duplicates only when both rows are case-sensitive and differ in case', () => {
    expect(csv('pl,case_sensitive\nPolska,yes\npolska,yes\n').entries).toHaveLength(2);
    expect(failure(() => csv('pl,case_sensitive\nPolska,yes\npolska,\n'))).toMatchInlineSnapshot(`
      {
        "code": "glossary_invalid",
        "line": 3,
        "message": "duplicate entry: source term "polska" is on lines 2 and 3",
      }
    `);
  });

  describe('errors', () => {
    it('empty file', () => {
      expect(failure(() => csv(''))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "the file is empty: expected a header row with language codes, starting with "pl"",
        }
      `);
    });
    it('missing source-language column', () => {
      expect(failure(() => csv('en,sv\na,b\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "missing source-language column "pl"",
        }
      `);
    });
    it('unknown column', () => {
      expect(failure(() => csv('pl,en,comment\na,b,c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "unknown column "comment" (column 3): expected a language code or one of dnt, case_sensitive, inversion, pos, note",
        }
      `);
    });
    it('empty column name', () => {
      expect(failure(() => csv('pl,,en\na,b,c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "unknown column "" (column 2): expected a language code or one of dnt, case_sensitive, inversion, pos, note",
        }
      `);
    });
    it('duplicate column, also after canonical case', () => {
      expect(failure(() => csv('pl,en,note,EN\na,b,c,d\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "duplicate column "EN" (columns 2 and 4)",
        }
      `);
      expect(failure(() => csv('pl,note,Note\na,b,c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "duplicate column "Note" (columns 2 and 3)",
        }
      `);
    });
    it('wrong number of fields', () => {
      expect(failure(() => csv('pl,en\na,b\nc\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 3,
          "message": "the row has 1 field; the header has 2 fields",
        }
      `);
      expect(failure(() => csv('pl,en\na,b,c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 2,
          "message": "the row has 3 fields; the header has 2 fields",
        }
      `);
    });
    it('unterminated quote: the line where the quote opens', () => {
      expect(failure(() => csv('pl,en\na,b\nc,"d\ne\nf\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 3,
          "message": "unterminated quoted field: a field opened with " is never closed",
        }
      `);
    });
    it('quote inside an unquoted field, text after a closing quote', () => {
      expect(failure(() => csv('pl,en\na,12" pipe\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 2,
          "message": "a quote inside an unquoted field: put the whole field in quotes and write the quote as """,
        }
      `);
      expect(failure(() => csv('pl,en\na,"b"c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 2,
          "message": "unexpected "c" after a closing quote (a quote inside a quoted field is written "")",
        }
      `);
    });
    it('row without a source term', () => {
      expect(failure(() => csv('pl,en\na,b\n,c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 3,
          "message": "the row has no source term (column "pl" is empty)",
        }
      `);
    });
    it('duplicate entries, compared without case after NFC', () => {
      expect(failure(() => csv('pl,en\nŁódź,Lodz\nx,y\nŁÓDŹ,LODZ\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "duplicate entry: source term "ŁÓDŹ" is on lines 2 and 4",
        }
      `);
      expect(failure(() => csv(`pl,en\n${'Łódź'.normalize('NFC')},a\nz | ${'łódź'.normalize('NFD')},b\n`))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 3,
          "message": "duplicate entry: source term "łódź" is on lines 2 and 3",
        }
      `);
    });
    it('bad yes/no value', () => {
      expect(failure(() => csv('pl,dnt\na,maybe\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 2,
          "message": "column "dnt": expected yes, no, true, false, 1, 0 or empty, got "maybe"",
        }
      `);
    });
    it('empty term between separators', () => {
      expect(failure(() => csv('pl,en\na | | b,c\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 2,
          "message": "column "pl": an empty term (check the "|" separators and "!" marks)",
        }
      `);
      expect(failure(() => csv('pl,en\na,!\n'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 2,
          "message": "column "en": an empty term (check the "|" separators and "!" marks)",
        }
      `);
    });
  });

  it('writes a stable header, quotes only where needed, LF line ends', () => {
    const glossary = readGlossary(readFileSync(path.join(fixtures, 'terms.csv'), 'utf8'), 'terms.csv');
    expect(writeGlossary(glossary, 'csv')).toMatchInlineSnapshot(`
      "pl,en,sv,dnt,case_sensitive,inversion,pos,note
      doradztwo zawodowe | poradnictwo zawodowe,career guidance | !vocational counselling,studie- och yrkesvägledning,,,yes,noun,"Usługa urzędu pracy, także ""online""."
      NEET,,,yes,yes,,,"Młodzież poza zatrudnieniem,
      edukacją i szkoleniem"
      Gdański Urząd Pracy,,,yes,,,properNoun,
      \\!Yahoo | a\\|b,x | y,,yes,,no,,
      "
    `);
  });

  it('writes languages found only in entries after the declared ones', () => {
    const glossary: Glossary = {
      languages: ['pl'],
      entries: [{ ...entry('x'), terms: { pl: [{ text: 'x', status: 'preferred' }], de: [{ text: 'y', status: 'preferred' }] } }],
    };
    expect(writeGlossary(glossary, 'csv')).toBe('pl,de,dnt,case_sensitive,inversion,pos,note\nx,y,,,,,\n');
  });

  it('refuses to write an entry without a source term', () => {
    const glossary: Glossary = { languages: ['pl', 'en'], entries: [{ ...entry('x'), terms: { en: [{ text: 'x', status: 'preferred' }] } }] };
    expect(failure(() => writeGlossary(glossary, 'csv'))).toMatchInlineSnapshot(`
      {
        "code": "glossary_invalid",
        "line": 1,
        "message": "entry c1 has no source term ("pl")",
      }
    `);
  });

  it('round-trips: read(write(g)) is g but for ids and origins, and writing again gives the same text', () => {
    fc.assert(
      fc.property(csvGlossary, (glossary) => {
        const text = writeGlossary(glossary, 'csv');
        const read = csv(text);
        expect(comparable(read, false)).toEqual(comparable(glossary, false));
        expect(writeGlossary(read, 'csv')).toBe(text);
        expect(comparable(csv(writeGlossary(read, 'csv')), true)).toEqual(comparable(read, true));
      }),
      { numRuns: 300 },
    );
  });
});

describe('TBX', () => {
  it('reads a TBX 2008 martif file (tig, ntig, descripGrp, other tools’ do-not-translate)', async () => {
    const glossary = await readGlossaryFile(path.join(fixtures, 'martif-2008.tbx'), { displayPath: 'martif-2008.tbx' });
    expect(glossary.languages).toEqual(['pl', 'en', 'sv']);
    expect(glossary.entries).toEqual([
      {
        id: 't1',
        terms: {
          pl: [
            { text: 'doradztwo zawodowe', status: 'preferred', partOfSpeech: 'noun' },
            { text: 'poradnictwo zawodowe', status: 'admitted' },
          ],
          en: [
            { text: 'career guidance', status: 'preferred', partOfSpeech: 'noun' },
            { text: 'vocational counselling', status: 'deprecated', note: 'Older usage.' },
          ],
        },
        doNotTranslate: false,
        caseSensitive: false,
        note: 'Pomoc w wyborze zawodu & ścieżki kształcenia.',
        origin: { file: 'martif-2008.tbx', line: 12 },
      },
      {
        id: 't2',
        terms: { pl: [{ text: 'NEET', status: 'preferred' }] },
        doNotTranslate: true,
        caseSensitive: false,
        origin: { file: 'martif-2008.tbx', line: 44 },
      },
      {
        id: 't3',
        terms: { pl: [{ text: 'Gdański Urząd Pracy', status: 'preferred' }], sv: [{ text: 'Gdański Urząd Pracy', status: 'preferred' }] },
        doNotTranslate: true,
        caseSensitive: false,
        origin: { file: 'martif-2008.tbx', line: 50 },
      },
    ]);
  });

  it.each(['Example_Astronomy_DCA_VALID.tbx', 'Example_Astronomy_DCT_VALID.tbx'])('reads the TBX-Basic example %s', async (name) => {
    const glossary = await readGlossaryFile(path.join(schemas, name), { sourceLanguage: 'en' });
    expect(glossary.languages).toEqual(['en', 'es', 'zu']);
    expect(glossary.entries).toHaveLength(45);
    const first = glossary.entries[0];
    expect(first?.id).toBe('c1');
    expect(first?.terms.en).toEqual([
      { text: 'open cluster', status: 'preferred', partOfSpeech: 'noun' },
      {
        text: 'galactic cluster',
        status: 'deprecated',
        partOfSpeech: 'noun',
        note: expect.stringMatching(/^Another name for an open star cluster\.[^]*N-Source:\s+http:\/\/www\.delscope/),
      },
    ]);
    expect(first?.note).toBe('G-Source: http://www.physics.drexel.edu/observatory/dump.shtml');
    expect(first?.terms.es?.[0]).toEqual({ text: 'cúmulo abierto', status: 'preferred', partOfSpeech: 'noun' });
  });

  it('writes TBX-Basic in the 2019 DCA style', () => {
    const glossary = readGlossary(readFileSync(path.join(fixtures, 'terms.csv'), 'utf8'), 'terms.csv');
    expect(writeGlossary(glossary, 'tbx')).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <tbx type="TBX-Basic" style="dca" xml:lang="pl" xmlns="urn:iso:std:iso:30042:ed-2">
        <tbxHeader>
          <fileDesc>
            <sourceDesc>
              <p>Hansa glossary; languages: pl, en, sv</p>
            </sourceDesc>
          </fileDesc>
        </tbxHeader>
        <text>
          <body>
            <conceptEntry id="c2">
              <note>hansa:allowInversion=yes</note>
              <note>Usługa urzędu pracy, także "online".</note>
              <langSec xml:lang="pl">
                <termSec>
                  <term>doradztwo zawodowe</term>
                  <termNote type="partOfSpeech">noun</termNote>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                </termSec>
                <termSec>
                  <term>poradnictwo zawodowe</term>
                  <termNote type="partOfSpeech">noun</termNote>
                  <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
                </termSec>
              </langSec>
              <langSec xml:lang="en">
                <termSec>
                  <term>career guidance</term>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                </termSec>
                <termSec>
                  <term>vocational counselling</term>
                  <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
                </termSec>
              </langSec>
              <langSec xml:lang="sv">
                <termSec>
                  <term>studie- och yrkesvägledning</term>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                </termSec>
              </langSec>
            </conceptEntry>
            <conceptEntry id="c3">
              <note>hansa:doNotTranslate=yes</note>
              <note>hansa:caseSensitive=yes</note>
              <note>Młodzież poza zatrudnieniem,&#13;
      edukacją i szkoleniem</note>
              <langSec xml:lang="pl">
                <termSec>
                  <term>NEET</term>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                </termSec>
              </langSec>
            </conceptEntry>
            <conceptEntry id="c6">
              <note>hansa:doNotTranslate=yes</note>
              <langSec xml:lang="pl">
                <termSec>
                  <term>Gdański Urząd Pracy</term>
                  <termNote type="partOfSpeech">other</termNote>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                  <note>hansa:partOfSpeech=properNoun</note>
                </termSec>
              </langSec>
            </conceptEntry>
            <conceptEntry id="c7">
              <note>hansa:doNotTranslate=yes</note>
              <note>hansa:allowInversion=no</note>
              <langSec xml:lang="pl">
                <termSec>
                  <term>!Yahoo</term>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                </termSec>
                <termSec>
                  <term>a|b</term>
                  <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
                </termSec>
              </langSec>
              <langSec xml:lang="en">
                <termSec>
                  <term>x</term>
                  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
                </termSec>
                <termSec>
                  <term>y</term>
                  <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
                </termSec>
              </langSec>
            </conceptEntry>
          </body>
        </text>
      </tbx>
      "
    `);
  });

  it('writes files that validate-l10n accepts, including tricky text and an empty glossary', () => {
    const glossary = readGlossary(readFileSync(path.join(fixtures, 'terms.csv'), 'utf8'), 'terms.csv');
    expect(validate(writeGlossary(glossary, 'tbx'))).toEqual({ status: 0, output: expect.stringContaining('validates') });
    expect(validate(writeGlossary({ languages: ['pl'], entries: [] }, 'tbx'), 'empty.tbx')).toEqual({ status: 0, output: expect.stringContaining('validates') });
    const samples = fc.sample(tbxGlossary, { numRuns: 25, seed: 42 });
    samples.forEach((sample, i) => {
      const result = validate(writeGlossary(sample, 'tbx'), `sample-${i}.tbx`);
      expect(result, result.output).toEqual({ status: 0, output: expect.stringContaining('validates') });
    });
  });

  it('makes ids that are not XML ids valid and unique', () => {
    const glossary: Glossary = {
      languages: ['pl'],
      entries: [
        { ...entry('a'), id: 'terms.csv#c2' },
        { ...entry('b'), id: 'terms.csv_c2' },
        { ...entry('c'), id: '12' },
      ],
    };
    const text = writeGlossary(glossary, 'tbx');
    expect(tbx(text).entries.map((e) => e.id)).toEqual(['terms.csv_c2', 'terms.csv_c2-2', '_12']);
    expect(validate(text, 'ids.tbx').status).toBe(0);
  });

  it('reads hansa:allowInversion=no as an opt-out and no note as the default, and writes yes and no back', () => {
    const concept = (id: string, term: string, notes: string) =>
      `<conceptEntry id="${id}">${notes}<langSec xml:lang="pl"><termSec><term>${term}</term></termSec></langSec></conceptEntry>`;
    const text = `<tbx type="TBX-Basic" style="dca" xml:lang="pl" xmlns="urn:iso:std:iso:30042:ed-2">\n<text><body>\n${[
      concept('a', 'szkoła średnia', ''),
      concept('b', 'szkoła wyższa', '<note>hansa:allowInversion=no</note>'),
      concept('c', 'rynek pracy', '<note>hansa:allowInversion=yes</note>'),
    ].join('\n')}\n</body></text></tbx>`;
    const glossary = tbx(text);
    expect(glossary.entries.map((e) => [e.id, e.allowInversion])).toEqual([
      ['a', undefined],
      ['b', false],
      ['c', true],
    ]);
    expect(glossary.entries[0]).not.toHaveProperty('allowInversion');
    const written = writeGlossary(glossary, 'tbx');
    expect(written.match(/hansa:allowInversion=\w+/g)).toEqual(['hansa:allowInversion=no', 'hansa:allowInversion=yes']);
    expect(tbx(written).entries.map((e) => e.allowInversion)).toEqual([undefined, false, true]);
  });

  it('keeps part-of-speech values outside the TBX-Basic picklist in a note', () => {
    const glossary: Glossary = {
      languages: ['pl'],
      entries: [{ ...entry('Gdańsk'), terms: { pl: [{ text: 'Gdańsk', status: 'preferred', partOfSpeech: 'properNoun' }] } }],
    };
    const text = writeGlossary(glossary, 'tbx');
    expect(text).toContain(
      '<termNote type="partOfSpeech">other</termNote>\n            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>\n            <note>hansa:partOfSpeech=properNoun</note>',
    );
    expect(tbx(text).entries[0]?.terms.pl).toEqual([{ text: 'Gdańsk', status: 'preferred', partOfSpeech: 'properNoun' }]);
  });

  describe('errors', () => {
    const wrap = (body: string) =>
      `<tbx type="TBX-Basic" style="dca" xml:lang="pl" xmlns="urn:iso:std:iso:30042:ed-2">\n<text><body>\n${body}\n</body></text></tbx>`;
    it('not a TBX document', () => {
      expect(failure(() => tbx('<xliff version="1.2"/>'))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 1,
          "message": "not a TBX document: the root element is <xliff>, expected <tbx> or <martif>",
        }
      `);
    });
    it('language section without xml:lang, or with an unknown code', () => {
      expect(failure(() => tbx(wrap('<conceptEntry id="a">\n<langSec><termSec><term>x</term></termSec></langSec></conceptEntry>')))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "<langSec> has no xml:lang",
        }
      `);
      expect(failure(() => tbx(wrap('<conceptEntry id="a">\n<langSec xml:lang="xx"><termSec><term>x</term></termSec></langSec></conceptEntry>')))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "unknown language code "xx" in <langSec>",
        }
      `);
    });
    it('term section without a term, or an empty term', () => {
      expect(failure(() => tbx(wrap('<conceptEntry id="a"><langSec xml:lang="pl">\n<termSec><note>x</note></termSec></langSec></conceptEntry>')))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "<termSec> has no <term>",
        }
      `);
      expect(failure(() => tbx(wrap('<conceptEntry id="a"><langSec xml:lang="pl"><termSec>\n<term> </term></termSec></langSec></conceptEntry>')))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "an empty <term>",
        }
      `);
    });
    it('unknown administrative status', () => {
      expect(
        failure(() =>
          tbx(wrap('<conceptEntry id="a"><langSec xml:lang="pl"><termSec><term>x</term>\n<termNote type="administrativeStatus">forbidden</termNote></termSec></langSec></conceptEntry>')),
        ),
      ).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "unknown administrative status "forbidden" (expected preferredTerm-admn-sts, standardizedTerm-admn-sts, admittedTerm-admn-sts, legalTerm-admn-sts, regulatedTerm-admn-sts, deprecatedTerm-admn-sts, supersededTerm-admn-sts)",
        }
      `);
    });
    it('duplicate entry id', () => {
      const entryXml = '<conceptEntry id="a"><langSec xml:lang="pl"><termSec><term>x</term></termSec></langSec></conceptEntry>';
      expect(failure(() => tbx(wrap(`${entryXml}\n${entryXml}`)))).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "duplicate entry id "a" (lines 3 and 4)",
        }
      `);
    });
    it('bad value of a Hansa setting', () => {
      expect(
        failure(() => tbx(wrap('<conceptEntry id="a">\n<note>hansa:caseSensitive=sometimes</note><langSec xml:lang="pl"><termSec><term>x</term></termSec></langSec></conceptEntry>'))),
      ).toMatchInlineSnapshot(`
        {
          "code": "glossary_invalid",
          "line": 4,
          "message": "hansa:caseSensitive: expected yes, no, true, false, 1 or 0, got "sometimes"",
        }
      `);
    });
  });

  it('round-trips: read(write(g)) is g but for origins', () => {
    fc.assert(
      fc.property(tbxGlossary, (glossary) => {
        const text = writeGlossary(glossary, 'tbx');
        const read = tbx(text);
        expect(comparable(read, true)).toEqual(comparable(glossary, true));
        expect(writeGlossary(read, 'tbx')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('exports to CSV and reads back what CSV can hold', () => {
    const glossary = readGlossary(readFileSync(path.join(fixtures, 'martif-2008.tbx'), 'utf8'), 'martif-2008.tbx');
    const text = writeGlossary(glossary, 'csv');
    expect(text).toMatchInlineSnapshot(`
      "pl,en,sv,dnt,case_sensitive,inversion,pos,note
      doradztwo zawodowe | poradnictwo zawodowe,career guidance | !vocational counselling,,,,,noun,Pomoc w wyborze zawodu & ścieżki kształcenia.
      NEET,,,yes,,,,
      Gdański Urząd Pracy,,Gdański Urząd Pracy,yes,,,,
      "
    `);
    const read = csv(text);
    expect(read.languages).toEqual(glossary.languages);
    expect(read.entries.map((e) => e.terms.pl?.map((t) => t.text))).toEqual(glossary.entries.map((e) => e.terms.pl?.map((t) => t.text)));
    expect(read.entries.map((e) => e.doNotTranslate)).toEqual([false, true, true]);
  });
});

// The XML reader itself is tested in test/xml; here, that a glossary comes through it.
describe('XML safety', () => {
  it('refuses a TBX with an external entity (XXE), naming the file and line, and never shows what it names', async () => {
    const error: unknown = await readGlossaryFile(path.join(fixtures, 'xxe.tbx'), { displayPath: 'glossary/xxe.tbx' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'xml_dtd_refused', message: 'DTDs are not accepted', location: 'glossary/xxe.tbx:2' });
    const passwd = (() => {
      try {
        return readFileSync('/etc/passwd', 'utf8').split('\n')[0] ?? 'root:';
      } catch {
        return 'root:';
      }
    })();
    expect(JSON.stringify(error)).not.toContain(passwd);
  });

  it('refuses billion laughs quickly', () => {
    const text = readFileSync(path.join(fixtures, 'billion-laughs.tbx'), 'utf8');
    const start = performance.now();
    expect(failure(() => tbx(text))).toMatchInlineSnapshot(`
      {
        "code": "xml_dtd_refused",
        "line": 2,
        "message": "DTDs are not accepted",
      }
    `);
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe('formats', () => {
  it('picks the format by extension and refuses unknown ones', async () => {
    expect(failure(() => readGlossary('pl\nx\n', 'g.txt'))).toMatchInlineSnapshot(`
      {
        "code": "glossary_invalid",
        "line": undefined,
        "message": "unknown glossary format ".txt" (expected .csv or .tbx)",
      }
    `);
    expect(readGlossary('pl\nx\n', 'g.txt', { format: 'csv' }).entries).toHaveLength(1);
    expect(readGlossary('pl\nx\n', 'G.CSV').entries).toHaveLength(1);
    await expect(readGlossaryFile(path.join(fixtures, 'missing.csv'), { displayPath: 'missing.csv' })).rejects.toMatchObject({ code: 'file_unreadable', file: 'missing.csv' });
  });

  it('refuses files that are not UTF-8', async () => {
    const file = path.join(scratch, 'latin2.csv');
    writeFileSync(file, Buffer.from([0x70, 0x6c, 0x0a, 0xb3, 0xf3, 0x64, 0x9f, 0x0a]));
    await expect(readGlossaryFile(file)).rejects.toMatchObject({ code: 'not_utf8', line: 2 });
  });

  it('has English and Polish messages for its error codes', () => {
    for (const lang of ['en', 'pl']) {
      const messages = JSON.parse(readFileSync(path.join(here, '../../locales', lang, 'cli.json'), 'utf8')) as { errors: Record<string, string> };
      for (const code of ['glossary_invalid', 'xml_invalid', 'xml_dtd_refused']) expect(messages.errors[code], `${lang} ${code}`).toBeTruthy();
    }
  });
});

// ---- generators ----------------------------------------------------------------------

/** Text with the characters that break naive CSV and XML writers, Polish letters among them. */
const tricky = fc
  .array(fc.constantFrom('a', 'Z', 'ą', 'ł', 'Ź', 'ż', 'ó', 'ę', '"', "'", ',', ';', '\n', '\r\n', '\r', '\t', ' ', '|', '!', '\\', '<', '>', '&', ']]>', '#', '=', ':', '€', '😀'), {
    minLength: 1,
    maxLength: 8,
  })
  .map((chars) => chars.join(''));
const text = fc
  .oneof({ arbitrary: tricky, weight: 3 }, { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }), weight: 1 })
  .map((s) => s.trim())
  // eslint-disable-next-line no-control-regex
  .filter((s) => s !== '' && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s) && !s.startsWith('hansa:'));
const optionalText = fc.option(text, { nil: undefined });
/** `allowInversion`: set either way, or left to the default. */
const inversion = fc.option(fc.boolean(), { nil: undefined });
const partOfSpeech = fc.oneof(fc.constantFrom('noun', 'verb', 'adjective', 'adverb', 'other', 'properNoun'), text);
const targetLanguages = fc.subarray(['en', 'sv', 'lt', 'de', 'nb', 'en-GB']);

function entry(source: string): GlossaryEntry {
  return {
    id: 'c1',
    terms: { pl: [{ text: source, status: 'preferred' }] },
    doNotTranslate: false,
    caseSensitive: false,
    origin: { file: 'x', line: 1 },
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Terms as CSV can hold them: the first not deprecated is preferred, later ones admitted. */
const csvTerms = (pos: fc.Arbitrary<string | undefined>) =>
  fc.tuple(fc.array(fc.tuple(text, fc.boolean()), { minLength: 1, maxLength: 3 }), pos).map(([list, partOfSpeech]) => {
    let preferred = false;
    return list.map(([termText, deprecated]): Term => {
      const status: TermStatus = deprecated ? 'deprecated' : preferred ? 'admitted' : 'preferred';
      if (status === 'preferred') preferred = true;
      return withoutUndefined({ text: termText, status, partOfSpeech });
    });
  });

const csvGlossary: fc.Arbitrary<Glossary> = targetLanguages.chain((targets) =>
  fc
    .array(
      fc.record({
        source: csvTerms(fc.option(partOfSpeech, { nil: undefined })),
        targets: fc.tuple(...targets.map(() => fc.option(csvTerms(fc.constant(undefined)), { nil: undefined }))),
        doNotTranslate: fc.boolean(),
        caseSensitive: fc.boolean(),
        allowInversion: inversion,
        note: optionalText,
      }),
      { maxLength: 6 },
    )
    .map((rows) => {
      const seen = new Set<string>();
      const entries: GlossaryEntry[] = [];
      for (const row of rows) {
        const keys = row.source.map((t) => t.text.normalize('NFC').toLowerCase());
        if (keys.some((k) => seen.has(k))) continue;
        keys.forEach((k) => seen.add(k));
        const terms: Record<string, Term[]> = { pl: row.source };
        targets.forEach((language, i) => {
          const list = row.targets[i];
          if (list !== undefined) terms[language] = list;
        });
        entries.push(
          withoutUndefined({
            id: `x${entries.length}`,
            terms,
            doNotTranslate: row.doNotTranslate,
            caseSensitive: row.caseSensitive,
            allowInversion: row.allowInversion,
            note: row.note,
            origin: { file: 'generated', line: 0 },
          }),
        );
      }
      return { languages: ['pl', ...targets], entries };
    }),
);

const tbxTerm: fc.Arbitrary<Term> = fc
  .record({
    text,
    status: fc.constantFrom<TermStatus>('preferred', 'admitted', 'deprecated'),
    partOfSpeech: fc.option(partOfSpeech, { nil: undefined }),
    note: optionalText,
  })
  .map(withoutUndefined);

const tbxGlossary: fc.Arbitrary<Glossary> = targetLanguages.chain((targets) => {
  const languages = ['pl', ...targets];
  return fc
    .array(
      fc.record({
        terms: fc
          .tuple(...languages.map(() => fc.option(fc.array(tbxTerm, { minLength: 1, maxLength: 3 }), { nil: undefined })))
          .filter((lists) => lists.some((list) => list !== undefined)),
        doNotTranslate: fc.boolean(),
        caseSensitive: fc.boolean(),
        allowInversion: inversion,
        note: optionalText,
        id: fc.constantFrom('c', 'e-', 'pojęcie.', 'Ł_'),
      }),
      { maxLength: 5 },
    )
    .map((rows) => ({
      languages,
      entries: rows.map((row, i): GlossaryEntry => {
        const terms: Record<string, Term[]> = {};
        languages.forEach((language, k) => {
          const list = row.terms[k];
          if (list !== undefined) terms[language] = list;
        });
        return withoutUndefined({
          id: `${row.id}${i + 1}`,
          terms,
          doNotTranslate: row.doNotTranslate,
          caseSensitive: row.caseSensitive,
          allowInversion: row.allowInversion,
          note: row.note,
          origin: { file: 'generated', line: 0 },
        });
      }),
    }));
});
