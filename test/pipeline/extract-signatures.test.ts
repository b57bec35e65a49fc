/**
 * `.hansa/extract/words.bin`: the word signatures of the extracted documents. The file round
 * trips; one cut short, garbled or made for something else is a miss (a warning when it is
 * damaged); records of sources gone are dropped; and a run reads it only when it needs it.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../src/config/index.js';
import { wordSignature } from '../../src/memory/signature.js';
import { extractProject } from '../../src/pipeline/extract.js';
import { parseSignatureFile, SignatureStore, signatureFileBytes, type SignatureFileKey } from '../../src/pipeline/extract-signatures.js';
import { translateProject } from '../../src/pipeline/translate.js';
import { emptyProject } from '../helpers/cli.js';

const key: SignatureFileKey = { key: 'k'.repeat(64), language: 'pl' };
const hashA = 'a'.repeat(64);
const hashB = '0123456789abcdef'.repeat(4);
const hashC = 'c'.repeat(64);

function sampleRecords(): Map<string, Uint32Array | null> {
  return new Map<string, Uint32Array | null>([
    [hashA, Uint32Array.from([1, 7, 0x80000000, 0xfffffffe])],
    [hashB, null],
    [hashC, new Uint32Array()],
  ]);
}

/** A file the store reads, with what it told about damage. */
async function openStore(file: string, storeKey = key): Promise<{ store: SignatureStore; damaged: string[] }> {
  const damaged: string[] = [];
  const store = await SignatureStore.open(file, storeKey, (_file, reason) => void damaged.push(reason));
  return { store, damaged };
}

describe('the words.bin format', () => {
  it('round trips records with and without signatures, in a header-led, 4-byte aligned layout', () => {
    const bytes = signatureFileBytes(key, sampleRecords());
    expect(bytes.toString('latin1', 0, 8)).toBe('HANSAWRD');
    expect(bytes.readUInt32LE(12) % 4).toBe(0);
    const read = parseSignatureFile(bytes, key);
    expect(read).toEqual({ status: 'hit', value: sampleRecords() });
    // The same records give the same bytes, whatever their order.
    expect(signatureFileBytes(key, new Map([...sampleRecords()].reverse()))).toEqual(bytes);
  });

  it('reads a file cut short anywhere as damaged', () => {
    const bytes = signatureFileBytes(key, sampleRecords());
    for (let length = 0; length < bytes.length; length++) {
      expect(parseSignatureFile(bytes.subarray(0, length), key).status, `cut at ${length}`).toBe('damaged');
    }
  });

  it('reads a file with any byte garbled as damaged', () => {
    const bytes = signatureFileBytes(key, sampleRecords());
    for (let at = 0; at < bytes.length; at++) {
      const garbled = Buffer.from(bytes);
      garbled[at] = (garbled[at] ?? 0) ^ 0x10;
      expect(parseSignatureFile(garbled, key).status, `byte ${at}`).toBe('damaged');
    }
    expect(parseSignatureFile(Buffer.concat([bytes, Buffer.alloc(4)]), key).status).toBe('damaged');
  });

  it('reads a file made for another extraction key or language as a miss', () => {
    const bytes = signatureFileBytes(key, sampleRecords());
    expect(parseSignatureFile(bytes, { ...key, key: 'other' })).toEqual({ status: 'missing' });
    expect(parseSignatureFile(bytes, { ...key, language: 'tr' })).toEqual({ status: 'missing' });
  });
});

