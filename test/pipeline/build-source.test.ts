import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors/index.js';
import { writeXliff2 } from '../../src/formats/xliff2.js';
import { extractDocument } from '../../src/markdown/index.js';
import { buildProject, publication, writeArticle } from '../../src/pipeline/build.js';
import type { Project } from '../../src/pipeline/project.js';
import { filled, readSegmentFile, segmentFilePath, updateSegments } from '../../src/pipeline/store.js';
import { translateProject } from '../../src/pipeline/translate.js';
import { emptyProject } from '../helpers/cli.js';

const before = '# Tytuł artykułu o targach pracy\n\nPierwsze zdanie. Drugie zdanie.\n';
const after = '# Tytuł\n\nNowy wstęp.\n\nPierwsze zdanie. Drugie zdanie.\n';
/** A fixed modification time: the edit below keeps it, as `cp -p`, `rsync -t` or `tar x` do. */
const mtime = 1_700_000_000;

/** A project whose one article is extracted and translated ("EN " before each sentence) in en. */
async function translatedProject(): Promise<{ project: Project; source: string }> {
  const dir = await emptyProject();
  const source = path.join(dir, 'content/pl/a.md');
  await mkdir(path.dirname(source), { recursive: true });
  await writeFile(source, before);
  await utimes(source, mtime, mtime);
  const project: Project = { cwd: dir, config: { ...defaultConfig(), targetLanguages: ['en'], workers: 1 } };
  const extracted = await translateProject(project, { mode: 'extract' });
  expect(extracted.errors).toEqual([]);
  const xlf = segmentFilePath(project, 'en', 'a.md');
  const file = await readSegmentFile(xlf, 'translations/en/a.xlf');
  if (file === undefined) throw new Error('no segment file');
  await writeFile(xlf, writeXliff2(updateSegments(file, (segment) => filled(segment, { target: `EN ${segment.source}`, origin: 'human' }))));
  return { project, source };
}

/** Change the article without changing its size or modification time. */
async function editKeepingSizeAndTime(source: string): Promise<void> {
  const padding = Buffer.byteLength(before) - Buffer.byteLength(after);
  expect(padding).toBeGreaterThan(0);
  await writeFile(source, after + '\n'.repeat(padding));
  await utimes(source, mtime, mtime);
}

describe('build and a source that is not the one its extraction was made from', () => {
  it('extracts it again instead of splicing at stale offsets', async () => {
    const { project, source } = await translatedProject();
    await editKeepingSizeAndTime(source);
    // The extraction cache takes the file by size and time: its offsets are those of `before`.
    const summary = await buildProject(project);
    expect(summary.errors).toEqual([]);
    const output = await readFile(path.join(project.cwd, 'dist/en/a.md'), 'utf8');
    const body = output.slice(output.indexOf('\n---\n') + 5);
    expect(body).toBe(`\n# Tytuł\n\nNowy wstęp.\n\nEN Pierwsze zdanie. EN Drugie zdanie.\n${'\n'.repeat(Buffer.byteLength(before) - Buffer.byteLength(after))}`);
    const sourceHash = /^sourceHash: (\S+)$/m.exec(output)?.[1];
    expect(sourceHash).toBe(extractDocument(await readFile(source, 'utf8')).sourceHash);
  });

  it('writeArticle refuses a document whose source changed, and writes nothing', async () => {
    const { project, source } = await translatedProject();
    const stale = extractDocument(before);
    await writeFile(source, after);
    const written = writeArticle(project, {
      lang: 'en',
      file: 'a.md',
      sourcePath: 'content/pl/a.md',
      document: stale,
      publication: publication(stale, undefined, { minState: 'translated', fallback: 'machine' }),
    });
    await expect(written).rejects.toBeInstanceOf(InputError);
    await expect(written).rejects.toMatchObject({ code: 'source_changed', file: 'content/pl/a.md' });
    expect(existsSync(path.join(project.cwd, 'dist/en/a.md'))).toBe(false);
  });
});
