import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLibreTranslateProvider, htmlToTagged, libreTranslateLanguage } from '../../src/providers/libretranslate.js';
import { FatalError, ProviderError, RateLimitError, TransientError } from '../../src/queue/index.js';
import { startMockLibreTranslate, type MockLibreTranslate } from '../helpers/mock-libretranslate.js';

const key = 'fake-libre-key-7c1e04';
let mock: MockLibreTranslate;
beforeEach(async () => {
  mock = await startMockLibreTranslate(key);
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

describe('libretranslate adapter', () => {
  it('translates pl→en directly, in HTML mode, with the key in the body only', async () => {
    const provider = createLibreTranslateProvider({ url: `${mock.url}/`, apiKey: key });
    const results = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'en-GB', segments });
    expect(results).toEqual([
      { id: 'a', target: '[pl&gt;en] ZOBACZ <pc id="1">STRONĘ</pc>.', origin: 'mt:libretranslate' },
      { id: 'b', target: '[pl&gt;en] WPISZ <ph id="1"/> TERAZ &amp; POTEM.', origin: 'mt:libretranslate' },
    ]);
    expect(mock.requests).toEqual([{ q: segments.map((segment) => segment.source), source: 'pl', target: 'en', format: 'html', api_key: key }]);
    expect(mock.calls).toEqual(['GET /languages', 'POST /translate']);
    expect(mock.calls.join('\n')).not.toContain(key);
  });

  it('pivots through English only where Polish has no direct model, and reads /languages once', async () => {
    const provider = createLibreTranslateProvider({ url: mock.url, apiKey: key });
    const sv = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: [segments[0]!] });
    expect(sv).toEqual([{ id: 'a', target: '[en&gt;sv] [PL&gt;EN] ZOBACZ <pc id="1">STRONĘ</pc>.', origin: 'mt:libretranslate:pivot-en' }]);
    const no = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'no', segments: [segments[1]!] });
    expect(no[0]?.origin).toBe('mt:libretranslate:pivot-en');
    const en = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'en', segments: [segments[0]!] });
    expect(en[0]?.origin).toBe('mt:libretranslate');
    expect(mock.requests.map((request) => `${String(request['source'])}>${String(request['target'])}`)).toEqual(['pl>en', 'en>sv', 'pl>en', 'en>nb', 'pl>en']);
    expect(mock.calls.filter((call) => call === 'GET /languages')).toHaveLength(1);
  });

  it('asks the first leg of a pivot once: a retry after the second leg failed asks only the second', async () => {
    const provider = createLibreTranslateProvider({ url: mock.url, apiKey: key });
    const request = { sourceLanguage: 'pl', targetLanguage: 'de', segments };
    const legs = (): string[] => mock.requests.map((sent) => `${String(sent['source'])}>${String(sent['target'])}`);
    // The queue's retry of a request whose second leg failed.
    mock.faults.push({ kind: 'none' }, { kind: 'status', status: 503, body: { error: 'overloaded' } });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    const results = await provider.translate(request);
    expect(results.map((result) => result.target)).toEqual([
      '[en&gt;de] [PL&gt;EN] ZOBACZ <pc id="1">STRONĘ</pc>.',
      '[en&gt;de] [PL&gt;EN] WPISZ <ph id="1"/> TERAZ &amp; POTEM.',
    ]);
    expect(legs()).toEqual(['pl>en', 'en>de', 'en>de']);
    // Another language, or a new segment alongside a known one: only what is new goes to pl→en.
    await provider.translate({ ...request, targetLanguage: 'sv', segments: [segments[0]!, { id: 'c', source: 'Nowe zdanie.' }] });
    expect(legs().slice(3)).toEqual(['pl>en', 'en>sv']);
    expect(mock.requests[3]?.['q']).toEqual(['Nowe zdanie.']);
    expect(mock.requests[4]?.['q']).toEqual(['[pl&gt;en] ZOBACZ <pc id="1">STRONĘ</pc>.', '[pl&gt;en] NOWE ZDANIE.']);
    // A segment sent again because its answer was refused gets a fresh English answer.
    await provider.translate({ ...request, segments: [{ ...segments[0]!, retry: { refused: ['codes'] } }] });
    expect(legs().slice(5)).toEqual(['pl>en', 'en>de']);
  });

  it('refuses a language it cannot reach even through English, without asking', async () => {
    const provider = createLibreTranslateProvider({ url: mock.url, apiKey: key });
    const error = await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'fr', segments }));
    expect(error).toBeInstanceOf(FatalError);
    expect(mock.requests).toHaveLength(0);
  });

  it('keeps &amp;/&lt;/&gt;, decodes other entities and escapes bare ampersands', async () => {
    const provider = createLibreTranslateProvider({ url: mock.url, apiKey: key });
    mock.faults.push({ kind: 'entities' });
    const results = await provider.translate({
      sourceLanguage: 'pl',
      targetLanguage: 'en',
      segments: [{ id: 'a', source: 'To "test" o\'k &amp; 1 &lt; 2 <pc id="1">tu</pc>' }],
    });
    expect(results[0]?.target).toBe('[pl&gt;en] TO "TEST" O\'K &amp; 1 &lt; 2 <pc id="1">TU</pc>');
    expect(htmlToTagged('a &#39;b&#x27; &quot;c&quot; & d &nbsp;< e > f &amp; &lt;g&gt; <ph id="2"></ph> <pc id="1">x</pc>')).toBe(
      'a \'b\' "c" &amp; d \u00a0&lt; e &gt; f &amp; &lt;g&gt; <ph id="2"/> <pc id="1">x</pc>',
    );
  });

  it('maps 429 to a rate limit, 400/403 to fatal, 5xx and garbage to transient', async () => {
    const provider = createLibreTranslateProvider({ url: mock.url, apiKey: key });
    const request = { sourceLanguage: 'pl', targetLanguage: 'en', segments };
    mock.faults.push({ kind: 'status', status: 429 });
    expect(await failure(provider.translate(request))).toBeInstanceOf(RateLimitError);
    mock.faults.push({ kind: 'status', status: 500, body: { error: 'Cannot translate text: boom' } });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'malformed' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'short' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'status', status: 400, body: { error: 'Invalid request: missing q parameter' } });
    const bad = await failure(provider.translate(request));
    expect(bad).toBeInstanceOf(FatalError);
    expect(bad).toMatchObject({ status: 400 });
    expect(bad.message).toContain('missing q parameter');

    const wrongKey = 'fake-wrong-key-55aa01';
    const refused = await failure(createLibreTranslateProvider({ url: mock.url, apiKey: wrongKey }).translate(request));
    expect(refused).toBeInstanceOf(FatalError);
    expect(refused).toMatchObject({ status: 403 });
    for (const error of [bad, refused]) {
      expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain('fake-');
    }
  });

  it('turns an unreachable server into a transient error and reads /languages again next time', async () => {
    let down = true;
    const flaky: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init));
    const provider = createLibreTranslateProvider({ url: mock.url, apiKey: key, fetch: flaky });
    const error = await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'en', segments }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).not.toContain(key);
    down = false;
    expect(await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'en', segments })).toHaveLength(2);
    expect(mock.calls).toEqual(['GET /languages', 'POST /translate']);
  });

  it('needs a URL and maps our language codes', () => {
    expect(() => createLibreTranslateProvider({ url: '' })).toThrow(/LIBRETRANSLATE_URL/);
    expect(['en-GB', 'en-US', 'sv', 'no', 'nb', 'DE'].map(libreTranslateLanguage)).toEqual(['en', 'en', 'sv', 'nb', 'nb', 'de']);
    const provider = createLibreTranslateProvider({ url: 'http://127.0.0.1:1' });
    expect(provider.name).toBe('libretranslate');
    expect(provider.capabilities).toMatchObject({ maxSegmentsPerRequest: 50, maxCharactersPerRequest: 20_000, pricePerMillionCharacters: 0, glossary: 'none', isSynthetic: false });
  });
});
