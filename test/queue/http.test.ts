import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyHttpError, ProviderQueue, QuotaExhaustedError } from '../../src/queue/index.js';

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
