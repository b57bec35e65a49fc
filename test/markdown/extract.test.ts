import { describe, expect, it } from 'vitest';
import { extractDocument, type ExtractedDocument } from '../../src/markdown/index.js';

const sources = (document: ExtractedDocument): string[] => document.segments.map((segment) => segment.source);
const of = (markdown: string): string[] => sources(extractDocument(markdown));

describe('units per node type', () => {
  it('heading', () => {
    expect(of('## Europejski Lider Aktywizacji Osób Młodych\n')).toEqual(['Europejski Lider Aktywizacji Osób Młodych']);
  });

  it('setext heading', () => {
    expect(of('Nagłówek drugi\n---\n')).toEqual(['Nagłówek drugi']);
  });

  it('paragraph, cut into sentences, soft line breaks read as spaces', () => {
    expect(of('Nasza współpraca zaczęła się w 2018 r. Wówczas\nCentrum gościło gości.\n')).toEqual([
      'Nasza współpraca zaczęła się w 2018 r.',
      'Wówczas Centrum gościło gości.',
    ]);
  });

  it('list items, nested', () => {
    expect(of('- pierwszy punkt\n  - drugi, zagnieżdżony\n1. trzeci\n')).toEqual(['pierwszy punkt', 'drugi, zagnieżdżony', 'trzeci']);
  });

  it('table cells, header included', () => {
    expect(of('| Termin | Miejsce |\n| --- | --- |\n| 9 listopada | Gdańsk |\n')).toEqual(['Termin', 'Miejsce', '9 listopada', 'Gdańsk']);
  });

  it('block quote', () => {
    expect(of('> „Młodzi ludzie potrzebują wsparcia.”\n')).toEqual(['„Młodzi ludzie potrzebują wsparcia.”']);
  });

  it('footnote definition and reference', () => {
    const document = extractDocument('Tekst z przypisem.[^1]\n\n[^1]: Źródło: raport roczny.\n');
    expect(sources(document)).toEqual(['Tekst z przypisem.<ph id="1"/>', 'Źródło: raport roczny.']);
    expect(document.segments[0]?.codeKinds).toEqual(['footnoteReference']);
  });

  it('image alt and title are segments of their own; the URL is not', () => {
    const document = extractDocument('![Statuetka](/img/s.jpg "Statuetka lidera")\n');
    expect(document.segments.map((segment) => [segment.role, segment.source])).toEqual([
      ['alt', 'Statuetka'],
      ['title', 'Statuetka lidera'],
      ['text', '<ph id="1"/>'],
    ]);
    expect(document.segments[2]?.translatable).toBe(false);
    expect(JSON.stringify(document)).toContain('/img/s.jpg');
    expect(sources(document).join()).not.toContain('/img/s.jpg');
  });

  it('link: text in a paired code, title a segment, URL never sent', () => {
    const document = extractDocument('Zobacz [stronę projektu](https://example.org/p "Opis projektu") teraz.\n');
    expect(sources(document)).toEqual(['Opis projektu', 'Zobacz <pc id="1">stronę projektu</pc> teraz.']);
  });

  it('link reference definition title', () => {
    expect(of('[Urząd][gup]\n\n[gup]: https://example.org "Gdański Urząd Pracy"\n')).toEqual([
      '<pc id="1">Urząd</pc>',
      'Gdański Urząd Pracy',
    ]);
  });

  it('emphasis, strong and delete are paired codes', () => {
    expect(of('To *bardzo* **ważne** ~~nie~~ zdanie.\n')).toEqual(['To <pc id="1">bardzo</pc> <pc id="2">ważne</pc> <pc id="3">nie</pc> zdanie.']);
  });

  it('inline code, inline HTML, breaks and autolinks are standalone codes', () => {
    const document = extractDocument('Wpisz `PUP-01`, <abbr title="x">NEET</abbr>\\\nalbo <https://example.org> i biuro@example.org.\n');
    expect(sources(document)).toEqual(['Wpisz <ph id="1"/>, <ph id="2"/>NEET<ph id="3"/><ph id="4"/>albo <ph id="5"/> i <ph id="6"/>.']);
    expect(document.segments[0]?.codeKinds).toEqual(['inlineCode', 'html', 'html', 'break', 'autolink', 'autolink']);
  });

  it('code blocks, HTML blocks and thematic breaks are not units', () => {
    expect(of('```js\nconst tekst = "Zdanie.";\n```\n\n<div class="ramka">Zdanie.</div>\n\n---\n')).toEqual([]);
  });

  it('translatable frontmatter keys only', () => {
    const document = extractDocument('---\ntitle: Nagroda dla Centrum\nslug: nagroda\ntags:\n  - Aktualności\n  - Relacje\nauthor: Jan Nowak\n---\n\nTekst.\n');
    expect(document.segments.map((segment) => [segment.role, segment.source])).toEqual([
      ['meta', 'Nagroda dla Centrum'],
      ['tag', 'Aktualności'],
      ['tag', 'Relacje'],
      ['text', 'Tekst.'],
    ]);
    expect(document.meta).toMatchObject({ slug: 'nagroda', author: 'Jan Nowak' });
  });

  it('text is XML-escaped in tagged form', () => {
    expect(of('A &amp; B < C > D.\n')).toEqual(['A &amp; B &lt; C &gt; D.']);
  });
});

describe('sentences and paired codes', () => {
  it('does not split inside a bold span that covers two sentences', () => {
    expect(of('Wstęp. **Pierwsze zdanie. Drugie zdanie.** Koniec.\n')).toEqual([
      'Wstęp.',
      '<pc id="1">Pierwsze zdanie. Drugie zdanie.</pc>',
      'Koniec.',
    ]);
  });

  it('keeps emphasis that ends a sentence with that sentence', () => {
    expect(of('To jest *ważne.* Następne zdanie.\n')).toEqual(['To jest <pc id="1">ważne.</pc>', 'Następne zdanie.']);
  });

  it('numbers codes from 1 in each segment', () => {
    expect(of('Pierwsze *a*. Drugie *b* i `c`.\n')).toEqual(['Pierwsze <pc id="1">a</pc>.', 'Drugie <pc id="1">b</pc> i <ph id="2"/>.']);
  });
});

describe('segment identity', () => {
  it('the same sentence has the same id wherever it stands', () => {
    const a = extractDocument('Zdanie wspólne. Inne.\n');
    const b = extractDocument('# Tytuł\n\n- Coś innego. Zdanie wspólne.\n');
    const idA = a.segments.find((segment) => segment.source === 'Zdanie wspólne.')?.id;
    const idB = b.segments.find((segment) => segment.source === 'Zdanie wspólne.')?.id;
    expect(idA).toBeDefined();
    expect(idA).toBe(idB);
  });

  it('code kinds are part of the identity', () => {
    const [bold] = extractDocument('To **ważne**.\n').segments;
    const [italic] = extractDocument('To *ważne*.\n').segments;
    expect(bold?.source).toBe(italic?.source);
    expect(bold?.id).not.toBe(italic?.id);
  });

  it('counts words and characters', () => {
    const [segment] = extractDocument('Centrum Rozwoju Talentów, 2018 r.\n').segments;
    expect(segment).toMatchObject({ words: 5, characters: 33, translatable: true });
  });
});
