import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { readTarget, renderTagged, type Run } from '../../src/markdown/index.js';
import { createGoogleProvider, googleHtmlToTagged, googleLanguage, type GoogleOptions } from '../../src/providers/index.js';
import { FatalError, PayloadTooLargeError, ProviderError, ProviderQueue, QuotaExhaustedError, RateLimitError, TransientError } from '../../src/queue/index.js';
import { hansa, sampleProject } from '../helpers/cli.js';
import { startMockGoogle, type MockGoogle } from '../helpers/mock-google.js';

let mock: MockGoogle;
beforeEach(async () => {
  mock = await startMockGoogle();
});
afterEach(async () => {
  await mock.close();
});

const segments = [
  { id: 'a', source: 'Zobacz <pc id="1">stronę</pc>.' },
  { id: 'b', source: 'Wpisz <ph id="1"/> teraz &amp; potem, "tak" i \'nie\' &lt;3.' },
];

const v2 = (options: Partial<GoogleOptions> = {}): ReturnType<typeof createGoogleProvider> => createGoogleProvider({ apiKey: mock.key, baseUrl: mock.url, ...options });
const v3 = (options: Partial<GoogleOptions> = {}): ReturnType<typeof createGoogleProvider> =>
  createGoogleProvider({ api: 'v3', accessToken: mock.token, projectId: mock.projectId, baseUrl: `${mock.url}/`, ...options });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('Expected the translation to fail');
}

/** Everything an error could show: message, fields, stack and causes. */
function shown(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) parts.push(current.message, JSON.stringify(current), String(current.stack));
  return parts.join('\n');
}

async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => readFile(path.join(entry.parentPath, entry.name), 'utf8')));
  return texts.join('\n');
}

