/** What translators send back is kept: drafts, corrections of reviewed text, their notes. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf, type SegmentFile } from '../../src/formats/types.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { emptyProject, hansa } from '../helpers/cli.js';

const first = 'Centrum Rozwoju Talentów zaprasza młodzież na warsztaty.';
const second = 'Zapisy trwają do piątku.';

async function project(): Promise<{ dir: string; file: string }> {
  const dir = await emptyProject();
  await mkdir(path.join(dir, 'content/pl'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl/a.md'), `# Warsztaty\n\n${first} ${second}\n`);
  expect((await hansa(dir, ['extract', '--to', 'en'])).code).toBe(0);
  return { dir, file: path.join(dir, 'translations/en/a.xlf') };
}

async function read(file: string): Promise<SegmentFile> {
  return readXliff2(await readFile(file, 'utf8'), file);
}

describe('translators’ work', () => {
  it('imports a draft into an open segment, and keeps a correction of a reviewed one beside it', async () => {
    const { dir, file } = await project();
    const store = await read(file);
    await writeFile(file, writeXliff2(updateSegments(store, (s) => (s.source === first ? { ...s, target: 'The Centre invites young people to workshops.', state: 'reviewed', origin: 'human' } : s))));
    // The translator's copy: a draft for the open sentence, another text for the reviewed one.
    const copy = updateSegments(await read(file), (s) =>
      s.source === second ? { ...s, target: 'Registration is open until', state: 'initial' } : s.source === first ? { ...s, target: 'The Centre invites youth to workshops.', state: 'reviewed' } : s,
    );
    await writeFile(path.join(dir, 'copy.xlf'), writeXliff2(copy));
    const result = await hansa(dir, ['import', 'copy.xlf']);
    expect(result.code).toBe(0);
    const after = segmentsOf(await read(file));
    expect(after.find((s) => s.source === second)).toMatchObject({ target: 'Registration is open until', state: 'initial', origin: 'human' });
    const reviewed = after.find((s) => s.source === first);
    expect(reviewed).toMatchObject({ target: 'The Centre invites young people to workshops.', state: 'reviewed' });
    expect(reviewed?.suggestions?.map((suggestion) => suggestion.target)).toContain('The Centre invites youth to workshops.');
  });

  it('keeps a translator’s note through translate and import, and refreshes its own', async () => {
    const { dir, file } = await project();
    const store = await read(file);
    const withNote: SegmentFile = { ...store, units: store.units.map((unit, index) => (index === 1 ? { ...unit, notes: [...(unit.notes ?? []), { category: 'translator', text: 'Ask the client about "warsztaty".' }] } : unit)) };
    await writeFile(file, writeXliff2(withNote));
    expect((await hansa(dir, ['translate', '--to', 'en'])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('Ask the client about');
    await writeFile(path.join(dir, 'copy.xlf'), writeXliff2(updateSegments(await read(file), (s) => (s.source === second ? { ...s, target: 'Registration closes on Friday.', state: 'translated' } : s))));
    expect((await hansa(dir, ['import', 'copy.xlf'])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('Ask the client about');
  });

  it('does not count tags already translated as work on a rerun', async () => {
    const { dir } = await project();
    await writeFile(path.join(dir, 'content/pl/b.md'), '---\ntitle: Nabór\ntags:\n  - Aktualności\n---\n\nTekst.\n');
    const run = async (): Promise<number> => {
      const result = await hansa(dir, ['translate', '--to', 'en', '--json']);
      return (JSON.parse(result.stdout) as { languages: { translated: number }[] }).languages[0]?.translated ?? -1;
    };
    expect(await run()).toBeGreaterThan(0);
    expect(await run()).toBe(0);
  });

  it('imports a TMX that names its DTD, as CAT tools write it', async () => {
    const { dir, file } = await project();
    await writeFile(
      path.join(dir, 'tool.tmx'),
      `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="6" segtype="sentence" o-tmf="OmegaT" adminlang="EN-US" srclang="pl-PL" datatype="plaintext"/><body><tu><tuv xml:lang="pl-PL"><seg>${second}</seg></tuv><tuv xml:lang="en-GB"><seg>Registration runs until Friday.</seg></tuv></tu></body></tmx>\n`,
    );
    expect((await hansa(dir, ['import', 'tool.tmx'])).code).toBe(0);
    expect(segmentsOf(await read(file)).find((s) => s.source === second)).toMatchObject({ target: 'Registration runs until Friday.', origin: 'tm:exact' });
  });
});
