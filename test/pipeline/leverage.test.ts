/**
 * The leverage stage (`pipeline/leverage.ts`): segment files read from a project on disk,
 * the locale resources through the real tag translator, a real memory index.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import { segmentsOf, type StoreSegment } from '../../src/formats/types.js';
import { extractDocument, plainText, type Segment } from '../../src/markdown/index.js';
import { MemoryIndex } from '../../src/memory/tm.js';
import { leverage } from '../../src/pipeline/leverage.js';
import type { Project } from '../../src/pipeline/project.js';
import { readLanguageStores, type LanguageStore } from '../../src/pipeline/store-file.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { loadTagTranslator, type TagTranslator } from '../../src/pipeline/tags.js';

const sources = {
  'a.md': '---\ntags: [praca, nowy tag]\n---\n# Warsztaty\n\nZapraszamy młodzież na warsztaty. Zapisy trwają do piątku.\n',
  'b.md': '# Nabór\n\nZapisy trwają do piątku. Zapraszamy młodzież na zajęcia.\n',
};

async function setUp(): Promise<{ project: Project; stores: LanguageStore[]; tags: TagTranslator }> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'hansa-leverage-'));
  await mkdir(path.join(cwd, 'locales/en'), { recursive: true });
  await writeFile(path.join(cwd, 'locales/en/content.json'), JSON.stringify({ tags: { praca: 'work' } }));
  const project: Project = { cwd, config: configSchema.parse({ targetLanguages: ['en'] }) };
  const documents = Object.entries(sources).map(([file, text]) => ({ file, sourcePath: `content/pl/${file}`, document: extractDocument(text) }));
  const stores = await readLanguageStores(project, 'en', documents, { errors: [] });
  return { project, stores, tags: await loadTagTranslator(cwd, ['en']) };
}

function sourceOf(stores: readonly LanguageStore[], words: string): Segment {
  const found = stores.flatMap((store) => store.document.segments).find((segment) => plainText(segment.source) === words);
  if (found === undefined) throw new Error(`no segment ${words}`);
  return found;
}

function memoryOf(...entries: Parameters<MemoryIndex['add']>[0][]): MemoryIndex {
  const memory = new MemoryIndex({ sourceLanguage: 'pl', targetLanguage: 'en' });
  for (const entry of entries) memory.add(entry);
  return memory;
}

function edited(store: LanguageStore, source: string, change: Partial<StoreSegment>): LanguageStore {
  return { ...store, current: updateSegments(store.current, (segment) => (segment.source === source ? { ...segment, ...change } : segment)) };
}

describe('leverage', () => {
  it('takes tags from the locale resources and sends the rest on, each distinct source once', async () => {
    const { stores, tags } = await setUp();
    const result = leverage(stores, { lang: 'en', tags, memory: memoryOf(), fuzzyThreshold: 75 });
    expect([...result.accepted.entries()]).toEqual([[sourceOf(stores, 'praca').id, { target: 'work', origin: 'locale' }]]);
    expect(result.leveraged).toBe(1);
    const distinct = new Set(stores.flatMap((store) => store.document.segments.map((segment) => segment.id)));
    expect(result.pending.size).toBe(distinct.size - 1);
    expect(result.pending.has(sourceOf(stores, 'nowy tag').id)).toBe(true);
    expect(result.fuzzy.size).toBe(0);
  });

  it('does not count a tag that already reads as the resources say', async () => {
    const { stores, tags } = await setUp();
    const tag = sourceOf(stores, 'praca');
    const [first, ...rest] = stores;
    const result = leverage([edited(first!, tag.source, { target: 'work', state: 'translated', origin: 'locale' }), ...rest], { lang: 'en', tags, memory: memoryOf(), fuzzyThreshold: 75 });
    expect(result.accepted.has(tag.id)).toBe(false);
    expect(result.pending.has(tag.id)).toBe(false);
  });

  it('serves exact and in-context memory matches, keeps a machine origin, and makes fuzzy ones suggestions', async () => {
    const { stores, tags } = await setUp();
    const [first] = stores;
    const inFile = segmentsOf(first!.current);
    const registration = sourceOf(stores, 'Zapisy trwają do piątku.');
    const index = inFile.findIndex((segment) => segment.source === registration.source);
    const memory = memoryOf(
      { source: 'Warsztaty', target: 'Workshops', state: 'reviewed', origin: 'human' },
      { source: 'Nabór', target: 'Recruitment', state: 'translated', origin: 'mt:deepl' },
      { source: registration.source, target: 'Registration runs until Friday.', state: 'reviewed', origin: 'human', document: 'content/pl/a.md', previous: inFile[index - 1]?.source, next: inFile[index + 1]?.source },
      { source: 'Zapraszamy młodzież na warsztaty.', target: 'We invite young people to workshops.', state: 'reviewed', origin: 'human' },
    );
    const result = leverage(stores, { lang: 'en', tags, memory, fuzzyThreshold: 75 });
    expect(result.accepted.get(sourceOf(stores, 'Warsztaty').id)).toEqual({ target: 'Workshops', origin: 'tm:exact' });
    expect(result.accepted.get(sourceOf(stores, 'Nabór').id)).toEqual({ target: 'Recruitment', origin: 'mt:deepl' });
    expect(result.accepted.get(registration.id)).toEqual({ target: 'Registration runs until Friday.', origin: 'tm:in-context' });
    const classes = sourceOf(stores, 'Zapraszamy młodzież na zajęcia.');
    expect(result.pending.has(classes.id)).toBe(true);
    expect(result.fuzzy.get(classes.id)?.[0]).toMatchObject({ kind: 'fuzzy', target: 'We invite young people to workshops.' });
    expect(result.leveraged).toBe(result.accepted.size);
  });

  it('never looks up a segment a person translated', async () => {
    const { stores, tags } = await setUp();
    const heading = sourceOf(stores, 'Warsztaty');
    const [first, ...rest] = stores;
    const memory = memoryOf({ source: 'Warsztaty', target: 'Workshops', state: 'reviewed', origin: 'human' });
    const result = leverage([edited(first!, heading.source, { target: 'Hands-on sessions', state: 'reviewed', origin: 'human' }), ...rest], { lang: 'en', tags, memory, fuzzyThreshold: 75 });
    expect(result.accepted.has(heading.id)).toBe(false);
    expect(result.pending.has(heading.id)).toBe(false);
  });
});