describe('google adapter, v2', () => {
  it('sends HTML texts with the key in a header and reads entity-escaped answers back as tagged text', async () => {
    const results = await v2().translate({ sourceLanguage: 'pl', targetLanguage: 'nb', segments });
    expect(results).toEqual([
      { id: 'a', target: 'no: ZOBACZ <pc id="1">STRONĘ</pc>.', origin: 'mt:google' },
      { id: 'b', target: 'no: WPISZ <ph id="1"/> TERAZ &amp; POTEM, "TAK" I \'NIE\' &lt;3.', origin: 'mt:google' },
    ]);
    const request = mock.requests[0]!;
    expect(request).toMatchObject({ api: 'v2', url: '/language/translate/v2', apiKey: mock.key, authorization: undefined });
    expect(request.body).toEqual({ q: segments.map((segment) => segment.source), source: 'pl', target: 'no', format: 'html' });
    expect(request.contentType).toMatch(/^application\/json/);
  });

  it('maps our languages to Google codes and states its limits', () => {
    expect(['en', 'en-GB', 'en-US', 'nb', 'no', 'nb-NO', 'sv', 'pl', 'de', 'fi'].map(googleLanguage)).toEqual(['en', 'en', 'en', 'no', 'no', 'no', 'sv', 'pl', 'de', 'fi']);
    expect(v2().capabilities).toEqual({
      languages: expect.arrayContaining(['en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb']),
      markup: 'html',
      glossary: 'none',
      formality: false,
      maxSegmentsPerRequest: 128,
      maxCharactersPerRequest: 5000,
      maxRequestBytes: 99_000,
      pricePerMillionCharacters: 20,
      isSynthetic: false,
      isLocal: false,
    });
  });

  it('maps each Google error to the right kind', async () => {
    const provider = v2();
    const request = { sourceLanguage: 'pl', targetLanguage: 'de', segments };
    mock.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    expect(await failure(provider.translate(request))).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 2000 });
    mock.faults.push({ kind: 'status', status: 429 });
    const plain429 = await failure(provider.translate(request));
    expect(plain429).toBeInstanceOf(RateLimitError);
    expect(plain429.retryAfterMs).toBeUndefined();
    mock.faults.push({ kind: 'status', status: 403, reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' });
    expect(await failure(provider.translate(request))).toMatchObject({ kind: 'rate_limited', status: 403, providerCode: 'userRateLimitExceeded' });
    mock.faults.push({ kind: 'status', status: 403, reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded', headers: { 'retry-after': '1' } });
    expect(await failure(provider.translate(request))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    mock.faults.push({ kind: 'status', status: 403, reason: 'dailyLimitExceeded', message: 'Daily Limit Exceeded' });
    const quota = await failure(provider.translate(request));
    expect(quota).toBeInstanceOf(QuotaExhaustedError);
    expect(quota.isRetryable).toBe(false);
    mock.faults.push({ kind: 'status', status: 403, reason: 'quotaExceeded', message: 'Quota Exceeded' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(QuotaExhaustedError);
    for (const status of [500, 503]) {
      mock.faults.push({ kind: 'status', status });
      expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    }
    mock.faults.push({ kind: 'malformed' });
    expect(await failure(provider.translate(request))).toMatchObject({ kind: 'transient', status: 200 });
    mock.faults.push({ kind: 'short' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'status', status: 403, reason: 'forbidden', message: 'The caller does not have permission' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(FatalError);
    mock.faults.push({ kind: 'status', status: 401, reason: 'authError', message: 'Invalid Credentials' });
    expect(await failure(provider.translate(request))).toBeInstanceOf(FatalError);
    expect(await failure(provider.translate({ ...request, targetLanguage: 'xx' }))).toBeInstanceOf(FatalError);
  });

  it('answers too many texts or too big a body with "payload too large", which the queue splits', async () => {
    const many = Array.from({ length: 129 }, (_, index) => ({ id: `s${index}`, source: `Zdanie ${index}.` }));
    expect(await failure(v2().translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: many }))).toMatchObject({ kind: 'payload_too_large', status: 400, providerCode: 'invalid' });
    const big = Array.from({ length: 3 }, (_, index) => ({ id: `b${index}`, source: 'ż'.repeat(40_000) }));
    expect(await failure(v2().translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: big }))).toBeInstanceOf(PayloadTooLargeError);

    // Limits looser than Google's: the 400 makes the queue split until every half fits.
    const queue = new ProviderQueue({ provider: 'google', baseDelayMs: 0 });
    const provider = v2();
    const outcome = await queue.translateBatches((batch, signal) => provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: batch, signal }), many, { maxSegments: 500 });
    expect(outcome.failures).toEqual([]);
    expect(outcome.results.map((result) => result.target)).toEqual(many.map((segment) => `sv: ${segment.source.toUpperCase()}`));
    // The 240 KB body was refused before it was read, so it is not among the requests.
    expect(mock.requests.map((request) => (request.body['q'] as unknown[]).length).sort((a, b) => b - a)).toEqual([129, 129, 65, 64]);
  });

  it('gives up on a hung connection when the queue’s per-attempt timeout fires, and retries it', async () => {
    const provider = v2();
    const translate = (signal: AbortSignal): Promise<unknown> => provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments, signal });
    mock.faults.push({ kind: 'hang' });
    const once = new ProviderQueue({ provider: 'google', timeoutMs: 200, maxRetries: 0 });
    const started = Date.now();
    const error = await failure(once.run(10, translate));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(5000);

    mock.faults.push({ kind: 'hang' });
    const retrying = new ProviderQueue({ provider: 'google', timeoutMs: 200, maxRetries: 2, baseDelayMs: 0 });
    expect(await retrying.run(10, translate)).toHaveLength(2);
  });

  it('mends codes that are safely mendable and leaves the rest for the code check', async () => {
    const provider = v2();
    const request = { sourceLanguage: 'pl', targetLanguage: 'de', segments };
    const check = (results: readonly { target: string }[]): string[] =>
      results.map((result, index) => {
        const read = readTarget(segments[index]!.source, result.target);
        return 'problem' in read ? read.problem.code : 'ok';
      });

    mock.faults.push({ kind: 'requote-tags' });
    const requoted = await provider.translate(request);
    expect(requoted.map((result) => result.target)).toEqual(['de: ZOBACZ <pc id="1">STRONĘ</pc>.', 'de: WPISZ <ph id="1"/> TERAZ &amp; POTEM, "TAK" I \'NIE\' &lt;3.']);

    mock.faults.push({ kind: 'reorder-tags' });
    const reordered = await provider.translate(request);
    expect(reordered[0]?.target).toBe('de: ZOBACZ . <pc id="1">STRONĘ</pc>');
    expect(check(reordered)).toEqual(['ok', 'ok']);

    mock.faults.push({ kind: 'drop-tags' });
    expect(check(await provider.translate(request))).toEqual(['code_mismatch', 'code_mismatch']);

    mock.faults.push({ kind: 'rename-tags' });
    const renamed = await provider.translate(request);
    expect(renamed[0]?.target).toBe('de: ZOBACZ <b id="1">STRONĘ</b>.');
    expect(check(renamed)).toEqual(['unknown_markup', 'unknown_markup']);
  });

  it('never lets the key into a URL or an error', async () => {
    mock.faults.push({ kind: 'echo-credential' });
    const echoed = await failure(v2().translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(echoed).toBeInstanceOf(FatalError);
    expect(echoed.message).toContain('[redacted]');
    expect(shown(echoed)).not.toContain(mock.key);

    const wrongKey = 'fake-wrong-google-key-c0ffee';
    const refused = await failure(v2({ apiKey: wrongKey }).translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(refused).toMatchObject({ kind: 'fatal', status: 400 });
    expect(shown(refused)).not.toContain('fake-');
    expect(mock.requests.every((request) => !request.url.includes('fake-') && !request.url.includes('key='))).toBe(true);

    const url = mock.url;
    await mock.close();
    const unreachable = await failure(createGoogleProvider({ apiKey: 'fake-google-key-7c41d0', baseUrl: url }).translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(unreachable).toBeInstanceOf(TransientError);
    expect(shown(unreachable)).not.toContain('fake-');
    mock = await startMockGoogle();
    expect(() => createGoogleProvider({ apiKey: ' ' })).toThrow(TypeError);
  });
});

describe('google adapter, v3', () => {
  it('sends contents as text/html with a bearer token to the project and location', async () => {
    const results = await v3({ location: 'europe-west1' }).translate({ sourceLanguage: 'pl', targetLanguage: 'en-GB', segments });
    expect(results.map((result) => result.target)).toEqual(['en: ZOBACZ <pc id="1">STRONĘ</pc>.', 'en: WPISZ <ph id="1"/> TERAZ &amp; POTEM, "TAK" I \'NIE\' &lt;3.']);
    const request = mock.requests[0]!;
    expect(request).toMatchObject({ api: 'v3', url: `/v3/projects/${mock.projectId}/locations/europe-west1:translateText`, authorization: `Bearer ${mock.token}`, apiKey: undefined });
    expect(request.body).toEqual({ contents: segments.map((segment) => segment.source), mimeType: 'text/html', sourceLanguageCode: 'pl', targetLanguageCode: 'en' });
    await v3().translate({ sourceLanguage: 'pl', targetLanguage: 'nb', segments });
    expect(mock.requests[1]).toMatchObject({ url: `/v3/projects/${mock.projectId}/locations/global:translateText`, body: { targetLanguageCode: 'no' } });
    expect(v3().capabilities).toMatchObject({ maxSegmentsPerRequest: 1024, maxCharactersPerRequest: 30_000, glossary: 'none', markup: 'html' });
    expect(v3().capabilities.maxRequestBytes).toBeUndefined();
  });

  it('sends the glossary config and uses glossaryTranslations, falling back to translations', async () => {
    const name = `projects/${mock.projectId}/locations/us-central1/glossaries/pl-terms`;
    mock.glossaries.set(name, { stronę: 'Website' });
    const provider = v3({ location: 'us-central1', glossaryId: 'pl-terms' });
    expect(provider.capabilities.glossary).toBe('resource');
    const results = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'de', segments: [segments[0]!] });
    expect(results[0]?.target).toBe('de: ZOBACZ <pc id="1">Website</pc>.');
    expect(mock.requests[0]?.body['glossaryConfig']).toEqual({ glossary: name });

    await v3({ location: 'us-central1', glossaryId: name, glossaryIgnoreCase: true }).translate({ sourceLanguage: 'pl', targetLanguage: 'de', segments: [{ id: 'c', source: 'STRONĘ' }] });
    expect(mock.requests[1]?.body['glossaryConfig']).toEqual({ glossary: name, ignoreCase: true });

    // An answer without `glossaryTranslations` (no term applied, say): `translations` serve.
    const withoutGlossaryAnswers: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const json = (await response.json()) as Record<string, unknown>;
      delete json['glossaryTranslations'];
      return new Response(JSON.stringify(json), { status: response.status, headers: { 'content-type': 'application/json' } });
    };
    const fallback = await v3({ location: 'us-central1', glossaryId: 'pl-terms', fetch: withoutGlossaryAnswers }).translate({ sourceLanguage: 'pl', targetLanguage: 'de', segments: [segments[0]!] });
    expect(fallback[0]?.target).toBe('de: ZOBACZ <pc id="1">STRONĘ</pc>.');
  });

  it('refuses a glossary in the global location, or with v2, as configuration errors', () => {
    const refusal = (options: Partial<GoogleOptions>): InputError => {
      try {
        createGoogleProvider({ accessToken: mock.token, apiKey: mock.key, projectId: mock.projectId, ...options });
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return error as InputError;
      }
      throw new Error('Expected a configuration error');
    };
    expect(refusal({ api: 'v3', glossaryId: 'pl-terms' })).toMatchObject({ code: 'config_invalid', data: { key: 'providerOptions.google.location' } });
    expect(refusal({ api: 'v3', location: 'global', glossaryId: 'pl-terms' })).toMatchObject({ code: 'config_invalid', data: { key: 'providerOptions.google.location' } });
    expect(refusal({ api: 'v2', glossaryId: 'pl-terms' })).toMatchObject({ code: 'config_invalid', data: { key: 'providerOptions.google.api' } });
    expect(() => createGoogleProvider({ api: 'v3', projectId: 'p' })).toThrow(TypeError);
    expect(() => createGoogleProvider({ api: 'v3', accessToken: 't' })).toThrow(TypeError);
  });

  it('splits on its limits, maps its errors and keeps the token out of them', async () => {
    const provider = v3({ location: 'europe-west1' });
    const many = Array.from({ length: 1025 }, (_, index) => ({ id: `s${index}`, source: `Z ${index}.` }));
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: many }))).toMatchObject({ kind: 'payload_too_large', status: 400 });
    const long = [{ id: 'l', source: 'ą'.repeat(30_001) }];
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: long }))).toMatchObject({ kind: 'payload_too_large', status: 400 });
    mock.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000, providerCode: 'RATE_LIMIT_EXCEEDED' });
    mock.faults.push({ kind: 'status', status: 503 });
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'malformed' });
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'short' });
    expect(await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }))).toBeInstanceOf(TransientError);
    mock.faults.push({ kind: 'echo-credential' });
    const echoed = await failure(provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(shown(echoed)).not.toContain(mock.token);
    const wrongToken = await failure(v3({ accessToken: 'fake-wrong-token-0d15ea5e' }).translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments }));
    expect(wrongToken).toMatchObject({ kind: 'fatal', status: 401 });
    expect(shown(wrongToken)).not.toContain('fake-');
  });
});

