/** The translation memory in a run: every segment file of the language counts, not only the run's. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf } from '../../src/formats/types.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { emptyProject, hansa } from '../helpers/cli.js';

const sentence = 'Centrum Rozwoju Talentów zaprasza młodzież na warsztaty.';
const english = 'The Talent Development Centre invites young people to workshops.';

async function project(): Promise<string> {
  const dir = await emptyProject();
  const content = path.join(dir, 'content/pl');
  await mkdir(content, { recursive: true });
  await writeFile(path.join(content, 'a.md'), `# Warsztaty\n\n${sentence} Zapisy trwają.\n`);
  await writeFile(path.join(content, 'b.md'), `# Nabór\n\nPierwsze zdanie. ${sentence}\n`);
  expect((await hansa(dir, ['extract', '--to', 'en'])).code).toBe(0);
  // A translator reviews the sentence in a.md's segment file.
  const file = path.join(dir, 'translations/en/a.xlf');
  const store = readXliff2(await readFile(file, 'utf8'), file);
  await writeFile(file, writeXliff2(updateSegments(store, (segment) => (segment.source === sentence ? { ...segment, target: english, state: 'reviewed', origin: 'human' } : segment))));
  return dir;
}

async function targetIn(dir: string, name: string): Promise<{ target?: string; origin?: string } | undefined> {
  const file = path.join(dir, 'translations/en', name);
  return segmentsOf(readXliff2(await readFile(file, 'utf8'), file)).find((segment) => segment.source === sentence);
}

describe('memory across segment files', () => {
  it('serves a run of one file from the segment files of the others', async () => {
    const dir = await project();
    expect((await hansa(dir, ['translate', 'b.md', '--to', 'en'])).code).toBe(0);
    expect(await targetIn(dir, 'b.xlf')).toMatchObject({ target: english, origin: 'tm:exact' });
  });

  it('keeps the translations of a deleted article as memory', async () => {
    const dir = await project();
    await rm(path.join(dir, 'content/pl/a.md'));
    await rm(path.join(dir, 'translations/en/b.xlf'));
    expect((await hansa(dir, ['translate', '--to', 'en'])).code).toBe(0);
    expect(await targetIn(dir, 'b.xlf')).toMatchObject({ target: english, origin: 'tm:exact' });
    // The deleted article's segment file is left as it was: a person's work is not removed.
    expect(await targetIn(dir, 'a.xlf')).toMatchObject({ target: english, origin: 'human' });
  });

  it('takes a deleted article out of dist/ and the feed at the next full run, not at a partial one', async () => {
    const dir = await project();
    expect((await hansa(dir, ['translate', '--to', 'en'])).code).toBe(0);
    await rm(path.join(dir, 'content/pl/a.md'));
    expect((await hansa(dir, ['translate', 'b.md', '--to', 'en'])).code).toBe(0);
    expect(await readFile(path.join(dir, 'dist/en/a.md'), 'utf8')).toContain('translationOf: content/pl/a.md');
    expect((await hansa(dir, ['translate', '--to', 'en'])).code).toBe(0);
    await expect(readFile(path.join(dir, 'dist/en/a.md'), 'utf8')).rejects.toThrow(/ENOENT/);
    const feed = JSON.parse(await readFile(path.join(dir, 'dist/en/index.json'), 'utf8')) as { items: { id: string }[] };
    expect(feed.items.map((item) => item.id)).toEqual(['en/b.md']);
  });
});
