import { describe, expect, it } from 'vitest';
import { extractDocument, mergeDocument } from '../../src/markdown/index.js';

/** Replace each segment's source through `translate`. */
function translate(source: string, map: (tagged: string) => string, frontmatter?: Record<string, unknown>) {
  const document = extractDocument(source);
  return mergeDocument(source, document, document.segments.map((segment) => map(segment.source)), frontmatter === undefined ? {} : { frontmatter });
}

const upper = (tagged: string): string => tagged.replace(/(<[^>]*>)|([^<]+)/g, (_, tag: string | undefined, text: string | undefined) => tag ?? (text ?? '').toUpperCase());

describe('mergeDocument', () => {
  it('leaves unchanged units byte for byte, odd spacing included', () => {
    const source = 'Akapit   z  odstępami *i*   __emfazą__.\n\n* lista\n+ inna\n';
    expect(translate(source, (tagged) => tagged).output).toBe(source);
  });

  it('splices a changed paragraph and leaves its neighbours alone', () => {
    const source = '# Tytuł\n\nAkapit pierwszy.\n\n```\nkod\n```\n\nAkapit   drugi.\n';
    const output = translate(source, (tagged) => (tagged === 'Akapit pierwszy.' ? 'First paragraph.' : tagged)).output;
    expect(output).toBe('# Tytuł\n\nFirst paragraph.\n\n```\nkod\n```\n\nAkapit   drugi.\n');
  });

  it('keeps the space between sentences and the codes of each', () => {
    const source = 'Zobacz [stronę](https://example.org "Tytuł"). Potem *wróć*.\n';
    const output = translate(source, (tagged) =>
      tagged
        .replace('Zobacz <pc id="1">stronę</pc>.', 'See <pc id="1">the page</pc>.')
        .replace('Potem <pc id="1">wróć</pc>.', 'Then <pc id="1">come back</pc>.')
        .replace(/^Tytuł$/, 'Title'),
    ).output;
    expect(output).toBe('See [the page](https://example.org "Title"). Then *come back*.\n');
  });

  it('lets a translation reorder codes', () => {
    const source = 'Ala ma *kota* i **psa**.\n';
    const output = translate(source, () => 'Ala has <pc id="2">a dog</pc> and <pc id="1">a cat</pc>.').output;
    expect(output).toBe('Ala has **a dog** and *a cat*.\n');
  });

  it('escapes translated text that would read as Markdown', () => {
    const source = 'Zwykły tekst.\n';
    expect(translate(source, () => '1. *not* a list # or [link](x)').output).toBe('1\\. \\*not\\* a list # or \\[link]\\(x)\n');
  });

  it('escapes pipes in table cells and keeps the table', () => {
    const source = '| a | b |\n| - | - |\n| tekst | inny |\n';
    const output = translate(source, (tagged) => (tagged === 'tekst' ? 'x | y' : tagged)).output;
    expect(output).toBe('| a | b |\n| - | - |\n| x \\| y | inny |\n');
  });

  it('continues a hard break inside a quoted list item with the container prefix', () => {
    const source = '> - Pierwsza linia\\\n>   druga linia.\n';
    const output = translate(source, upper).output;
    expect(output).toBe('> - PIERWSZA LINIA\\\n>   DRUGA LINIA.\n');
  });

  it('translates image alt and title without touching the URL', () => {
    const source = '![Statuetka](/img/a.jpg "Nagroda")\n';
    expect(translate(source, upper).output).toBe('![STATUETKA](/img/a.jpg "NAGRODA")\n');
  });

  it('refuses a target whose codes differ from the source and reports it', () => {
    const source = 'Tekst z `kodem` tutaj.\n';
    const { output, problems } = translate(source, () => 'Text without the code.');
    expect(output).toBe(source);
    expect(problems).toEqual([{ segment: 0, line: 1, problem: { code: 'code_mismatch', expected: ['ph1'], actual: [] } }]);
  });

  it('refuses markup the source lacks', () => {
    const source = 'Zwykłe zdanie.\n';
    const { output, problems } = translate(source, () => 'A <script>alert(1)</script> sentence.');
    expect(output).toBe(source);
    expect(problems[0]?.problem.code).toBe('unknown_markup');
  });

  it('rewrites translatable frontmatter values and adds keys, keeping the rest', () => {
    const source = '---\ntitle: Nagroda\n# komentarz autora\nslug: nagroda\ntags: [Aktualności]\n---\n\nTekst.\n';
    const { output } = translate(source, (tagged) => ({ Nagroda: 'Award', Aktualności: 'News', 'Tekst.': 'Text.' })[tagged] ?? tagged, { lang: 'en' });
    expect(output).toBe('---\ntitle: Award\n# komentarz autora\nslug: nagroda\ntags: [ News ]\nlang: en\n---\n\nText.\n');
  });

  it('adds a frontmatter block to a document without one', () => {
    expect(translate('Tekst.\n', (tagged) => tagged, { lang: 'sv' }).output).toBe('---\nlang: sv\n---\n\nTekst.\n');
  });
});