describe('SignatureStore', () => {
  it('saves what it was given and reads it back; a missing file is an empty store without a warning', async () => {
    const dir = await emptyProject();
    const file = path.join(dir, 'extract', 'words.bin');
    const first = await openStore(file);
    expect(first.damaged).toEqual([]);
    for (const [hash, signature] of sampleRecords()) first.store.set(hash, signature);
    await first.store.save(new Set([hashA, hashB, hashC]));
    const again = await openStore(file);
    expect(again.damaged).toEqual([]);
    for (const [hash, signature] of sampleRecords()) expect(again.store.get(hash)).toEqual(signature);
  });

  it('drops the records of sources no longer in the manifest, and writes nothing when nothing changed', async () => {
    const dir = await emptyProject();
    const file = path.join(dir, 'words.bin');
    await writeFile(file, signatureFileBytes(key, sampleRecords()));
    const before = await stat(file);
    const unchanged = await openStore(file);
    unchanged.store.set(hashA, Uint32Array.from([1, 7, 0x80000000, 0xfffffffe]));
    await unchanged.store.save(new Set([hashA, hashB, hashC]));
    expect((await stat(file)).ino).toBe(before.ino);
    const pruned = await openStore(file);
    await pruned.store.save(new Set([hashA]));
    expect(parseSignatureFile(await readFile(file), key)).toEqual({ status: 'hit', value: new Map([[hashA, Uint32Array.from([1, 7, 0x80000000, 0xfffffffe])]]) });
  });

  it('takes a cut short, garbled or unreadable file as empty, with a warning; another key’s without one', async () => {
    const dir = await emptyProject();
    const file = path.join(dir, 'words.bin');
    const bytes = signatureFileBytes(key, sampleRecords());
    for (const damage of [bytes.subarray(0, bytes.length - 3), Buffer.from('garbage, not a signature file')]) {
      await writeFile(file, damage);
      const { store, damaged } = await openStore(file);
      expect(damaged).toHaveLength(1);
      expect(store.get(hashA)).toBeUndefined();
    }
    await mkdir(path.join(dir, 'folder.bin'));
    expect((await openStore(path.join(dir, 'folder.bin'))).damaged).toHaveLength(1);
    await writeFile(file, bytes);
    const other = await openStore(file, { ...key, key: 'another extraction' });
    expect(other.damaged).toEqual([]);
    expect(other.store.get(hashA)).toBeUndefined();
  });
});

