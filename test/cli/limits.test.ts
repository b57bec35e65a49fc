import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProject, filesBelow, hansa } from '../helpers/cli.js';

/**
 * The hostile articles of issue 9 beside an ordinary one: 100,000 nested list markers
 * (200 KB), 10,000 nested `>`, a 5 MB single line, and a 1 MB single line (under the size
 * limit, so only the segment limit stops it). Over 256 KB in all: extracted on workers.
 */
async function hostileProject(): Promise<string> {
  const dir = await emptyProject();
  const content = path.join(dir, 'content/pl');
  await mkdir(content, { recursive: true });
  await writeFile(path.join(content, 'ok.md'), '# Targi pracy\n\nTargi odbyły się w maju.\n');
  await writeFile(path.join(content, 'deep-list.md'), `Wstęp.\n\n${'- '.repeat(100_000)}x\n`);
  await writeFile(path.join(content, 'deep-quote.md'), `${'>'.repeat(10_000)} cytat\n`);
  await writeFile(path.join(content, 'huge.md'), `${'słowo '.repeat(Math.ceil(5_000_000 / 7))}\n`);
  await writeFile(path.join(content, 'long.md'), `# Długi\n\n${'zażółć gęślą jaźń '.repeat(60_000)}\n`);
  return dir;
}

describe('limits on hostile articles', () => {
  it('refuses each hostile article with file:line and the limit, fast, on worker threads', async () => {
    const dir = await hostileProject();
    const started = performance.now();
    const run = await hansa(dir, ['extract', '--json', '--workers', '2']);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('content/pl/deep-list.md:3: error: nested 100000 levels deep (block quotes, lists, footnotes, brackets or emphasis inside one another), over the limit of 32 (limits.maxNesting)');
    expect(run.stderr).toContain('content/pl/deep-quote.md:1: error: nested 10000 levels deep');
    expect(run.stderr).toMatch(/content\/pl\/huge\.md: error: the file has 500\d{4} bytes, over the limit of 2097152 \(limits\.maxFileBytes\); it was not read/);
    expect(run.stderr).toContain('content/pl/long.md:3: error: a segment (a sentence, or text without a sentence end) of 1079999 characters starts here, over the limit of 5000 (limits.maxSegmentCharacters)');
    expect(run.stderr).not.toMatch(/Maximum call stack|unexpected error/);
    const report = JSON.parse(run.stdout) as { files: { file: string; ok: boolean; error?: { code: string } }[] };
    expect(report.files.map((file) => [file.file, file.ok ? 'ok' : file.error?.code])).toEqual([
      ['content/pl/deep-list.md', 'markdown_too_deep'],
      ['content/pl/deep-quote.md', 'markdown_too_deep'],
      ['content/pl/huge.md', 'file_too_large'],
      ['content/pl/long.md', 'segment_too_long'],
      ['content/pl/ok.md', 'ok'],
    ]);
  }, 30_000);

  it('sends nothing of a refused article to the provider', async () => {
    const dir = await hostileProject();
    const run = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en', '--json', '--workers', '2']);
    expect(run.code, run.stderr).toBe(2);
    const summary = JSON.parse(run.stdout) as { languages: { lang: string; characters: number; requests: number }[] };
    // Only ok.md's two segments went out.
    expect(summary.languages.map(({ lang, characters, requests }) => ({ lang, characters, requests }))).toEqual([{ lang: 'en', characters: 35, requests: 1 }]);
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(['index.json', 'ok.md']);
    expect(existsSync(path.join(dir, 'translations/en/long.md.xlf'))).toBe(false);
  }, 30_000);

  it('reads the limits from the config, and a changed limit is not served from the cache', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), 'Wstęp.\n\n> > > Zdanie w cytacie, dość długie.\n');
    const first = await hansa(dir, ['extract']);
    expect(first.code, first.stderr).toBe(0);

    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ limits: { maxSegmentCharacters: 20 } }));
    const shorter = await hansa(dir, ['extract']);
    expect(shorter.code).toBe(2);
    expect(shorter.stderr).toContain('content/pl/a.md:3: error: a segment (a sentence, or text without a sentence end) of 30 characters starts here, over the limit of 20 (limits.maxSegmentCharacters)');

    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ limits: { maxNesting: 2 } }));
    const shallower = await hansa(dir, ['extract', '--ui-lang', 'pl']);
    expect(shallower.code).toBe(2);
    expect(shallower.stderr).toContain('content/pl/a.md:3: błąd: zbyt głębokie zagnieżdżenie (cytaty, listy, przypisy, nawiasy kwadratowe lub wyróżnienia jedne w drugich): głębokość 3, limit 2 (limits.maxNesting)');

    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ limits: { maxNesting: 0 } }));
    const invalid = await hansa(dir, ['extract']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('limits.maxNesting');
  }, 30_000);
});
