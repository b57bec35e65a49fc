/**
 * A LibreTranslate stand-in on 127.0.0.1 for tests: `GET /languages` with the Argos models
 * of providers.md §5 (`pl→en` only, `en→{sv,lt,lv,et,fi,da,de,nb}`), `POST /translate` with
 * JSON `q` as a string or an array, `{error}` bodies, and faults to inject. Its "translation"
 * upper-cases the text outside tags and prefixes `[src>tgt]`; the `entities` fault answers
 * in HTML the way a real server may: `'` and `"` as `&#39;`/`&quot;`, `&amp;` as a bare `&`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mangleTags, sendJson, listenOnLoopback, type TagMangling } from './mock-http.js';

/** A fault the next `/translate` request gets instead of a translation. */
export type LibreTranslateFault =
  /** No fault: this request is answered normally (to fault a later one, e.g. a pivot's second leg). */
  | { readonly kind: 'none' }
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'short' }
  | { readonly kind: 'entities' }
  /** Codes dropped, misnested or renamed in every text. */
  | { readonly kind: 'tags'; readonly how: TagMangling }
  /** The connection is accepted and never answered. */
  | { readonly kind: 'hang' };

/** The mock and what it saw. */
export interface MockLibreTranslate {
  readonly url: string;
  /** The API key it requires, or `undefined` when it requires none. */
  readonly key: string | undefined;
  /** `/translate` requests received, parsed. */
  readonly requests: Record<string, unknown>[];
  /** Every request line, e.g. `GET /languages`. */
  readonly calls: string[];
  /** Faults for the next `/translate` requests, in order. */
  readonly faults: LibreTranslateFault[];
  close(): Promise<void>;
}

/** Source → targets, as the Argos models of providers.md §5. */
export const mockPairs: Readonly<Record<string, readonly string[]>> = {
  pl: ['en'],
  en: ['sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'pl'],
};

const names: Readonly<Record<string, string>> = { pl: 'Polish', en: 'English' };

function translateText(text: string, source: string, target: string, entities: boolean): string {
  // Tags and entities stay; other text is upper-cased (and, for `entities`, written the HTML way).
  const body = text.replace(/(<[^>]*>|&[#a-zA-Z0-9]+;)|([^<&]+|[<&])/g, (_, kept: string | undefined, plain: string | undefined) => {
    if (kept !== undefined) return entities && kept === '&amp;' ? '&' : kept;
    const upper = (plain ?? '').toUpperCase();
    return entities ? upper.replace(/'/g, '&#39;').replace(/"/g, '&quot;') : upper;
  });
  return `[${source}>${target}] ${body}`;
}

const send = sendJson;

/** Start the mock on an ephemeral port of 127.0.0.1; with `key`, requests must carry it as `api_key`. */
export async function startMockLibreTranslate(key?: string): Promise<MockLibreTranslate> {
  const state = { requests: [] as Record<string, unknown>[], calls: [] as string[], faults: [] as LibreTranslateFault[] };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.calls.push(`${request.method ?? ''} ${request.url ?? ''}`);
      if (request.method === 'GET' && request.url === '/languages') {
        return send(response, 200, Object.entries(mockPairs).map(([code, targets]) => ({ code, name: names[code] ?? code, targets })));
      }
      if (request.method !== 'POST' || request.url !== '/translate') return send(response, 404, { error: 'Not Found' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(response, 400, { error: 'Invalid JSON format' });
      }
      state.requests.push(body);
      if (key !== undefined && body['api_key'] !== key) return send(response, 403, { error: 'Invalid API key' });
      const { q, source, target } = body;
      if (q === undefined || q === '' || (Array.isArray(q) && q.length === 0)) return send(response, 400, { error: 'Invalid request: missing q parameter' });
      if (typeof source !== 'string' || typeof target !== 'string') return send(response, 400, { error: 'Invalid request: missing source or target parameter' });
      if (mockPairs[source] === undefined) return send(response, 400, { error: `${source} is not supported` });
      if (!mockPairs[source].includes(target)) {
        return send(response, 400, { error: `${target} is not available as a target language from ${source}` });
      }
      const fault = state.faults.shift();
      if (fault?.kind === 'status') return send(response, fault.status, fault.body ?? { error: 'Slowdown: 1 per 1 minute' });
      if (fault?.kind === 'malformed') return send(response, 200, '{"translatedText": [');
      if (fault?.kind === 'hang') return;
      const spoil = (text: string): string => (fault?.kind === 'tags' ? mangleTags(text, fault.how) : text);
      const texts = (Array.isArray(q) ? q : [q]).map((text: unknown) => spoil(translateText(String(text), source, target, fault?.kind === 'entities')));
      if (!Array.isArray(q)) return send(response, 200, { translatedText: texts[0] });
      send(response, 200, { translatedText: fault?.kind === 'short' ? texts.slice(1) : texts });
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests: state.requests,
    calls: state.calls,
    faults: state.faults,
    close,
  };
}
