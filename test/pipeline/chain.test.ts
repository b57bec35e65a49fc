/**
 * The provider chain stage (`pipeline/chain.ts`) on its own: real providers (copy, the
 * memory entry, OpenAI-compatible and DeepL mocks on 127.0.0.1), a real journal in a
 * temporary folder, the real gate.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type HansaConfig } from '../../src/config/index.js';
import type { Finding } from '../../src/errors/index.js';
import { InputError } from '../../src/errors/index.js';
import { extractDocument, type Segment } from '../../src/markdown/index.js';
import { createCopyProvider, createDeeplProvider, createMemoryEntry, createOpenAiProvider, type Provider } from '../../src/providers/index.js';
import { runChain, startChainRun, type ChainContext, type ChainRun } from '../../src/pipeline/chain.js';
import { createGate } from '../../src/pipeline/gate.js';
import type { Accepted } from '../../src/pipeline/remote.js';
import { startMockDeepl, type MockDeepl } from '../helpers/mock-deepl.js';
import { startMockOpenAi, type MockOpenAi } from '../helpers/mock-openai.js';

const source = '# Nabór 2021\n\nProjekt trwał od 2018 roku. Zapraszamy młodzież na warsztaty.\n';
const document = extractDocument(source);
const sourcePath = 'content/pl/nabor.md';

let openai: MockOpenAi;
let runs: ChainRun[];
beforeEach(async () => {
  openai = await startMockOpenAi();
  runs = [];
});
afterEach(async () => {
  for (const run of runs) await run.close();
  await openai.close();
});

function configOf(raw: Record<string, unknown> = {}): HansaConfig {
  return configSchema.parse({ targetLanguages: ['en'], ...raw });
}

async function chainRun(config: HansaConfig, options: { dryRun?: boolean; dir?: string } = {}): Promise<ChainRun> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'hansa-chain-')));
  const run = startChainRun({ config, journalFile: path.join(dir, 'journal.jsonl'), dryRun: options.dryRun ?? false, signal: undefined });
  runs.push(run);
  return run;
}

function openAi(): Provider {
  return createOpenAiProvider({ apiKey: openai.key, baseUrl: openai.url, model: 'test-model' });
}

async function contextFor(providers: readonly Provider[], findings: Finding[]): Promise<ChainContext> {
  const gate = await createGate(undefined, { sourceLanguage: 'pl', lang: 'en', hitsOf: () => [], providers });
  return { lang: 'en', findings, termsOf: () => [], spansOf: () => [], gate: gate.refusalsOf, glossaryVersion: undefined, documentOf: (id) => (document.segments.some((segment) => segment.id === id) ? sourcePath : undefined) };
}

function pendingOf(): Map<string, Segment> {
  return new Map(document.segments.map((segment) => [segment.id, segment]));
}

async function chain(providers: readonly Provider[], run: ChainRun): Promise<{ pending: Map<string, Segment>; accepted: Map<string, Accepted>; findings: Finding[]; outcome: Awaited<ReturnType<typeof runChain>> }> {
  const pending = pendingOf();
  const accepted = new Map<string, Accepted>();
  const findings: Finding[] = [];
  const outcome = await runChain(providers, pending, accepted, run, await contextFor(providers, findings));
  return { pending, accepted, findings, outcome };
}

const characters = document.segments.reduce((sum, segment) => sum + segment.characters, 0);
const withNumbers = document.segments.filter((segment) => /\d/.test(segment.source));

describe('local providers', () => {
  it('copy answers every pending segment, counted at no cost, its answers marked synthetic', async () => {
    const { pending, accepted, outcome } = await chain([createCopyProvider()], await chainRun(configOf()));
    expect(pending.size).toBe(0);
    expect([...accepted.values()]).toEqual(document.segments.map((segment) => ({ target: segment.source, origin: 'mt:copy', synthetic: true })));
    expect(outcome).toMatchObject({ characters, requests: 1, estimatedCost: 0 });
    expect(outcome.refusals.size).toBe(0);
  });

  it('passes the memory entry by: it translates nothing and costs nothing', async () => {
    const { pending, accepted, outcome } = await chain([createMemoryEntry()], await chainRun(configOf()));
    expect(pending.size).toBe(document.segments.length);
    expect(accepted.size).toBe(0);
    expect(outcome).toMatchObject({ characters: 0, requests: 0, estimatedCost: 0 });
  });

  it('counts copy in a dry run without calling it', async () => {
    const { pending, outcome } = await chain([createMemoryEntry(), createCopyProvider()], await chainRun(configOf(), { dryRun: true }));
    expect(pending.size).toBe(document.segments.length);
    expect(outcome).toMatchObject({ characters, requests: 1 });
  });
});

describe('remote providers', () => {
  it('translates through the journal: what it holds is never sent again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hansa-chain-'));
    const first = await chain([openAi()], await chainRun(configOf(), { dir }));
    expect(first.pending.size).toBe(0);
    expect([...first.accepted.values()].every((entry) => entry.origin.startsWith('mt:openai'))).toBe(true);
    expect(first.outcome).toMatchObject({ characters, requests: 1 });
    await runs.pop()?.close();
    const again = await chain([openAi()], await chainRun(configOf(), { dir }));
    expect(openai.requests.length).toBe(1);
    expect(again.outcome).toMatchObject({ characters: 0, requests: 0 });
    expect([...again.accepted.entries()]).toEqual([...first.accepted.entries()]);
  });

  it('says which document a refused answer belongs to, and keeps the reason for segments left open', async () => {
    openai.faults.push({ kind: 'drop-numbers' }, { kind: 'drop-numbers' });
    const { pending, findings, outcome } = await chain([openAi()], await chainRun(configOf()));
    expect([...pending.keys()].sort()).toEqual(withNumbers.map((segment) => segment.id).sort());
    const refused = findings.filter((finding) => finding.segment !== undefined);
    expect(refused.map((finding) => [finding.file, finding.segment, finding.data?.['provider']])).toEqual(withNumbers.map((segment) => [sourcePath, segment.id, 'openai']));
    expect([...outcome.refusals.keys()].sort()).toEqual([...pending.keys()].sort());
    for (const finding of refused) expect(outcome.refusals.get(finding.segment ?? '')).toBe(`openai: ${finding.message}`);
  });

  it('forgets the reason when a later provider translates the segment; the finding stays', async () => {
    openai.faults.push({ kind: 'drop-numbers' }, { kind: 'drop-numbers' });
    const { pending, accepted, findings, outcome } = await chain([openAi(), createCopyProvider()], await chainRun(configOf()));
    expect(pending.size).toBe(0);
    for (const segment of withNumbers) expect(accepted.get(segment.id)).toMatchObject({ origin: 'mt:copy' });
    expect(outcome.refusals.size).toBe(0);
    expect(findings.filter((finding) => finding.segment !== undefined)).toHaveLength(withNumbers.length);
  });
});

describe('budget and quota', () => {
  const priced = { budget: 0.0001, providerOptions: { openai: { pricePerMillionCharacters: 100 } } };

  it('stops a real run before sending anything that would exceed the budget', async () => {
    const failure = await chain([openAi()], await chainRun(configOf(priced))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect(failure).toMatchObject({ code: 'budget_exceeded', data: { provider: 'openai', characters } });
    expect(openai.requests).toHaveLength(0);
  });

  it('warns in a dry run and stops counting where the real run would stop', async () => {
    const { findings, outcome } = await chain([openAi(), createCopyProvider()], await chainRun(configOf(priced), { dryRun: true }));
    expect(findings).toEqual([expect.objectContaining({ code: 'budget_exceeded', severity: 'warning', file: 'openai', lang: 'en' })]);
    expect(outcome).toMatchObject({ characters, requests: 1, estimatedCost: (characters / 1_000_000) * 100 });
    expect(openai.requests).toHaveLength(0);
  });

  it('passes by a provider whose account has too few characters left; the next one gets the segments', async () => {
    const deepl: MockDeepl = await startMockDeepl();
    try {
      deepl.usage.characterCount = deepl.usage.characterLimit - 5;
      const provider = createDeeplProvider({ authKey: deepl.key, apiUrl: deepl.url });
      const { pending, accepted, findings } = await chain([provider, createCopyProvider()], await chainRun(configOf()));
      expect(deepl.requests).toHaveLength(0);
      expect(pending.size).toBe(0);
      expect([...accepted.values()].every((entry) => entry.origin === 'mt:copy')).toBe(true);
      expect(findings).toEqual([expect.objectContaining({ code: 'provider_failed', file: 'deepl', message: `quota: 5 characters left, ${characters} needed` })]);
    } finally {
      await deepl.close();
    }
  });
});
