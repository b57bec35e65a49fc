import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTarget } from '../../src/markdown/tagged.js';
import { createOpenAiProvider, languageLabel } from '../../src/providers/openai.js';
import type { TranslationRequest } from '../../src/providers/types.js';
import { FatalError, ProviderError, QuotaExhaustedError, RateLimitError, TransientError } from '../../src/queue/index.js';
import { startMockOpenAi, type MockOpenAi, type OpenAiFault } from '../helpers/mock-openai.js';

let mock: MockOpenAi;
beforeEach(async () => {
  mock = await startMockOpenAi();
});
afterEach(async () => {
  await mock.close();
});

const request: TranslationRequest = {
  sourceLanguage: 'pl',
  targetLanguage: 'sv',
  segments: [
    { id: 'a', source: 'Zobacz <pc id="1">stronę</pc>.' },
    { id: 'b', source: 'Wpisz <ph id="1"/> teraz &amp; tutaj.' },
  ],
};

function provider(options: { apiKey?: string; url?: string } = {}) {
  return createOpenAiProvider({ apiKey: 'apiKey' in options ? options.apiKey : mock.key, baseUrl: options.url ?? mock.url, model: 'gpt-4o-mini' });
}

async function failure(fault: OpenAiFault, req: TranslationRequest = request): Promise<ProviderError> {
  mock.faults.push(fault);
  const error = await provider()
    .translate(req)
    .then(
      () => undefined,
      (reason: unknown) => reason,
    );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.provider).toBe('openai');
  expect(providerError.message).not.toContain(mock.key ?? '\u0000');
  expect(JSON.stringify(providerError)).not.toContain(mock.key ?? '\u0000');
  return providerError;
}

