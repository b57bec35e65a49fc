/**
 * A DeepL API v2 stand-in on 127.0.0.1 for tests: the real request and response shapes,
 * limits (50 texts, 128 KiB) and error bodies, with faults to inject. Its "translation"
 * upper-cases the text outside tags and prefixes the target language, so tests can see
 * which language a text went to and that codes came back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendJson, listenOnLoopback, shout } from './mock-http.js';

/** A fault the next request gets instead of a translation. */
export type DeeplFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'drop-tags' }
  | { readonly kind: 'short' };

/** The mock and what it saw. */
export interface MockDeepl {
  readonly url: string;
  readonly key: string;
  /** Requests received, parsed. */
  readonly requests: { readonly authorization: string | undefined; readonly body: Record<string, unknown> }[];
  /**
   * How many times each source text was translated and sent back, per target language.
   * An answer to a client that had already gone (killed mid-request) is not counted.
   */
  readonly translated: Map<string, number>;
  /** Every answer sent: the text's key (target and source) and when (`Date.now()`). */
  readonly deliveries: { readonly key: string; readonly at: number }[];
  /** Faults for the next requests, in order. */
  readonly faults: DeeplFault[];
  /** Characters left before 456; default unlimited. */
  quota: number;
  /** Milliseconds each translation takes; default 0. */
  latencyMs: number;
  close(): Promise<void>;
}

function translateText(text: string, target: string): string {
  return `${target}: ${shout(text)}`;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(response, status, body, { 'x-trace-id': '0123456789abcdef0123456789abcdef', ...headers });
}

/** Start the mock on an ephemeral port of 127.0.0.1. */
export async function startMockDeepl(key = 'fake-deepl-key-3f9a2c:fx'): Promise<MockDeepl> {
  const state = { deliveries: [] as { key: string; at: number }[], requests: [] as MockDeepl['requests'][number][], translated: new Map<string, number>(), faults: [] as DeeplFault[], quota: Number.POSITIVE_INFINITY, latencyMs: 0 };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let clientGone = false;
    request.socket.once('close', () => {
      clientGone = true;
    });
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (request.method !== 'POST' || request.url !== '/v2/translate') return send(response, 404, { message: 'Not found' });
      if (request.headers.authorization !== `DeepL-Auth-Key ${key}`) return send(response, 403, { message: 'Authorization failure, check auth_key' });
      if (raw.length > 128 * 1024) return send(response, 413, { message: 'Request Entity Too Large' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(response, 400, { message: 'Invalid request: could not parse JSON' });
      }
      state.requests.push({ authorization: request.headers.authorization, body });
      const texts = body['text'];
      const target = body['target_lang'];
      if (!Array.isArray(texts) || texts.length === 0 || typeof target !== 'string') return send(response, 400, { message: "Value for 'text' not supported." });
      if (texts.length > 50) return send(response, 400, { message: "Too many texts: at most 50 texts per request." });
      const fault = state.faults.shift();
      if (fault?.kind === 'status') return send(response, fault.status, fault.body ?? { message: 'Too many requests' }, fault.headers);
      if (fault?.kind === 'malformed') return send(response, 200, '{"translations": [');
      const characters = texts.reduce((sum: number, text: unknown) => sum + String(text).replace(/<[^>]*>/g, '').length, 0);
      if (characters > state.quota) return send(response, 456, { message: 'Quota for this billing period has been exceeded.' });
      state.quota -= characters;
      const deliver = (): void => {
        for (const text of texts) {
          const key = `${target}\u0000${String(text)}`;
          state.translated.set(key, (state.translated.get(key) ?? 0) + 1);
          state.deliveries.push({ key, at: Date.now() });
        }
      };
      const translations = texts.map((text: unknown) => {
        const source = String(text);
        const out = translateText(source, target);
        return { detected_source_language: 'PL', text: fault?.kind === 'drop-tags' ? out.replace(/<[^>]*>/g, '') : out };
      });
      const answer = { translations: fault?.kind === 'short' ? translations.slice(1) : translations };
      const respond = (): void => {
        if (request.socket.destroyed || clientGone) return;
        deliver();
        send(response, 200, answer);
      };
      if (state.latencyMs > 0) setTimeout(respond, state.latencyMs);
      else respond();
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests: state.requests,
    translated: state.translated,
    deliveries: state.deliveries,
    faults: state.faults,
    get quota() {
      return state.quota;
    },
    set quota(value: number) {
      state.quota = value;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    close,
  };
}
