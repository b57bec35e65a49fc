import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultConfig } from '../../src/config/index.js';
import { listArticles, pruneDeleted } from '../../src/pipeline/publish.js';
import { emptyState } from '../../src/state/language.js';
import { emptyProject, filesBelow, hansa, sampleProject } from '../helpers/cli.js';

const targi = 'aktualnosci/2022-03-15-targi-pracy.md';

interface Feed {
  items: { id: string; _hansa: { translationStatus: string } }[];
}

async function feedOf(dir: string, lang: string): Promise<Feed> {
  return JSON.parse(await readFile(path.join(dir, 'dist', lang, 'index.json'), 'utf8')) as Feed;
}

function frontmatterOf(text: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  return match === null ? {} : (parseYaml(match[1] ?? '') as Record<string, unknown>);
}

describe('hansa build and deleted sources', () => {
  it('removes the translation of a deleted source from dist/ and the feed, and nothing else', async () => {
    const dir = await sampleProject();
    const first = await hansa(dir, ['translate', '--provider', 'copy', '--to', 'en']);
    expect(first.code, first.stderr).toBe(0);
    expect((await feedOf(dir, 'en')).items.map((item) => item.id)).toContain(`en/${targi}`);
    // Files in dist/ that Hansa did not write stay, whatever their name.
    await writeFile(path.join(dir, 'dist/en/partner-note.md'), '---\ntitle: Ours\n---\n\nWritten by the partner site.\n');
    await writeFile(path.join(dir, 'dist/en/plain.md'), 'No frontmatter at all.\n');
    const before = await filesBelow(path.join(dir, 'dist/en'));

    await rm(path.join(dir, 'content/pl', targi));
    const built = await hansa(dir, ['build', '--to', 'en']);
    expect(built.code, built.stderr).toBe(0);
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(before.filter((file) => file !== targi));
    const ids = (await feedOf(dir, 'en')).items.map((item) => item.id);
    expect(ids).not.toContain(`en/${targi}`);
    expect(ids.length).toBeGreaterThan(0);
    // The translator's work on it stays: it is memory for other articles.
    expect(await filesBelow(path.join(dir, 'translations/en'))).toContain(targi.replace(/\.md$/, '.xlf'));
  });

  it('keeps the translation of a source that exists but cannot be read this time', async () => {
    const dir = await sampleProject();
    expect((await hansa(dir, ['translate', '--provider', 'copy', '--to', 'en'])).code).toBe(0);
    await writeFile(path.join(dir, 'content/pl', targi), '---\ntitle: [broken\n---\n\nTekst.\n');
    const built = await hansa(dir, ['build', '--to', 'en']);
    expect(built.code).toBe(2);
    expect(await filesBelow(path.join(dir, 'dist/en'))).toContain(targi);
  });

  it('pruneDeleted removes only Hansa articles outside `keep`, and the folders it empties', async () => {
    const dir = await emptyProject();
    const project = { cwd: dir, config: defaultConfig() };
    const hansaArticle = (source: string): string => `---\nlang: en\ntranslationOf: content/pl/${source}\n---\n\nText.\n`;
    await mkdir(path.join(dir, 'dist/en/gone/deeper'), { recursive: true });
    await mkdir(path.join(dir, 'dist/en/kept'), { recursive: true });
    await writeFile(path.join(dir, 'dist/en/gone/deeper/a.md'), hansaArticle('gone/deeper/a.md'));
    await writeFile(path.join(dir, 'dist/en/kept/b.md'), hansaArticle('kept/b.md'));
    await writeFile(path.join(dir, 'dist/en/kept/c.md'), hansaArticle('kept/c.md'));
    await writeFile(path.join(dir, 'dist/en/kept/own.md'), '---\ntitle: x\n---\n');
    const removed = await pruneDeleted(project, 'en', emptyState('test'), new Set(['kept/b.md']), await listArticles(project, 'en'));
    expect(removed.sort()).toEqual(['dist/en/gone/deeper/a.md', 'dist/en/kept/c.md']);
    expect(await filesBelow(path.join(dir, 'dist'))).toEqual(['en/kept/b.md', 'en/kept/own.md']);
    expect(await pruneDeleted(project, 'sv', emptyState('test'), new Set(), await listArticles(project, 'sv'))).toEqual([]);
  });
});

describe('translationStatus of articles with nothing to translate', () => {
  it('publishes an empty or code-only article as complete, not reviewed', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/empty.md'), '');
    await writeFile(path.join(dir, 'content/pl/code-only.md'), '---\ndate: 2024-01-01\n---\n\n```\nkod\n```\n');
    await writeFile(path.join(dir, 'hansa.config.json'), '{"sourceLanguage":"pl","targetLanguages":["en"]}');
    const built = await hansa(dir, ['build']);
    expect(built.code, built.stderr).toBe(0);
    for (const file of ['empty.md', 'code-only.md']) {
      expect(frontmatterOf(await readFile(path.join(dir, 'dist/en', file), 'utf8'))['translationStatus'], file).toBe('complete');
    }
    expect((await feedOf(dir, 'en')).items.map((item) => item._hansa.translationStatus)).toEqual(['complete', 'complete']);
  });
});
