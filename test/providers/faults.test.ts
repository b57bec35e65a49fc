/**
 * Faults every adapter must survive, over real HTTP on 127.0.0.1: a connection that is
 * accepted and never answered (the attempt times out and is retried), and codes that come
 * back dropped, misnested or renamed (never accepted as a translation).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAzureProvider } from '../../src/providers/azure.js';
import { createLibreTranslateProvider } from '../../src/providers/libretranslate.js';
import { createOpenAiProvider } from '../../src/providers/openai.js';
import type { Provider, SegmentRequest } from '../../src/providers/types.js';
import { ProviderQueue } from '../../src/queue/index.js';
import { checkSegment } from '../../src/qa/checks.js';
import { startMockAzure } from '../helpers/mock-azure.js';
import { startMockLibreTranslate } from '../helpers/mock-libretranslate.js';
import { startMockOpenAi } from '../helpers/mock-openai.js';
import { startMockDeepl } from '../helpers/mock-deepl.js';
import { startMockGoogle } from '../helpers/mock-google.js';
import { createDeeplProvider } from '../../src/providers/deepl.js';
import { createGoogleProvider } from '../../src/providers/google.js';
import type { TagMangling } from '../helpers/mock-http.js';

type Fault = { kind: 'hang' } | { kind: 'tags'; how: TagMangling };

interface Harness {
  readonly provider: Provider;
  readonly requests: () => number;
  /** Requests one good translation takes (LibreTranslate pivots pl → en → sv). */
  readonly perRun: number;
  readonly inject: (fault: Fault) => void;
  readonly close: () => Promise<void>;
}

const harnesses: Record<string, () => Promise<Harness>> = {
  deepl: async () => {
    const mock = await startMockDeepl();
    return { provider: createDeeplProvider({ authKey: mock.key, apiUrl: mock.url }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), close: () => mock.close() };
  },
  google: async () => {
    const mock = await startMockGoogle();
    // Google's own fault names; its "reorder" moves a whole code, which is legal, so a misnesting is asked for as a rename.
    const googleFault = (fault: Fault) => (fault.kind === 'hang' ? fault : { kind: fault.how === 'drop' ? ('drop-tags' as const) : ('rename-tags' as const) });
    return { provider: createGoogleProvider({ apiKey: mock.key, baseUrl: mock.url }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(googleFault(fault)), close: () => mock.close() };
  },
  openai: async () => {
    const mock = await startMockOpenAi();
    return { provider: createOpenAiProvider({ apiKey: mock.key, baseUrl: mock.url, model: 'm' }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), close: () => mock.close() };
  },
  azure: async () => {
    const mock = await startMockAzure();
    return { provider: createAzureProvider({ key: mock.key, endpoint: mock.url }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), close: () => mock.close() };
  },
  libretranslate: async () => {
    const mock = await startMockLibreTranslate();
    return { provider: createLibreTranslateProvider({ url: mock.url }), perRun: 2, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), close: () => mock.close() };
  },
};

const segments: SegmentRequest[] = [
  { id: 'a', source: 'Zobacz <pc id="1">stronę</pc> i <pc id="2">regulamin</pc>.' },
  { id: 'b', source: 'Wpisz <ph id="1"/> teraz.' },
];

let open: Harness | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function run(harness: Harness, timeoutMs = 10_000) {
  const queue = new ProviderQueue({ provider: harness.provider.name, timeoutMs, baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2 });
  return queue.translateBatches(
    (batch, signal) => harness.provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: batch, signal }),
    segments,
    { maxSegments: 50, maxCharacters: 10_000 },
  );
}

describe.each(Object.keys(harnesses))('%s under faults', (name) => {
  it('times out a hung connection and gets the answer on the retry', async () => {
    open = await harnesses[name]!();
    open.inject({ kind: 'hang' });
    const outcome = await run(open, 300);
    expect(outcome.failures).toEqual([]);
    expect(outcome.results.map((result) => result.id)).toEqual(['a', 'b']);
    // The hung request, then the good run.
    expect(open.requests()).toBe(1 + open.perRun);
  });

  it.each(['drop', 'reorder', 'rename'] as const)('never lets codes that come back %s pass', async (how) => {
    open = await harnesses[name]!();
    open.inject({ kind: 'tags', how });
    const outcome = await run(open);
    for (const result of outcome.results) {
      const source = segments.find((segment) => segment.id === result.id)?.source ?? '';
      expect(checkSegment(source, result.target, { sourceLanguage: 'pl', targetLanguage: 'sv' }).map((finding) => finding.check)).toContain('codes');
    }
  });
});
