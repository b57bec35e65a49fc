import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { azureLanguage, createAzureProvider } from '../../src/providers/azure.js';
import { FatalError, PayloadTooLargeError, ProviderError, QuotaExhaustedError, RateLimitError, TransientError } from '../../src/queue/index.js';
import { startMockAzure, type MockAzure } from '../helpers/mock-azure.js';

let mock: MockAzure;
beforeEach(async () => {
  mock = await startMockAzure();
});
afterEach(async () => {
  await mock.close();
});

const segments = [
  { id: 'a', source: 'Zobacz <pc id="1">stronę</pc>.' },
  { id: 'b', source: 'Wpisz <ph id="1"/> teraz &amp; potem.' },
];

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('Expected the translation to fail');
}

describe('azure adapter', () => {
  it('sends HTML texts with the key and region in headers and reads the translations back in order', async () => {
    const provider = createAzureProvider({ key: mock.key, region: 'westeurope', endpoint: `${mock.url}/` });
    const results = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'no', segments });
    expect(results).toEqual([
      { id: 'a', target: 'nb: ZOBACZ <pc id="1">STRONĘ</pc>.', origin: 'mt:azure' },
      { id: 'b', target: 'nb: WPISZ <ph id="1"/> TERAZ &amp; POTEM.', origin: 'mt:azure' },
    ]);
    const request = mock.requests[0]!;
    expect(Object.fromEntries(request.query)).toEqual({ 'api-version': '3.0', from: 'pl', to: 'nb', textType: 'html' });
    expect(request).toMatchObject({ key: mock.key, region: 'westeurope', body: segments.map((segment) => ({ Text: segment.source })) });
    expect(request.contentType).toMatch(/^application\/json/);
    expect(request.url).not.toContain(mock.key);
  });

  it('sends no region header without a region, and maps our languages to Azure codes', async () => {
    const provider = createAzureProvider({ key: mock.key, endpoint: mock.url });
    await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'en-GB', segments: [segments[0]!] });
    expect(mock.requests[0]).toMatchObject({ region: undefined });
    expect(mock.requests[0]?.query.get('to')).toBe('en');
    expect(['en', 'en-US', 'sv', 'nb', 'no', 'de', 'fi', 'xx'].map(azureLanguage)).toEqual(['en', 'en', 'sv', 'nb', 'nb', 'de', 'fi', undefined]);
    expect(provider.capabilities).toMatchObject({ maxSegmentsPerRequest: 1000, maxCharactersPerRequest: 50_000, isSynthetic: false });
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'fr', segments }))).toBeInstanceOf(FatalError);
    expect(mock.requests).toHaveLength(1);
  });

  it('maps each Azure error to the right kind', async () => {
    const provider = createAzureProvider({ key: mock.key, endpoint: mock.url });
    const request = { sourceLanguage: 'pl', targetLanguage: 'de', segments };
    for (const code of [429000, 429001, 429002]) {
      mock.faults.push({ kind: 'status', status: 429, code });
      const error = await failure(provider.translate(request));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ providerCode: code, status: 429 });
    }
    mock.faults.push({ kind: 'status', status: 429, code: 429001, headers: { 'retry-after': '2' } });
    expect(await failure(provider.translate(request))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
    mock.faults.push({ kind: 'status', status: 403, code: 403001, message: 'The operation is not allowed because the subscription has exceeded its free quota.' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(QuotaExhaustedError);
    mock.faults.push({ kind: 'status', status: 400, code: 400077, message: 'The maximum request size has been exceeded.' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(PayloadTooLargeError);
    for (const code of [500000, 503000, 408001]) {
      mock.faults.push({ kind: 'status', status: Math.floor(code / 1000), code });
      expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    }
    mock.faults.push({ kind: 'malformed' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'short' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'status', status: 400, code: 400019, message: 'One of the languages specified is not supported.' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(FatalError);
  });

  it('refuses a wrong key as fatal, without the key in the error', async () => {
    const wrongKey = 'fake-wrong-azure-key-31f0';
    const error = await failure(createAzureProvider({ key: wrongKey, region: 'westeurope', endpoint: mock.url }).translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(error).toBeInstanceOf(FatalError);
    expect(error).toMatchObject({ status: 401, providerCode: 401000 });
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain('fake-');
  });

  it('turns an unreachable endpoint into a transient error, and needs a key', async () => {
    const url = mock.url;
    await mock.close();
    const error = await failure(createAzureProvider({ key: 'fake-azure-key-9d2b7e', endpoint: url }).translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).not.toContain('fake-');
    mock = await startMockAzure();
    expect(() => createAzureProvider({ key: ' ' })).toThrow(TypeError);
  });
});
