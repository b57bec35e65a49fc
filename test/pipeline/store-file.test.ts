/**
 * Reading and writing one language's segment files in a run (`pipeline/store-file.ts`),
 * on a project on disk, with a person saving a file while the run works.
 */
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import type { Finding } from '../../src/errors/index.js';
import { segmentsOf, type StoreSegment } from '../../src/formats/types.js';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { extractDocument } from '../../src/markdown/index.js';
import { fillOpen } from '../../src/pipeline/fill.js';
import type { Project } from '../../src/pipeline/project.js';
import { documentOfSegments, readLanguageStores, storeSegmentFile } from '../../src/pipeline/store-file.js';
import { updateSegments } from '../../src/pipeline/store.js';

const heading = 'Warsztaty';
const sentence = 'Zapraszamy młodzież na warsztaty.';

async function setUp(): Promise<{ project: Project; documents: { file: string; sourcePath: string; document: ReturnType<typeof extractDocument> }[] }> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'hansa-store-'));
  const project: Project = { cwd, config: configSchema.parse({ targetLanguages: ['en'] }) };
  const documents = [
    { file: 'a.md', sourcePath: 'content/pl/a.md', document: extractDocument(`# ${heading}\n\n${sentence}\n`) },
    { file: 'b.md', sourcePath: 'content/pl/b.md', document: extractDocument(`# Nabór\n\n${sentence}\n`) },
  ];
  return { project, documents };
}

const noRetire = (): Promise<boolean> => Promise.resolve(true);

describe('readLanguageStores', () => {
  it('reads each document\'s segment file (a draft when there is none) and reports an unreadable one', async () => {
    const { project, documents } = await setUp();
    await mkdir(path.join(project.cwd, 'translations/en'), { recursive: true });
    await writeFile(path.join(project.cwd, 'translations/en/b.xlf'), '<xliff version="2.1"><file');
    const errors: Finding[] = [];
    const stores = await readLanguageStores(project, 'en', documents, { errors });
    expect(stores.map((store) => [store.file, store.exists, store.display])).toEqual([['a.md', false, 'translations/en/a.xlf']]);
    expect(errors).toEqual([expect.objectContaining({ severity: 'error', file: 'translations/en/b.xlf', lang: 'en' })]);
  });
});

describe('documentOfSegments', () => {
  it('names the first document that has a segment', async () => {
    const { project, documents } = await setUp();
    const stores = await readLanguageStores(project, 'en', documents, { errors: [] });
    const documentOf = documentOfSegments(stores);
    const shared = documents[1]!.document.segments.find((segment) => segment.source === sentence)!;
    const own = documents[1]!.document.segments.find((segment) => segment.source === 'Nabór')!;
    expect(documentOf(shared.id)).toBe('content/pl/a.md');
    expect(documentOf(own.id)).toBe('content/pl/b.md');
    expect(documentOf('nope')).toBeUndefined();
  });
});

describe('storeSegmentFile', () => {
  const machine = (id: string): Map<string, { target: string; origin: string }> => new Map([[id, { target: 'We invite young people to workshops.', origin: 'mt:deepl' }]]);

  it('writes the completed file, and leaves an unchanged one untouched', async () => {
    const { project, documents } = await setUp();
    const [store] = await readLanguageStores(project, 'en', documents.slice(0, 1), { errors: [] });
    const id = documents[0]!.document.segments.find((segment) => segment.source === sentence)!.id;
    const findings: Finding[] = [];
    const written = await storeSegmentFile(store!, (current) => fillOpen(current, machine(id), new Map()), { project, findings, lang: 'en', retire: noRetire });
    const onDisk = await readFile(store!.absolute, 'utf8');
    expect(onDisk).toBe(writeXliff2(written!));
    expect(segmentsOf(readXliff2(onDisk, 'a.xlf')).find((segment) => segment.source === sentence)).toMatchObject({ target: 'We invite young people to workshops.', state: 'translated' });
    const before = await stat(store!.absolute);
    const [again] = await readLanguageStores(project, 'en', documents.slice(0, 1), { errors: [] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await storeSegmentFile(again!, (current) => fillOpen(current, machine(id), new Map()), { project, findings, lang: 'en', retire: noRetire });
    expect((await stat(store!.absolute)).mtimeMs).toBe(before.mtimeMs);
    expect(findings).toEqual([]);
  });

  it('reads a file saved during the run again, keeps the person\'s edits and says so', async () => {
    const { project, documents } = await setUp();
    const [store] = await readLanguageStores(project, 'en', documents.slice(0, 1), { errors: [] });
    const id = documents[0]!.document.segments.find((segment) => segment.source === sentence)!.id;
    // A translator saves the file after the run read it (there was none).
    const human = (segment: StoreSegment): StoreSegment => (segment.source === sentence ? { ...segment, target: 'Young people, come to our workshops.', state: 'reviewed', origin: 'human' } : segment);
    await mkdir(path.dirname(store!.absolute), { recursive: true });
    await writeFile(store!.absolute, writeXliff2(updateSegments(store!.current, human)));
    const findings: Finding[] = [];
    const stored = await storeSegmentFile(store!, (current) => fillOpen(current, machine(id), new Map()), { project, findings, lang: 'en', retire: noRetire });
    expect(segmentsOf(stored!).find((segment) => segment.source === sentence)).toMatchObject({ target: 'Young people, come to our workshops.', state: 'reviewed' });
    expect(await readFile(store!.absolute, 'utf8')).toBe(writeXliff2(stored!));
    expect(findings).toEqual([{ code: 'segment_file_changed', severity: 'warning', file: 'translations/en/a.xlf', lang: 'en', message: expect.any(String) }]);
  });
});
