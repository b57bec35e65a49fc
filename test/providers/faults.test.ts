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

/** Faults every service has, named once; each harness says how its mock produces them. */
type CommonFault = 'retry-after' | 'rate-limit' | 'server-error' | 'malformed' | 'truncated' | 'quota';

interface Harness {
  readonly provider: Provider;
  readonly requests: () => number;
  /** Requests one good translation takes (LibreTranslate pivots pl → en → sv). */
  readonly perRun: number;
  readonly inject: (fault: Fault) => void;
  /** Queue the service's own form of a common fault for the next request. */
  readonly fail: (fault: CommonFault) => void;
  readonly close: () => Promise<void>;
}

const harnesses: Record<string, () => Promise<Harness>> = {
  deepl: async () => {
    const mock = await startMockDeepl();
    const fail = (fault: CommonFault): void => {
      if (fault === 'quota') mock.faults.push({ kind: 'status', status: 456, body: { message: 'Quota for this billing period has been exceeded.' } });
      else if (fault === 'retry-after') mock.faults.push({ kind: 'status', status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '1' } });
      else if (fault === 'rate-limit') mock.faults.push({ kind: 'status', status: 429, body: { message: 'Too many requests' } });
      else if (fault === 'server-error') mock.faults.push({ kind: 'status', status: 503, body: { message: 'Service unavailable' } });
      else mock.faults.push({ kind: fault === 'malformed' ? 'malformed' : 'short' });
    };
    return { provider: createDeeplProvider({ authKey: mock.key, apiUrl: mock.url }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), fail, close: () => mock.close() };
  },
  google: async () => {
    const mock = await startMockGoogle();
    // Google's own fault names; its "reorder" moves a whole code, which is legal, so a misnesting is asked for as a rename.
    const googleFault = (fault: Fault) => (fault.kind === 'hang' ? fault : { kind: fault.how === 'drop' ? ('drop-tags' as const) : ('rename-tags' as const) });
    const fail = (fault: CommonFault): void => {
      if (fault === 'quota') mock.faults.push({ kind: 'status', status: 403, reason: 'dailyLimitExceeded', message: 'Daily Limit Exceeded' });
      else if (fault === 'retry-after') mock.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
      else if (fault === 'rate-limit') mock.faults.push({ kind: 'status', status: 403, reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' });
      else if (fault === 'server-error') mock.faults.push({ kind: 'status', status: 500 });
      else mock.faults.push({ kind: fault === 'malformed' ? 'malformed' : 'short' });
    };
    return { provider: createGoogleProvider({ apiKey: mock.key, baseUrl: mock.url }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(googleFault(fault)), fail, close: () => mock.close() };
  },
  openai: async () => {
    const mock = await startMockOpenAi();
    const fail = (fault: CommonFault): void => {
      if (fault === 'quota') mock.faults.push({ kind: 'quota' });
      else if (fault === 'retry-after') mock.faults.push({ kind: 'status', status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '1' } });
      else if (fault === 'rate-limit') mock.faults.push({ kind: 'status', status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
      else if (fault === 'server-error') mock.faults.push({ kind: 'status', status: 503 });
      else mock.faults.push({ kind: fault === 'malformed' ? 'malformed' : 'length' });
    };
    return { provider: createOpenAiProvider({ apiKey: mock.key, baseUrl: mock.url, model: 'm' }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), fail, close: () => mock.close() };
  },
  azure: async () => {
    const mock = await startMockAzure();
    const fail = (fault: CommonFault): void => {
      if (fault === 'quota') mock.faults.push({ kind: 'status', status: 403, code: 403001, message: 'The operation is not allowed because the subscription has exceeded its free quota.' });
      else if (fault === 'retry-after') mock.faults.push({ kind: 'status', status: 429, code: 429001, headers: { 'retry-after': '1' } });
      else if (fault === 'rate-limit') mock.faults.push({ kind: 'status', status: 429, code: 429000 });
      else if (fault === 'server-error') mock.faults.push({ kind: 'status', status: 500, code: 500000, message: 'An unexpected error occurred.' });
      else mock.faults.push({ kind: fault === 'malformed' ? 'malformed' : 'short' });
    };
    return { provider: createAzureProvider({ key: mock.key, endpoint: mock.url }), perRun: 1, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), fail, close: () => mock.close() };
  },
  libretranslate: async () => {
    const mock = await startMockLibreTranslate();
    const fail = (fault: CommonFault): void => {
      // A public LibreTranslate bans a flooding client with 403 "Too many request limits violations".
      if (fault === 'quota') mock.faults.push({ kind: 'status', status: 403, body: { error: 'Too many request limits violations' } });
      else if (fault === 'retry-after') mock.faults.push({ kind: 'status', status: 429, body: { error: 'Slowdown: 1 per 1 second' } });
      else if (fault === 'rate-limit') mock.faults.push({ kind: 'status', status: 429 });
      else if (fault === 'server-error') mock.faults.push({ kind: 'status', status: 500, body: { error: 'Internal Server Error' } });
      else mock.faults.push({ kind: fault === 'malformed' ? 'malformed' : 'short' });
    };
    return { provider: createLibreTranslateProvider({ url: mock.url }), perRun: 2, requests: () => mock.requests.length, inject: (fault) => mock.faults.push(fault), fail, close: () => mock.close() };
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

  it.each(['retry-after', 'rate-limit', 'server-error', 'malformed', 'truncated'] as const)('retries after %s and gets every answer', async (fault) => {
    open = await harnesses[name]!();
    open.fail(fault);
    const outcome = await run(open);
    expect(outcome.failures).toEqual([]);
    expect(outcome.results.map((result) => result.id).sort()).toEqual(['a', 'b']);
    expect(open.requests()).toBe(1 + open.perRun);
  });

  it('stops at a spent quota without retrying, so the chain can fail over', async () => {
    open = await harnesses[name]!();
    open.fail('quota');
    const outcome = await run(open);
    expect(outcome.results).toEqual([]);
    expect(outcome.failures.map((failure) => failure.id).sort()).toEqual(['a', 'b']);
    expect(new Set(outcome.failures.map((failure) => failure.code))).toEqual(new Set(['quota_exhausted']));
    expect(open.requests()).toBe(1);
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