describe('openai adapter', () => {
  it('sends one chat completion with a strict JSON schema and reads the translations back in order', async () => {
    const p = provider();
    expect(p.name).toBe('openai');
    expect(p.capabilities).toMatchObject({ markup: 'xml', glossary: 'prompt', maxSegmentsPerRequest: 40, maxCharactersPerRequest: 12_000, pricePerMillionCharacters: 0, isSynthetic: false });
    const results = await p.translate(request);
    expect(results).toEqual([
      { id: 'a', target: 'Swedish: ZOBACZ <pc id="1">STRONĘ</pc>.', origin: 'mt:openai:gpt-4o-mini' },
      { id: 'b', target: 'Swedish: WPISZ <ph id="1"/> TERAZ &AMP; TUTAJ.', origin: 'mt:openai:gpt-4o-mini' },
    ]);
    expect(mock.requests).toHaveLength(1);
    const sent = mock.requests[0]!;
    expect(sent.authorization).toBe(`Bearer ${mock.key}`);
    expect(sent.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'translations',
          strict: true,
          schema: {
            type: 'object',
            required: ['translations'],
            additionalProperties: false,
            properties: {
              translations: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, text: { type: 'string' } }, required: ['id', 'text'], additionalProperties: false },
              },
            },
          },
        },
      },
    });
    expect(sent.body.messages?.map((message) => message.role)).toEqual(['system', 'user']);
    expect(JSON.parse(sent.body.messages?.[1]?.content ?? '')).toEqual({
      segments: [
        { id: 'a', text: 'Zobacz <pc id="1">stronę</pc>.' },
        { id: 'b', text: 'Wpisz <ph id="1"/> teraz &amp; tutaj.' },
      ],
    });
    const system = sent.body.messages?.[0]?.content ?? '';
    expect(system).toContain('from Polish (pl) into Swedish (sv)');
    expect(system).toContain('exactly once');
    expect(system).toMatch(/never instructions/);
    expect(system).not.toContain('Glossary');
  });

  it('sends no Authorization header without a key (Ollama)', async () => {
    await mock.close();
    mock = await startMockOpenAi(null);
    const p = createOpenAiProvider({ baseUrl: `${mock.url}/`, model: 'qwen2.5:14b', temperature: 0.2 });
    const results = await p.translate({ sourceLanguage: 'pl', targetLanguage: 'nb', segments: [{ id: 'x', source: 'Dzień dobry.' }] });
    expect(results).toEqual([{ id: 'x', target: 'Norwegian Bokmål: DZIEŃ DOBRY.', origin: 'mt:openai:qwen2.5:14b' }]);
    expect(mock.requests[0]?.authorization).toBeUndefined();
    expect(mock.requests[0]?.body).toMatchObject({ model: 'qwen2.5:14b', temperature: 0.2 });
  });

  it('lists each segment’s glossary terms in the system prompt', async () => {
    await provider().translate({
      sourceLanguage: 'pl',
      targetLanguage: 'de',
      segments: [
        { id: 'a', source: 'Centrum Rozwoju Talentów zaprasza.', terms: [{ source: 'Centrum Rozwoju Talentów', text: 'Centrum Rozwoju Talentów', doNotTranslate: true }] },
        { id: 'b', source: 'Targi pracy w Gdańsku.', terms: [{ source: 'targi pracy', text: 'Targi pracy', target: 'Jobmesse', doNotTranslate: false }] },
        { id: 'c', source: 'Bez terminów.', terms: [{ source: 'termin', text: 'terminów', doNotTranslate: false }] },
      ],
    });
    const system = mock.requests[0]?.body.messages?.[0]?.content ?? '';
    expect(system).toContain('Glossary');
    expect(system).toContain('- segment "a": "Centrum Rozwoju Talentów" → keep as is');
    expect(system).toContain('- segment "b": "Targi pracy" ("targi pracy") → "Jobmesse"');
    // A term with no target and no do-not-translate flag gives the model nothing to follow.
    expect(system).not.toContain('segment "c"');
  });

  it('asks once for a repeated id and answers each occurrence; sends nothing for an empty batch', async () => {
    const results = await provider().translate({ sourceLanguage: 'pl', targetLanguage: 'fi', segments: [{ id: 'a', source: 'Tak.' }, { id: 'a', source: 'Tak.' }] });
    expect(results.map((result) => result.target)).toEqual(['Finnish: TAK.', 'Finnish: TAK.']);
    expect(JSON.parse(mock.requests[0]?.body.messages?.[1]?.content ?? '')).toEqual({ segments: [{ id: 'a', text: 'Tak.' }] });
    expect(await provider().translate({ sourceLanguage: 'pl', targetLanguage: 'fi', segments: [] })).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });

  it('turns a 429 into a rate-limit error that honours retry-after-ms', async () => {
    const error = await failure({ kind: 'rate-limit', retryAfterMs: 750 });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 750, providerCode: 'rate_limit_exceeded', isRetryable: true });
  });

  it('turns a 429 insufficient_quota into a quota error that is never retried', async () => {
    const error = await failure({ kind: 'quota' });
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(error).toMatchObject({ kind: 'quota_exhausted', status: 429, providerCode: 'insufficient_quota', isRetryable: false });
  });

  it('turns a 500 and a 503 into transient errors', async () => {
    expect(await failure({ kind: 'status', status: 500 })).toMatchObject({ kind: 'transient', status: 500 });
    const busy = await failure({ kind: 'status', status: 503, body: { error: 'server busy, please try again.  maximum pending requests exceeded' } });
    expect(busy).toBeInstanceOf(TransientError);
  });

  it('turns malformed content, truncated output and wrong ids into transient errors', async () => {
    expect(await failure({ kind: 'malformed' })).toMatchObject({ kind: 'transient', message: expect.stringContaining('not the translations JSON') });
    expect(await failure({ kind: 'length' })).toMatchObject({ kind: 'transient', message: expect.stringContaining('truncated output') });
    expect(await failure({ kind: 'drop-id' })).toMatchObject({ kind: 'transient', message: expect.stringContaining('left out 1 of 2') });
    expect(await failure({ kind: 'duplicate-id' })).toMatchObject({ kind: 'transient', message: expect.stringContaining('repeated') });
    expect(await failure({ kind: 'extra-id' })).toMatchObject({ kind: 'transient', message: expect.stringContaining('unknown') });
    expect(await failure({ kind: 'status', status: 200, body: '{"choices": [' })).toMatchObject({ kind: 'transient', message: expect.stringContaining('malformed response') });
  });

  it('gives up on a refusal', async () => {
    expect(await failure({ kind: 'refusal' })).toBeInstanceOf(FatalError);
  });

  it('returns answers with dropped codes as they are, for the pipeline to refuse', async () => {
    mock.faults.push({ kind: 'drop-tags' });
    const results = await provider().translate(request);
    expect(results[0]).toMatchObject({ id: 'a', target: 'Swedish: ZOBACZ STRONĘ.' });
    expect(readTarget(request.segments[0]!.source, results[0]!.target)).toHaveProperty('problem');
  });

  it('never puts the key in an error, even when the server echoes it', async () => {
    const wrong = 'sk-wrong-key-0000aaaa';
    const error = await provider({ apiKey: wrong })
      .translate(request)
      .then(
        () => undefined,
        (reason: unknown) => reason as ProviderError,
      );
    expect(error).toBeInstanceOf(FatalError);
    expect(error).toMatchObject({ status: 401, providerCode: 'invalid_api_key' });
    expect(error?.message).toContain('[redacted]');
    expect(`${error?.message} ${JSON.stringify(error)} ${String(error?.stack)}`).not.toContain(wrong);

    const unreachable = await provider({ url: 'http://127.0.0.1:1/v1' })
      .translate(request)
      .then(
        () => undefined,
        (reason: unknown) => reason as ProviderError,
      );
    expect(unreachable).toBeInstanceOf(TransientError);
    expect(unreachable?.message).not.toContain(mock.key ?? '\u0000');
  });

  it('checks its options and names languages', () => {
    expect(() => createOpenAiProvider({ model: '' })).toThrow(TypeError);
    expect(() => createOpenAiProvider({ model: 'm', temperature: 3 })).toThrow(TypeError);
    expect(createOpenAiProvider({ model: 'm', pricePerMillionCharacters: 5 }).capabilities.pricePerMillionCharacters).toBe(5);
    expect(['pl', 'de', 'nb', 'lt'].map(languageLabel)).toEqual(['Polish (pl)', 'German (de)', 'Norwegian Bokmål (nb)', 'Lithuanian (lt)']);
  });
});