/** A project of two articles sharing a sentence, translated into English by the memory alone. */
async function twoArticles(): Promise<string> {
  const dir = await emptyProject();
  await mkdir(path.join(dir, 'content/pl'), { recursive: true });
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify({ targetLanguages: ['en'], providers: ['memory'] })}\n`);
  await writeFile(path.join(dir, 'content/pl/a.md'), '# Targi pracy\n\nTargi odbyły się w maju. Zapraszamy wszystkich chętnych.\n');
  await writeFile(path.join(dir, 'content/pl/b.md'), '# Staże\n\nStaż trwa trzy miesiące. Zapraszamy wszystkich chętnych.\n');
  return dir;
}

const wordsFile = (dir: string): string => path.join(dir, '.hansa/extract/words.bin');
const extractKey = async (dir: string): Promise<SignatureFileKey> => ({ key: (await extractProject({ cwd: dir, config: { ...defaultConfig(), workers: 1 } })).context.key, language: 'pl' });

describe('signatures of an extraction', () => {
  it('records each parsed document’s signature, and drops the record of a source that changed', async () => {
    const dir = await twoArticles();
    const project = { cwd: dir, config: { ...defaultConfig(), workers: 1 } };
    const run = await extractProject(project);
    expect(run.outcomes.every((outcome) => !('signature' in outcome))).toBe(true);
    const read = parseSignatureFile(await readFile(wordsFile(dir)), { key: run.context.key, language: 'pl' });
    if (read.status !== 'hit') throw new Error(`words.bin: ${read.status}`);
    const hashes = run.outcomes.map((outcome) => (outcome.ok ? outcome.hash : ''));
    expect([...read.value.keys()].sort()).toEqual([...hashes].sort());
    for (const outcome of run.outcomes) {
      if (!outcome.ok) continue;
      expect(read.value.get(outcome.hash)).toEqual(wordSignature(await run.sources(outcome.file), 'pl'));
      expect(await run.signature(outcome.file)).toEqual(wordSignature(await run.sources(outcome.file), 'pl'));
    }
    await writeFile(path.join(dir, 'content/pl/a.md'), '# Targi pracy\n\nTargi odbędą się w czerwcu.\n');
    const edited = await extractProject(project);
    const after = parseSignatureFile(await readFile(wordsFile(dir)), { key: run.context.key, language: 'pl' });
    if (after.status !== 'hit') throw new Error(`words.bin: ${after.status}`);
    expect([...after.value.keys()].sort()).toEqual(edited.outcomes.map((outcome) => (outcome.ok ? outcome.hash : '')).sort());
    expect(after.value.has(hashes[0] ?? '')).toBe(false);
  });

  it('makes signatures the file lacks (absent, without their records, garbled) from the cached sources, and writes them back', async () => {
    const dir = await twoArticles();
    const project = { cwd: dir, config: { ...defaultConfig(), workers: 1 } };
    const expected = await extractProject(project);
    const signatureOf = async (file: string): Promise<Uint32Array | undefined> => wordSignature(await expected.sources(file), 'pl');
    for (const damage of ['absent', 'without records', 'garbled'] as const) {
      if (damage === 'absent') await rm(wordsFile(dir));
      else if (damage === 'garbled') await writeFile(wordsFile(dir), 'garbled');
      else await writeFile(wordsFile(dir), signatureFileBytes({ key: expected.context.key, language: 'pl' }, new Map()));
      const run = await extractProject(project);
      expect(run.parsed).toBe(0);
      expect(await run.signature('a.md')).toEqual(await signatureOf('a.md'));
      expect(await run.signature('b.md')).toEqual(await signatureOf('b.md'));
      expect(run.findings.map((finding) => [finding.code, finding.file])).toEqual(damage === 'garbled' ? [['cache_damaged', '.hansa/extract/words.bin']] : []);
      const written = parseSignatureFile(await readFile(wordsFile(dir)), await extractKey(dir));
      expect(written.status === 'hit' ? written.value.size : 0).toBe(2);
    }
  });
});

describe('words.bin in a translate run', () => {
  it('is not read when no memory entry changed; is read, mended and used when one did', async () => {
    const dir = await twoArticles();
    const project = async (): Promise<{ cwd: string; config: Awaited<ReturnType<typeof loadConfig>>['config'] }> => ({ cwd: dir, config: { ...(await loadConfig(dir)).config, workers: 1 } });
    const first = await translateProject(await project(), { env: {} });
    expect(first.errors).toEqual([]);
    // Unreadable from now on: a run that read it would warn.
    await writeFile(wordsFile(dir), 'garbled');
    const quiet = await translateProject(await project(), { env: {} });
    expect(quiet.findings.filter((finding) => finding.code === 'cache_damaged')).toEqual([]);
    expect(quiet.languages[0]?.articles).toMatchObject({ due: 0, skipped: 2 });
    expect(await readFile(wordsFile(dir), 'utf8')).toBe('garbled');
    // A translator fills the shared sentence in a.md's segment file: b.md may take it from the memory.
    const segmentFile = path.join(dir, 'translations/en/a.xlf');
    const xml = await readFile(segmentFile, 'utf8');
    const open = /(<segment id="[^"]+") state="initial">(\s*)<source>Zapraszamy wszystkich chętnych\.<\/source>/;
    expect(open.test(xml)).toBe(true);
    await writeFile(segmentFile, xml.replace(open, '$1 state="translated">$2<source>Zapraszamy wszystkich chętnych.</source>$2<target>Everyone is welcome.</target>'));
    const edited = await translateProject(await project(), { env: {} });
    expect(edited.findings.filter((finding) => finding.code === 'cache_damaged').map((finding) => finding.file)).toEqual(['.hansa/extract/words.bin']);
    expect(edited.languages[0]?.articles.reasons).toEqual({ 'segment-file': 1, memory: 1 });
    expect(await readFile(path.join(dir, 'translations/en/b.xlf'), 'utf8')).toContain('<target>Everyone is welcome.</target>');
    const mended = parseSignatureFile(await readFile(wordsFile(dir)), await extractKey(dir));
    expect(mended.status === 'hit' ? mended.value.size : 0).toBe(2);
  });
});
