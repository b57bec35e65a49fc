import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors/index.js';
import { extractContext, extractProject } from '../../src/pipeline/extract.js';
import { cachedDocumentPath } from '../../src/pipeline/extract-file.js';
import { emptyProject, filesBelow } from '../helpers/cli.js';

describe('extractProject with named files', () => {
  it('refuses a file that steps out of the content folder, before reading or writing anything', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), 'Ala ma kota.\n');
    const project = { cwd: dir, config: { ...defaultConfig(), workers: 1 } };
    for (const file of ['../../content/pl/a.md', '../pl/a.md', 'x/../../pl/a.md', '..', '.', path.join(dir, 'content/pl/a.md')]) {
      const error = await extractProject(project, { files: [file] }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, file).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: 'file_outside_content', file, data: { file, root: 'content/pl' } });
    }
    expect(await filesBelow(dir)).toEqual(['content/pl/a.md']);
  });

  it('takes a path that stays inside in its plain form', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl/x'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), 'Ala ma kota.\n');
    const run = await extractProject({ cwd: dir, config: { ...defaultConfig(), workers: 1 } }, { files: ['x/../a.md', './a.md'] });
    expect(run.outcomes.map((outcome) => [outcome.file, outcome.ok])).toEqual([['a.md', true]]);
  });
});

describe('extractProject on one thread', () => {
  it('writes documents in batches: every file is extracted, and one whose document cannot be written fails alone, naming the cache file', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    // More files than one batch holds, so the failing one sits in a batch with others and batches follow it.
    const names = Array.from({ length: 70 }, (_, index) => `a${String(index).padStart(2, '0')}.md`);
    for (const [index, name] of names.entries()) await writeFile(path.join(dir, 'content/pl', name), `# Tytuł ${index}\n\nAla ma kota numer ${index}. Kot ma Alę.\n`);
    const project = { cwd: dir, config: { ...defaultConfig(), workers: 1 } };
    const blocked = 'a40.md';
    const hash = createHash('sha256').update(await readFile(path.join(dir, 'content/pl', blocked))).digest('hex');
    // A folder where the document should go: the rename into place fails.
    const target = cachedDocumentPath(extractContext(project), hash);
    await mkdir(path.join(target, 'in-the-way'), { recursive: true });

    const progress: number[] = [];
    const run = await extractProject(project, { onProgress: ({ done }) => progress.push(done) });
    expect(run.outcomes.map((outcome) => outcome.file)).toEqual(names);
    const failed = run.outcomes.filter((outcome) => !outcome.ok);
    expect(failed).toEqual([{ file: blocked, ok: false, error: expect.objectContaining({ code: 'io_error' }) }]);
    expect(progress.at(-1)).toBe(names.length);
    for (const name of names.filter((name) => name !== blocked)) expect((await run.load(name)).segments.map((segment) => segment.source)[0]).toMatch(/^Tytuł \d+$/);

    // Once the way is clear, the next run extracts the failed file and only it.
    await rm(target, { recursive: true });
    const again = await extractProject(project);
    expect(again.parsed).toBe(1);
    expect(again.outcomes.every((outcome) => outcome.ok)).toBe(true);
  });
});
