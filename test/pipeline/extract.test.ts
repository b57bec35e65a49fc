import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors/index.js';
import { extractProject } from '../../src/pipeline/extract.js';
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
