/**
 * The gate stage (`pipeline/gate.ts`) on its own, with a real glossary on disk; the gate
 * through the executable and a provider mock is in `gate.test.ts`.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';
import { loadTerminology, memoizeHits, type Terminology } from '../../src/glossary/index.js';
import { extractDocument } from '../../src/markdown/index.js';
import { createCopyProvider, createMemoryEntry, createPseudoProvider, type Provider } from '../../src/providers/index.js';
import { createGate } from '../../src/pipeline/gate.js';
import type { Accepted } from '../../src/pipeline/remote.js';

const document = extractDocument('Rynek pracy rośnie od 2018 roku.\n');
const segment = document.segments[0]!;
const documents = [{ file: 'a.md', sourcePath: 'content/pl/a.md', document }];

async function terminology(): Promise<Terminology> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hansa-gate-'));
  await mkdir(path.join(dir, 'glossary'));
  await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en\nrynek pracy,labour market\n');
  const loaded = await loadTerminology(dir, configSchema.parse({}), { cacheDir: path.join(dir, '.hansa/terms') });
  if (loaded === undefined) throw new Error('no terminology');
  return loaded;
}

async function gateOf(providers: readonly Provider[], terms?: Terminology): ReturnType<typeof createGate> {
  return createGate(terms, { sourceLanguage: 'pl', lang: 'en', hitsOf: memoizeHits(terms), providers });
}

describe('refusals of machine answers', () => {
  it('refuses an answer that fails a blocking check, and passes a good one', async () => {
    const gate = await gateOf([createMemoryEntry()]);
    expect(gate.refusalsOf(segment, 'The labour market has been growing since 2018.')).toEqual([]);
    expect(gate.refusalsOf(segment, 'The labour market has been growing for years.')).toEqual([{ code: 'numbers', message: expect.any(String) }]);
  });

  it('refuses an answer that does not keep the glossary, after the blocking checks', async () => {
    // Machine answers come from remote providers: a chain with one checks them as they come.
    const remote = { ...createMemoryEntry(), name: 'remote', capabilities: { ...createMemoryEntry().capabilities, isLocal: false } };
    const gate = await gateOf([remote], await terminology());
    expect(gate.refusalsOf(segment, 'The labour market has been growing since 2018.')).toEqual([]);
    expect(gate.refusalsOf(segment, 'The job market has been growing since 2018.')).toEqual([{ code: 'glossary_not_kept', message: 'term_missing: rynek pracy' }]);
    expect(gate.refusalsOf(segment, 'The job market has been growing.').map((refusal) => refusal.code)).toEqual(['numbers']);
  });

  it('holds nobody to the glossary when the chain has only copy and pseudo', async () => {
    const gate = await gateOf([createCopyProvider(), createPseudoProvider()], await terminology());
    expect(gate.refusalsOf(segment, 'The job market has been growing since 2018.')).toEqual([]);
    expect(await gate.termFindings(documents, new Map([[segment.id, { target: 'The job market grows since 2018.', origin: 'tm:exact' }]]))).toEqual([]);
  });
});

describe('glossary findings of accepted translations', () => {
  it('warns about a memory translation that misses a term, naming its document', async () => {
    const gate = await gateOf([createMemoryEntry()], await terminology());
    const accepted = new Map<string, Accepted>([[segment.id, { target: 'The job market has been growing since 2018.', origin: 'tm:exact' }]]);
    expect(await gate.termFindings(documents, accepted)).toEqual([
      { code: 'term_missing', severity: 'warning', file: 'content/pl/a.md', lang: 'en', segment: segment.id, message: 'term_missing', data: { term: 'rynek pracy', expected: 'labour market', found: '' } },
    ]);
  });

  it('leaves alone the locale resources\' words and synthetic output', async () => {
    const gate = await gateOf([createMemoryEntry()], await terminology());
    const target = 'The job market has been growing since 2018.';
    expect(await gate.termFindings(documents, new Map([[segment.id, { target, origin: 'locale' }]]))).toEqual([]);
    expect(await gate.termFindings(documents, new Map([[segment.id, { target, origin: 'mt:copy', synthetic: true }]]))).toEqual([]);
  });
});
