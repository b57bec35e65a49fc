import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { extractDocument, inlineMarkers, measureNesting, type ExtractOptions } from '../../src/markdown/index.js';

/** The error `extractDocument` throws for `markdown`, and how long it took. */
function refusal(markdown: string, options: ExtractOptions = {}): { error: unknown; ms: number } {
  const started = performance.now();
  try {
    extractDocument(markdown, { file: 'content/pl/a.md', ...options });
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('extractDocument accepted the document');
}

describe('measureNesting', () => {
  it('counts block quotes, list markers and footnote labels at a line start', () => {
    expect(measureNesting('Tekst.\n\n> > - [^1]: a\n')).toEqual({ depth: 4, line: 3 });
    expect(measureNesting('1. a\n   2) b\n')).toEqual({ depth: 2, line: 2 });
  });

  it('counts the containers indentation continues, never more than were open', () => {
    expect(measureNesting('- a\n  - b\n    - c\n')).toEqual({ depth: 3, line: 3 });
    // Indented code (or a lazy line) far to the right opens nothing.
    expect(measureNesting(`Akapit.\n${' '.repeat(80)}- x\n`)).toEqual({ depth: 1, line: 2 });
  });

  it('does not count thematic breaks, emphasis or numbers as list markers', () => {
    expect(measureNesting(`${'- '.repeat(40)}\n\n${'* '.repeat(40)}\n\n*ważne* 2024.5 -1 **b**\n`).depth).toBe(0);
  });

  it('counts brackets until a blank line ends them', () => {
    expect(measureNesting('[[a]] [b]\n[[[c\n\n[d\n')).toEqual({ depth: 3, line: 2 });
    expect(measureNesting('\\[\\[\\[ a\n').depth).toBe(0);
  });

  it('stops at the first line deeper than asked, and is linear', () => {
    const started = performance.now();
    expect(measureNesting(`a\n${'> '.repeat(40)}b\n${'> '.repeat(90)}c\n`, 32)).toEqual({ depth: 40, line: 2 });
    expect(measureNesting(`${'- * '.repeat(500_000)}x\n`).depth).toBe(1_000_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('extractDocument limits', () => {
  it('refuses 100,000 nested list markers before parsing, with the line, at once', () => {
    const { error, ms } = refusal(`# Tytuł\n\nWstęp.\n\n${'- '.repeat(100_000)}x\n`);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'markdown_too_deep', file: 'content/pl/a.md', line: 5, data: { depth: 100_000, limit: 32 } });
    expect(ms).toBeLessThan(1000);
  });

  it('refuses 10,000 nested block quotes with the line, not a stack overflow', () => {
    const { error } = refusal(`Wstęp.\n\n${'>'.repeat(10_000)} cytat\n`);
    expect(error).toMatchObject({ code: 'markdown_too_deep', line: 3, data: { depth: 10_000 } });
  });

  it('refuses lists nested by indentation at the first line too deep', () => {
    const markdown = Array.from({ length: 40 }, (_, level) => `${'  '.repeat(level)}- poziom ${level + 1}`).join('\n');
    expect(refusal(markdown).error).toMatchObject({ code: 'markdown_too_deep', line: 33, data: { depth: 33 } });
  });

  it('refuses images nested in image alt texts', () => {
    expect(refusal(`${'!['.repeat(40)}a${'](u)'.repeat(40)}\n`).error).toMatchObject({ code: 'markdown_too_deep', line: 1 });
  });

  it('refuses emphasis nested deeper than the limit, found on the tree', () => {
    const open = Array.from({ length: 40 }, (_, i) => `${i % 2 === 0 ? '*' : '_'}a `).join('');
    const close = Array.from({ length: 40 }, (_, i) => ` a${(39 - i) % 2 === 0 ? '*' : '_'}`).join('');
    expect(refusal(`Wstęp.\n\n${open}x${close}\n`).error).toMatchObject({ code: 'markdown_too_deep', line: 3, data: { limit: 32 } });
  });

  it('takes the limit from the options', () => {
    expect(extractDocument(`${'> '.repeat(40)}cytat\n`, { limits: { maxNesting: 40 } }).segments.map((segment) => segment.source)).toEqual(['cytat']);
    expect(refusal('> > a\n', { limits: { maxNesting: 1 } }).error).toMatchObject({ code: 'markdown_too_deep', data: { depth: 2, limit: 1 } });
  });

  it('reports a stack overflow that happens all the same as an input error with a line', () => {
    const { error } = refusal(`Wstęp.\n\n${'>'.repeat(10_000)} cytat\n`, { limits: { maxNesting: 1_000_000 } });
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'markdown_too_complex', file: 'content/pl/a.md', line: 3 });
  });

  it('refuses a segment longer than the limit, naming the line where it starts', () => {
    const long = `Słowo\n${'słowo\n'.repeat(999)}`;
    expect(refusal(`# Tytuł\n\nKrótkie zdanie.\n${long}`).error).toMatchObject({
      code: 'segment_too_long',
      file: 'content/pl/a.md',
      line: 4,
      data: { characters: 5999, limit: 5000 },
    });
    expect(refusal('![Opis obrazka](/a.png)\n', { limits: { maxSegmentCharacters: 5 } }).error).toMatchObject({ code: 'segment_too_long', line: 1 });
    expect(refusal('---\ntitle: Długi tytuł\n---\n', { limits: { maxSegmentCharacters: 5 } }).error).toMatchObject({ code: 'segment_too_long' });
  });

  it('refuses a one-line megabyte paragraph instead of making it one segment', () => {
    const { error } = refusal(`${'zażółć gęślą jaźń '.repeat(60_000)}\n`);
    expect(error).toMatchObject({ code: 'segment_too_long', line: 1, data: { characters: 1_079_999 } });
  });

  it('lets real articles through', () => {
    const article = [
      '---\ntitle: Tytuł\ntags:\n  - a\n  - b\n---',
      '# Nagłówek',
      '> Cytat z listą:\n>\n> - punkt\n>   - podpunkt\n>     1. numer',
      '[![Logo](/logo.png "Logo")](https://example.org) Tekst z **pogrubieniem i *kursywą***.',
      '```yaml\n' + Array.from({ length: 12 }, (_, level) => `${'  '.repeat(level)}- k${level}: v`).join('\n') + '\n```',
      '- - -',
    ].join('\n\n');
    expect(extractDocument(article).segments.length).toBeGreaterThan(5);
  });
});

describe('inline markers per paragraph', () => {
  it('counts the markers of each paragraph; list items and headings start their own', () => {
    expect(inlineMarkers('*a* i **b**\n\n[c](d) `e`\n')).toEqual({ count: 6, line: 1 });
    expect(inlineMarkers('Tekst.\n\n- *a*\n- *b*\n- *c*\n')).toEqual({ count: 2, line: 3 });
    expect(inlineMarkers('# *Tytuł*\nAkapit *x* *y*\ndalej *z*\n')).toEqual({ count: 6, line: 2 });
    expect(inlineMarkers('Escaped \\* \\_ \\[ only.\n').count).toBe(0);
  });

  it('refuses a paragraph of 20,000 unmatched emphasis markers at once, naming its line', () => {
    const { error, ms } = refusal(`---\ntitle: x\n---\n\nWstęp.\n\n${'a* '.repeat(20_000)}\n`);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'markdown_too_many_markers', line: 7, data: { limit: 1000 } });
    expect(ms).toBeLessThan(1000);
  });

  it('accepts a long list whose items each have a few links (a changelog)', () => {
    const list = Array.from({ length: 3000 }, (_, i) => `- [\`abc${i}\`](https://example.org/${i}) **fix**: _detail_ ${i}`).join('\n');
    expect(() => extractDocument(`${list}\n`, { file: 'content/pl/a.md' })).not.toThrow();
  });

  it('takes the limit from the options', () => {
    expect(refusal('*a* *b* *c*\n', { limits: { maxInlineMarkers: 4 } }).error).toMatchObject({ code: 'markdown_too_many_markers', data: { count: 6, limit: 4 } });
  });
});
