/** Where `hansa import x.tmx` puts a memory (`memory.importDir`), and that later runs read it. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf } from '../../src/formats/types.js';
import { emptyProject, filesBelow, hansa } from '../helpers/cli.js';

const first = 'Centrum Rozwoju Talentów zaprasza młodzież na warsztaty.';
const second = 'Zapisy trwają do piątku.';
/** A sentence no article has yet when the memory is imported. */
const later = 'Warsztaty odbędą się w sobotę.';

const tmx = `<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="6" segtype="sentence" o-tmf="OmegaT" adminlang="EN-US" srclang="pl-PL" datatype="plaintext"/><body>
<tu><tuv xml:lang="pl-PL"><seg>${second}</seg></tuv><tuv xml:lang="en-GB"><seg>Registration runs until Friday.</seg></tuv></tu>
<tu><tuv xml:lang="pl-PL"><seg>${later}</seg></tuv><tuv xml:lang="en-GB"><seg>The workshops take place on Saturday.</seg></tuv></tu>
</body></tmx>
`;

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(memory: Record<string, unknown>): Promise<string> {
  const dir = await emptyProject();
  scratch.push(dir);
  await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ targetLanguages: ['en'], memory }));
  await mkdir(path.join(dir, 'content/pl'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl/a.md'), `# Warsztaty\n\n${first} ${second}\n`);
  await writeFile(path.join(dir, 'Agency.TMX'), tmx);
  return dir;
}

async function targetOf(dir: string, doc: string, source: string): Promise<{ target?: string; origin?: string } | undefined> {
  const file = path.join(dir, 'translations/en', `${doc}.xlf`);
  return segmentsOf(readXliff2(await readFile(file, 'utf8'), file)).find((segment) => segment.source === source);
}

describe('hansa import x.tmx', () => {
  it('copies the memory into the import folder memory.files covers, never into a folder named after a file glob, and later runs use it', async () => {
    const dir = await project({ files: ['tm.tmx', 'memory/**/*.tmx'] });
    expect((await hansa(dir, ['extract'])).code).toBe(0);
    const imported = await hansa(dir, ['import', 'Agency.TMX']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'tm.tmx'))).toBe(false);
    expect(await readFile(path.join(dir, 'memory/Agency.tmx'), 'utf8')).toBe(tmx);
    expect(await targetOf(dir, 'a', second)).toMatchObject({ target: 'Registration runs until Friday.', origin: 'tm:exact' });

    // A sentence written after the import is translated from the imported memory.
    await writeFile(path.join(dir, 'content/pl/b.md'), `${later}\n`);
    const translated = await hansa(dir, ['translate', '--provider', 'memory']);
    expect(translated.code, translated.stderr).toBe(0);
    expect(await targetOf(dir, 'b', later)).toMatchObject({ target: 'The workshops take place on Saturday.', origin: 'tm:exact' });
  });

  it('uses memory.importDir when set', async () => {
    const dir = await project({ files: ['shared/tm/*.tmx'], importDir: 'shared/tm' });
    expect((await hansa(dir, ['extract'])).code).toBe(0);
    expect((await hansa(dir, ['import', 'Agency.TMX'])).code).toBe(0);
    expect(await filesBelow(path.join(dir, 'shared'))).toEqual(['tm/Agency.tmx']);
  });

  it('refuses to import a memory that memory.files would never read, before writing anything', async () => {
    const dir = await project({ files: ['tm.tmx'] });
    const result = await hansa(dir, ['import', 'Agency.TMX']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('memory.files');
    expect(result.stderr).toContain('memory/**/*.tmx');
    expect(await filesBelow(dir)).toEqual(['Agency.TMX', 'content/pl/a.md', 'hansa.config.json']);
  });
});