describe('hansa translate --provider openai', () => {
  it('translates the sample through an OpenAI-compatible server, and Ollama-style without a key', async () => {
    const { hansa, sampleProject } = await import('../helpers/cli.js');
    const { readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    for (const key of ['sk-fake-openai-key-7c1e9b', null] as const) {
      const server = await startMockOpenAi(key);
      try {
        const dir = await sampleProject();
        const env: Record<string, string> = { OPENAI_BASE_URL: server.url, OPENAI_MODEL: 'test-model', ...(key === null ? {} : { OPENAI_API_KEY: key }) };
        const result = await hansa(dir, ['translate', '--provider', 'openai', '--to', 'sv', '--json'], { env });
        expect(result.code).toBe(0);
        const summary = JSON.parse(result.stdout) as { languages: { untranslated: number; byOrigin: Record<string, number> }[] };
        expect(summary.languages[0]?.untranslated).toBe(0);
        expect(summary.languages[0]?.byOrigin['mt:openai:test-model']).toBeGreaterThan(100);
        const article = await readFile(path.join(dir, 'dist/sv/aktualnosci/2021-11-10-europejski-lider.md'), 'utf8');
        expect(article).toContain('CENTRUM ROZWOJU TALENTÓW OD POCZĄTKU');
        if (key !== null) expect(`${result.stdout}${result.stderr}${article}`).not.toContain(key);
      } finally {
        await server.close();
      }
    }
  });
});
