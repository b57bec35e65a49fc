import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiProvider } from '../../src/providers/openai.js';
import { redactUrlCredentials, requestJson } from '../../src/providers/http.js';
import { classifyHttpError, ProviderError, ProviderQueue, QuotaExhaustedError } from '../../src/queue/index.js';
import { emptyProject, hansa } from '../helpers/cli.js';

/** Answers by path: `/busy` gives 429 with `Retry-After: 1` once, then 200; `/quota` always 456. */
let server: Server;
let base: string;
const hits = new Map<string, number[]>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    const times = hits.get(path) ?? [];
    times.push(Date.now());
    hits.set(path, times);
    if (path === '/quota') {
      response.writeHead(456, { 'content-type': 'application/json' });
      response.end('{"message":"Quota for this billing period has been exceeded."}');
    } else if (times.length === 1) {
      response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      response.end('{"message":"Too many requests. Please wait and resend your request."}');
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"translations":[{"text":"Hello"}]}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function post(path: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(`${base}${path}`, { method: 'POST', body: '{"text":["Cześć"]}', signal });
  if (!response.ok) throw classifyHttpError('deepl', response.status, response.headers, await response.text());
  return response.json();
}

describe('on a real local HTTP server', () => {
  it('waits for Retry-After after a 429, then succeeds', async () => {
    const queue = new ProviderQueue({ provider: 'deepl', baseDelayMs: 10, random: () => 0 });
    const body = await queue.run(5, (signal) => post('/busy', signal));
    expect(body).toEqual({ translations: [{ text: 'Hello' }] });
    const [first, second] = hits.get('/busy') ?? [];
    expect(second! - first!).toBeGreaterThanOrEqual(990);
    expect(queue.requests).toBe(2);
    expect(queue.retries).toBe(1);
  });

  it('does not retry a 456 quota answer', async () => {
    const queue = new ProviderQueue({ provider: 'deepl', baseDelayMs: 10 });
    const error = await queue.run(5, (signal) => post('/quota', signal), { batch: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(error).toMatchObject({ status: 456, attempt: 1, batch: 1, message: 'deepl: quota exhausted (HTTP 456): Quota for this billing period has been exceeded.' });
    expect(hits.get('/quota')).toHaveLength(1);
  });
});

describe('credentials in base URLs', () => {
  const secret = 'S3cretPass';

  async function caught(promise: Promise<unknown>): Promise<ProviderError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }

  it('hides the user information of URLs in a text', () => {
    expect(redactUrlCredentials('GET https://user:S3cretPass@mt.example/x and http://token@h:1/ failed')).toBe('GET https://***@mt.example/x and http://***@h:1/ failed');
    expect(redactUrlCredentials('http://127.0.0.1:8080/translate, mail a@b.c')).toBe('http://127.0.0.1:8080/translate, mail a@b.c');
  });

  it('never quotes them in a provider error, from a failed fetch or an error body', async () => {
    const url = `http://hansa:${secret}@127.0.0.1:9/translate`;
    const refuse: typeof fetch = () => Promise.reject(new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url}`));
    const unreachable = await caught(requestJson('libretranslate', 'LibreTranslate', refuse, url, {}, undefined));
    expect(unreachable.message).toBe('LibreTranslate could not be reached: Request cannot be constructed from a URL that includes credentials: http://***@127.0.0.1:9/translate');
    expect(JSON.stringify([unreachable.message, unreachable.data, unreachable.cause])).not.toContain(secret);
    const echo: typeof fetch = () => Promise.resolve(new Response(JSON.stringify({ error: `no route ${url}` }), { status: 400 }));
    const echoed = await caught(requestJson('libretranslate', 'LibreTranslate', echo, url, {}, undefined));
    expect(echoed.message).toContain('http://***@127.0.0.1:9/translate');
    expect(JSON.stringify([echoed.message, echoed.data])).not.toContain(secret);
    const openai = createOpenAiProvider({ baseUrl: `http://hansa:${secret}@127.0.0.1:9/v1`, model: 'm', fetch: (input) => Promise.reject(new TypeError(`bad URL ${String(input)}`)) });
    const failed = await caught(openai.translate({ sourceLanguage: 'pl', targetLanguage: 'en', segments: [{ id: 'a', source: 'Ala ma kota.' }] }));
    expect(failed.message).toBe('openai could not be reached: bad URL http://***@127.0.0.1:9/v1/chat/completions');
    expect(failed.cause).toBeUndefined();
  });

  it('hansa translate with LIBRETRANSLATE_URL=user:password@… unreachable prints the password nowhere', async () => {
    // A port nobody listens on: taken, then given back.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), 'Ala ma kota.\n');
    await writeFile(path.join(dir, 'hansa.config.json'), '{"sourceLanguage":"pl","targetLanguages":["en"]}');
    const result = await hansa(dir, ['translate', '--provider', 'libretranslate', '--json'], { env: { LIBRETRANSLATE_URL: `http://hansa:${secret}@127.0.0.1:${port}` } });
    expect(result.stderr).toContain(`http://***@127.0.0.1:${port}`);
    expect(result.stdout).toContain('"dryRun"');
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    // Nor in anything the run wrote (segment files, dist/, the journal).
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const entry of entries.filter((item) => item.isFile())) {
      expect(await readFile(path.join(entry.parentPath, entry.name), 'utf8'), entry.name).not.toContain(secret);
    }
  });
});
