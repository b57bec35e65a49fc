import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSegment, gateFindings, numbersOf } from '../../src/qa/checks.js';

const options = { sourceLanguage: 'pl', targetLanguage: 'en' } as const;
const checks = (source: string, target: string, lang = 'en'): string[] => checkSegment(source, target, { ...options, targetLanguage: lang }).map((finding) => finding.check);

describe('segment checks', () => {
  it('passes a faithful translation', () => {
    expect(checks('W 2018 r. Centrum przyjęło 1500 osób.', 'In 2018 the Centre welcomed 1500 people.')).toEqual([]);
  });

  it('accepts numbers written the target language way', () => {
    expect(checks('Wzrost o 1,5 proc. w dniu 10.11.2021 dla 10 000 osób.', 'A rise of 1.5 per cent on 10/11/2021 for 10,000 people.')).toEqual([]);
    expect(checks('Było to 11 listopada 2021 r.', 'It was on November 11, 2021.')).toEqual([]);
  });

  it('refuses numbers lost, changed or invented', () => {
    expect(checks('W 2018 r. przyszło 30 osób.', 'In 2018 many people came.')).toContain('numbers');
    expect(checks('W 2018 r. przyszło 30 osób.', 'In 2019 30 people came.')).toContain('numbers');
    expect(checks('Przyszło wiele osób.', 'About 300 people came.')).toContain('numbers');
  });

  it('keeps the digits of a number whatever its separators', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 99_999_999 }), (n) => {
        const plain = String(n);
        const grouped = plain.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
        const english = plain.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        expect(numbersOf(grouped)).toEqual([plain]);
        expect(numbersOf(english)).toEqual([plain]);
      }),
    );
  });

  it('refuses codes that do not match and an empty target', () => {
    expect(checks('Zobacz <pc id="1">stronę</pc>.', 'See the page.')).toEqual(['codes']);
    expect(checks('Zobacz <pc id="1">stronę</pc>.', '<pc id="1"></pc>')).toEqual(['empty']);
  });

  it('refuses a URL that changed', () => {
    expect(checks('Więcej na www.crt.gdansk.pl/aktualnosci dziś.', 'More at www.crt.gdansk.pl/news today.')).toContain('urls');
    expect(checks('Więcej na www.crt.gdansk.pl/aktualnosci dziś.', 'More at www.crt.gdansk.pl/aktualnosci today.')).toEqual([]);
  });

  it('refuses a URL the source does not have', () => {
    // Machine output must not add link targets (DESIGN §8.6), with or without a scheme.
    expect(gateFindings('Zobacz stronę projektu.', 'See the project page at https://evil.example/phish.', options)).toEqual([
      { check: 'urls', severity: 'error', message: 'URL not in the source: https://evil.example/phish' },
    ]);
    expect(gateFindings('Kontakt z biurem.', 'Contact the office at www.evil.example.', options)).toEqual([
      { check: 'urls', severity: 'error', message: 'URL not in the source: www.evil.example' },
    ]);
    expect(checks('Kontakt z biurem.', 'Contact the office at http://evil.example or www.evil.example.')).toContain('urls');
    // Changed: the old one missing, the new one added.
    expect(checkSegment('Więcej na www.crt.gdansk.pl/aktualnosci dziś.', 'More at www.evil.example/aktualnosci today.', options).map((finding) => finding.message)).toEqual([
      'URL changed or missing: www.crt.gdansk.pl/aktualnosci',
      'URL not in the source: www.evil.example/aktualnosci',
    ]);
    // A URL carried over, even written twice, is not new.
    expect(checks('Strona www.crt.gdansk.pl jest nowa.', 'The www.crt.gdansk.pl site is new; see www.crt.gdansk.pl.')).toEqual([]);
    expect(checks('Więcej: https://crt.gdansk.pl/a?b=1.', 'More: https://crt.gdansk.pl/a?b=1.')).toEqual([]);
  });

  it('refuses an answer cut short', () => {
    const source = 'Centrum Rozwoju Talentów od początku swojego istnienia budzi zainteresowanie nie tylko na arenie krajowej.';
    expect(checks(source, 'The Talent Development Centre has, since')).toContain('truncated');
    expect(checks(source, 'The Talent Development Centre has attracted interest from the start, not only at home.')).not.toContain('truncated');
  });

  it('warns of untranslated text, length, whitespace and end punctuation', () => {
    expect(checks('Centrum Rozwoju Talentów zaprasza.', 'Centrum Rozwoju Talentów zaprasza.')).toContain('untranslated');
    expect(checks('Krótkie zdanie o niczym ważnym.', 'A very, very much longer sentence that says a great deal more than the source ever did.')).toContain('length_ratio');
    expect(checks('Tekst. ', 'Text.')).toContain('whitespace');
    expect(checks('Czy przyjdziesz?', 'Will you come.')).toContain('end_punctuation');
    expect(checks('Powiedział: „tak”.', 'He said: “yes”.')).toEqual([]);
  });

  it('knows each language’s quotation marks', () => {
    expect(checks('Nagroda „Lider”.', 'The „Leader” award.')).toContain('quotes');
    expect(checks('Nagroda „Lider”.', 'Priset ”Ledare”.', 'sv')).toEqual([]);
    expect(checks('Nagroda „Lider”.', 'Priset “Ledare”.', 'sv')).toContain('quotes');
    expect(checks('Nagroda „Lider”.', 'Der Preis „Leader“.', 'de')).toEqual([]);
    expect(checks('Nagroda "Lider".', 'The "Leader" award.')).toEqual([]);
  });

  it('blocks machine output only on the blocking checks', () => {
    expect(gateFindings('Tekst. ', 'Text.', options)).toEqual([]);
    expect(gateFindings('Rok 2018.', 'Year.', options).map((finding) => finding.check)).toEqual(['numbers']);
  });
});