describe('Google HTML answers as tagged text', () => {
  it('decodes numeric and named references and escapes as escapeText does', () => {
    expect(googleHtmlToTagged('It&#39;s &quot;ok&quot; &amp; 1 &lt; 2 &gt; 0&nbsp;&times;&divide;&yuml;&Agrave;&eacute;&#x1F980;&#261;&hellip;&bdquo;')).toBe(
      'It\'s "ok" &amp; 1 &lt; 2 &gt; 0\u00a0×÷ÿÀé🦀ą…„',
    );
    // What is not a reference stays text, escaped.
    expect(googleHtmlToTagged('AT&T &bogus; a < b &#0; 3>2')).toBe('AT&amp;T &amp;bogus; a &lt; b \ufffd 3&gt;2');
  });

  it('brings HTML codes back to ours when nothing is lost, and leaves the rest as written', () => {
    expect(googleHtmlToTagged('<ph id="1"></ph> a <PH ID=\'2\' /> b <ph id=3>c</ph>')).toBe('<ph id="1"/> a <ph id="2"/> b <ph id="3"/>c');
    expect(googleHtmlToTagged('<PC id=1>x</PC > <pc  id = "2" >y</pc>')).toBe('<pc id="1">x</pc> <pc id="2">y</pc>');
    expect(googleHtmlToTagged('<pc id="1"/> <pc id="2" class="x">y</pc> <span>z</span> <ph>')).toBe('<pc id="1"/> <pc id="2" class="x">y</pc> <span>z</span> <ph>');
  });

  const codedText = fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 12 }).map((value): Run[] => [{ type: 'text', value }]),
        fc.string({ unit: fc.constantFrom('a', ' ', '&', '<', '>', '"', "'", '\u00a0', 'ą', '🦀', ';', '#'), maxLength: 12 }).map((value): Run[] => [{ type: 'text', value }]),
        fc.constant<Run[]>([{ type: 'ph', id: 0 }]),
        fc.string({ maxLength: 6 }).map((value): Run[] => [{ type: 'open', id: 0 }, { type: 'text', value }, { type: 'close', id: 0 }]),
      ),
      { maxLength: 6 },
    )
    .map((parts) => {
      // Ids count from 1 in order, as in real tagged text.
      let next = 1;
      const runs = parts.flat().map((run): Run => (run.type === 'text' || run.type === 'close' ? run : { ...run, id: next++ }));
      return renderTagged(runs);
    });

  for (const entities of ['google', 'numeric'] as const) {
    it(`gives back any tagged text the mock echoes with ${entities} references`, async () => {
      mock.identity = true;
      mock.entities = entities;
      const provider = v2();
      await fc.assert(
        fc.asyncProperty(fc.array(codedText, { minLength: 1, maxLength: 8 }), async (sources) => {
          const results = await provider.translate({ sourceLanguage: 'pl', targetLanguage: 'sv', segments: sources.map((source, index) => ({ id: String(index), source })) });
          expect(results.map((result) => result.target)).toEqual(sources);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('hansa translate --provider google', () => {
  const v2Env = (): Record<string, string> => ({ GOOGLE_TRANSLATE_API_KEY: mock.key, GOOGLE_TRANSLATE_URL: mock.url });

  it('translates through the mock (v2), journals every answer and never buys a segment twice', async () => {
    const dir = await sampleProject();
    const first = await hansa(dir, ['translate', '--provider', 'google', '--to', 'en,nb', '--json'], { env: v2Env() });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { languages: { lang: string; untranslated: number; byOrigin: Record<string, number> }[] };
    expect(summary.languages.map((language) => [language.lang, language.untranslated])).toEqual([
      ['en', 0],
      ['nb', 0],
    ]);
    expect(summary.languages.every((language) => (language.byOrigin['mt:google'] ?? 0) > 0)).toBe(true);
    expect(new Set(mock.requests.map((request) => request.body['target']))).toEqual(new Set(['en', 'no']));
    const article = await readFile(path.join(dir, 'dist/nb/aktualnosci/2021-11-10-europejski-lider.md'), 'utf8');
    expect(article).toContain('no: CENTRUM ROZWOJU TALENTÓW OD POCZĄTKU');
    expect(article).not.toMatch(/&#39;|&quot;|&nbsp;/);
    const requests = mock.requests.length;
    expect([...mock.translated.values()].every((count) => count === 1)).toBe(true);

    const again = await hansa(dir, ['translate', '--provider', 'google', '--to', 'en,nb'], { env: v2Env() });
    expect(again.code).toBe(0);
    expect(mock.requests.length).toBe(requests);

    const everything = `${await allText(dir)}\n${first.stdout}\n${first.stderr}\n${again.stdout}\n${again.stderr}`;
    expect(everything).not.toContain(mock.key);
    expect(everything).not.toContain('fake-google');
  });

  it('uses v3 with a glossary resource from the config, the project id from the environment', async () => {
    const dir = await sampleProject();
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { google: { api: 'v3', location: 'europe-west1', glossaryId: 'hansa-pl-en' } } }));
    mock.glossaries.set(`projects/${mock.projectId}/locations/europe-west1/glossaries/hansa-pl-en`, { 'Centrum Rozwoju Talentów': 'Talent Development Centre' });
    const env = { GOOGLE_ACCESS_TOKEN: mock.token, GOOGLE_PROJECT_ID: mock.projectId, GOOGLE_TRANSLATE_URL: mock.url };
    const result = await hansa(dir, ['translate', '--provider', 'google', '--to', 'en', '--json'], { env });
    expect(result.code).toBe(0);
    expect(mock.requests.length).toBeGreaterThan(0);
    expect(mock.requests.every((request) => request.api === 'v3' && request.body['glossaryConfig'] !== undefined)).toBe(true);
    const article = await readFile(path.join(dir, 'dist/en/aktualnosci/2021-11-10-europejski-lider.md'), 'utf8');
    expect(article).toContain('Talent Development Centre');
    expect(`${await allText(dir)}\n${result.stdout}\n${result.stderr}`).not.toContain(mock.token);
  });

  it('retries 429s, and hands the rest to the next provider when the daily limit is spent', async () => {
    const dir = await sampleProject();
    type Summary = { languages: { untranslated: number; byOrigin: Record<string, number> }[] };
    mock.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }, { kind: 'status', status: 403, reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' });
    const retried = await hansa(dir, ['translate', '--provider', 'google,pseudo', '--to', 'en', '--json'], { env: v2Env() });
    expect(retried.code).toBe(0);
    const first = (JSON.parse(retried.stdout) as Summary).languages[0];
    expect(first?.untranslated).toBe(0);
    expect(first?.byOrigin['mt:pseudo']).toBeUndefined();
    expect(mock.faults).toHaveLength(0);

    mock.faults.push({ kind: 'status', status: 403, reason: 'dailyLimitExceeded', message: 'Daily Limit Exceeded' });
    const requests = mock.requests.length;
    const spent = await hansa(dir, ['translate', '--provider', 'google,pseudo', '--to', 'de', '--json'], { env: v2Env() });
    expect(spent.code).toBe(0);
    const second = (JSON.parse(spent.stdout) as Summary).languages[0];
    expect(second?.untranslated).toBe(0);
    expect(second?.byOrigin['mt:pseudo']).toBeGreaterThan(0);
    expect(spent.stderr).toMatch(/quota exhausted \(HTTP 403\): Daily Limit Exceeded/);
    // Never retried: at most the requests already under way besides the refused one.
    expect(mock.requests.length - requests).toBeLessThanOrEqual(4);
  });

  it('refuses answers whose codes were dropped and leaves those segments to the next provider', async () => {
    const dir = await sampleProject();
    for (let i = 0; i < 40; i++) mock.faults.push({ kind: 'drop-tags' });
    const result = await hansa(dir, ['translate', '--provider', 'google,pseudo', '--to', 'de', '--json'], { env: v2Env() });
    const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; byOrigin: Record<string, number> }[] };
    expect(summary.languages[0]?.untranslated).toBe(0);
    expect(summary.languages[0]?.byOrigin['mt:pseudo']).toBeGreaterThan(0);
    const output = await readFile(path.join(dir, 'dist/de/aktualnosci/2022-03-15-targi-pracy.md'), 'utf8');
    expect(output).toContain('](https://example.org/targi-pracy-2022/zapisy');
  });

  it('estimates a dry run without credentials and without calling anything', async () => {
    const dir = await sampleProject();
    const result = await hansa(dir, ['translate', '--provider', 'google', '--to', 'en,sv', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { languages: { characters: number; requests: number; estimatedCost: number }[] };
    for (const language of summary.languages) {
      expect(language.requests).toBeGreaterThan(0);
      expect(language.estimatedCost).toBeCloseTo((language.characters / 1_000_000) * 20, 6);
    }
    expect(mock.requests).toHaveLength(0);
  });

  it('says which variable or key is wrong, with exit 2', async () => {
    const dir = await sampleProject();
    const missing = await hansa(dir, ['translate', '--provider', 'google']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('GOOGLE_TRANSLATE_API_KEY');
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ providerOptions: { google: { api: 'v3', glossaryId: 'g' } } }));
    const global = await hansa(dir, ['translate', '--provider', 'google'], { env: { GOOGLE_ACCESS_TOKEN: mock.token, GOOGLE_PROJECT_ID: mock.projectId } });
    expect(global.code).toBe(2);
    expect(global.stderr).toContain('providerOptions.google.location');
    expect(global.stderr).not.toContain(mock.token);
  });
});
