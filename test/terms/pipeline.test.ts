import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDocument, plainText } from '../../src/markdown/index.js';
import { hansa, sampleProject } from '../helpers/cli.js';

const article = 'aktualnosci/2021-11-10-europejski-lider.md';

async function projectWithGlossary(): Promise<string> {
  const dir = await sampleProject();
  await cp(path.resolve('glossary'), path.join(dir, 'glossary'), { recursive: true });
  return dir;
}

async function segmentContaining(dir: string, words: string): Promise<{ id: string; source: string }> {
  const source = await readFile(path.join(dir, 'content/pl', article), 'utf8');
  const segment = extractDocument(source).segments.find((candidate) => plainText(candidate.source).includes(words));
  if (segment === undefined) throw new Error(`no segment with ${words}`);
  return segment;
}

describe('terminology in the pipeline', () => {
  it('reports the glossary hits of every segment in the JSON summary', async () => {
    const dir = await projectWithGlossary();
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { files: { file: string; terms: { term: string; text: string }[] }[]; findings: unknown[] };
    const sample = summary.files.find((file) => file.file === `content/pl/${article}`);
    expect(sample?.terms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ term: 'doradztwo zawodowe', text: 'doradztwa zawodowego' }),
        expect.objectContaining({ term: 'Centrum Rozwoju Talentów', text: 'Centrum Rozwoju Talentów' }),
        expect.objectContaining({ term: 'Gdański Urząd Pracy', text: 'Gdańskiego Urzędu Pracy' }),
      ]),
    );
    // Pseudo output is not a translation: it is never held to the glossary.
    expect(summary.findings).toEqual([]);
  });

  it('checks translations from memory against the glossary and warns without failing the run', async () => {
    const dir = await projectWithGlossary();
    const segment = await segmentContaining(dir, 'doradztwa zawodowego');
    // A translation memory of the project (memory/*.tmx) whose translation misses the term.
    const tmx = (target: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="pl" datatype="plaintext"/><body><tu><tuv xml:lang="pl"><seg>${segment.source}</seg></tuv><tuv xml:lang="en"><seg>${target}</seg></tuv></tu></body></tmx>\n`;
    await mkdir(path.join(dir, 'memory'), { recursive: true });
    const bad = 'It is an honour to share our experience and spread the idea of modern career advice around the world.';
    await writeFile(path.join(dir, 'memory/old.tmx'), tmx(bad));
    const result = await hansa(dir, ['translate', '--to', 'en', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^content\/pl\/aktualnosci\/2021-11-10-europejski-lider\.md: warning: the glossary term "doradztwo zawodowe" is not translated as the glossary says \(expected: career guidance/m);
    const output = await readFile(path.join(dir, 'dist/en', article), 'utf8');
    expect(output).toContain(bad);

    // A fresh project state (no segment files yet) with a memory that keeps the term.
    await rm(path.join(dir, 'translations'), { recursive: true });
    const good = 'It is an honour to share our experience and spread the idea of modern career guidance around the world.';
    await writeFile(path.join(dir, 'memory/old.tmx'), tmx(good));
    const again = await hansa(dir, ['translate', '--to', 'en', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ findings: [] });
  });
});
