/**
 * The memory of one language (`pipeline/language-memory.ts`), built from files of a
 * project on disk: segment files, a TMX memory, the retired file.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import type { SegmentFile } from '../../src/formats/types.js';
import { extractDocument } from '../../src/markdown/index.js';
import { loadLanguageMemory, segmentFileEntries } from '../../src/pipeline/language-memory.js';
import type { Project } from '../../src/pipeline/project.js';
import { draftFile, updateSegments } from '../../src/pipeline/store.js';

const sentence = 'Zapraszamy młodzież na warsztaty.';

function tmx(source: string, target: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="pl" datatype="plaintext"/><body><tu><tuv xml:lang="pl"><seg>${source}</seg></tuv><tuv xml:lang="en"><seg>${target}</seg></tuv></tu></body></tmx>\n`;
}

async function newProject(): Promise<Project> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'hansa-memory-'));
  return { cwd, config: configSchema.parse({ targetLanguages: ['en'] }) };
}

function segmentFile(file: string, text: string, translate: (source: string) => { target: string; state: 'initial' | 'translated' | 'reviewed' } | undefined): SegmentFile {
  const draft = draftFile(extractDocument(text), { original: `content/pl/${file}`, sourceLanguage: 'pl', targetLanguage: 'en' });
  return updateSegments(draft, (segment) => {
    const translation = translate(segment.source);
    return translation === undefined ? segment : { ...segment, ...translation, origin: 'human' };
  });
}

describe('loadLanguageMemory', () => {
  it('remembers the translations of the segment files given, never a draft', async () => {
    const project = await newProject();
    const files = [
      segmentFile('a.md', `# Warsztaty\n\n${sentence}\n`, (source) => (source === sentence ? { target: 'We invite young people to workshops.', state: 'reviewed' } : undefined)),
      segmentFile('b.md', '# Nabór\n', () => ({ target: 'Recruitment (draft)', state: 'initial' })),
    ];
    const memory = await loadLanguageMemory(project, 'en', { entries: segmentFileEntries(files), retired: [] });
    expect(memory.lookup({ source: sentence })[0]).toMatchObject({ kind: 'exact', target: 'We invite young people to workshops.', state: 'reviewed', origin: 'human' });
    expect(memory.lookup({ source: sentence, document: 'content/pl/a.md', previous: 'Warsztaty' })[0]?.kind).toBe('in-context');
    expect(memory.lookup({ source: 'Nabór' })).toEqual([]);
  });

  it('remembers the project\'s TMX files, the retired file and what this run retires', async () => {
    const project = await newProject();
    await mkdir(path.join(project.cwd, 'memory'), { recursive: true });
    await writeFile(path.join(project.cwd, 'memory/old.tmx'), tmx(sentence, 'We invite young people to workshops.'));
    await mkdir(path.join(project.cwd, 'translations/en'), { recursive: true });
    await writeFile(path.join(project.cwd, 'translations/en/retired.tmx'), tmx('Nabór trwa.', 'Recruitment is open.'));
    const retired = [{ id: 'x', source: 'Zapisy trwają.', codes: [], target: 'Registration is open.', state: 'reviewed' as const, origin: 'human' }];
    const memory = await loadLanguageMemory(project, 'en', { entries: [], retired });
    expect(memory.lookup({ source: sentence })[0]).toMatchObject({ target: 'We invite young people to workshops.', origin: 'tm:import' });
    expect(memory.lookup({ source: 'Nabór trwa.' })[0]?.target).toBe('Recruitment is open.');
    expect(memory.lookup({ source: 'Zapisy trwają.' })[0]).toMatchObject({ target: 'Registration is open.', origin: 'human' });
  });

  it('refuses a memory file in another encoding than it names, at its line', async () => {
    const project = await newProject();
    await mkdir(path.join(project.cwd, 'memory'), { recursive: true });
    await writeFile(path.join(project.cwd, 'memory/latin.tmx'), Buffer.from(tmx('Zażółć', 'x'), 'latin1'));
    await expect(loadLanguageMemory(project, 'en', { entries: [], retired: [] })).rejects.toMatchObject({ file: 'memory/latin.tmx' });
  });
});
