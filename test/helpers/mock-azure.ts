/**
 * An Azure AI Translator v3 stand-in on 127.0.0.1 for tests: the real request and response
 * shapes, limits (1,000 elements, 50,000 characters across targets) and error bodies
 * `{error: {code, message}}`, with faults to inject. Its "translation" upper-cases the text
 * outside tags and prefixes the target language.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mangleTags, sendJson, listenOnLoopback, type TagMangling } from './mock-http.js';

/** A fault the next request gets instead of a translation. */
export type AzureFault =
  | { readonly kind: 'status'; readonly status: number; readonly code: number; readonly message?: string; readonly headers?: Record<string, string> }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'short' }
  /** Codes dropped, misnested or renamed in every text. */
  | { readonly kind: 'tags'; readonly how: TagMangling }
  /** The connection is accepted and never answered. */
  | { readonly kind: 'hang' };

/** A request as the mock saw it. */
export interface AzureRequest {
  readonly url: string;
  readonly query: URLSearchParams;
  readonly key: string | undefined;
  readonly region: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** The mock and what it saw. */
export interface MockAzure {
  readonly url: string;
  readonly key: string;
  readonly requests: AzureRequest[];
  /** Faults for the next requests, in order. */
  readonly faults: AzureFault[];
  close(): Promise<void>;
}

const languages = new Set(['pl', 'en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb']);

function translateText(text: string, target: string): string {
  return `${target}: ${text.replace(/(<[^>]*>|&[#a-zA-Z0-9]+;)|([^<&]+|[<&])/g, (_, kept: string | undefined, plain: string | undefined) => kept ?? (plain ?? '').toUpperCase())}`;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(response, status, body, { 'content-type': 'application/json; charset=utf-8', 'x-requestid': '0123456789abcdef', ...headers });
}

function error(response: ServerResponse, code: number, message: string, headers: Record<string, string> = {}): void {
  send(response, Math.floor(code / 1000), { error: { code, message } }, headers);
}

/** Start the mock on an ephemeral port of 127.0.0.1. */
export async function startMockAzure(key = 'fake-azure-key-9d2b7e'): Promise<MockAzure> {
  const state = { requests: [] as AzureRequest[], faults: [] as AzureFault[] };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method !== 'POST' || url.pathname !== '/translate') return error(response, 404000, 'The requested resource was not found.');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      state.requests.push({ url: request.url ?? '', query: url.searchParams, key: header('ocp-apim-subscription-key'), region: header('ocp-apim-subscription-region'), contentType: header('content-type'), body });
      if (url.searchParams.get('api-version') !== '3.0') return error(response, 400021, 'The API version parameter is missing or invalid.');
      if (header('ocp-apim-subscription-key') !== key) {
        return error(response, 401000, 'The request is not authorized because credentials are missing or invalid.');
      }
      if (!header('content-type')?.startsWith('application/json')) return error(response, 415000, 'The Content-Type header is missing or invalid.');
      if (!Array.isArray(body)) return error(response, 400074, 'The body of the request is not valid JSON.');
      const targets = url.searchParams.getAll('to');
      const from = url.searchParams.get('from');
      if (targets.length === 0) return error(response, 400036, 'The target language ("To" field) is missing or invalid.');
      if (targets.some((target) => !languages.has(target)) || (from !== null && !languages.has(from))) return error(response, 400019, 'One of the languages specified is not supported.');
      if (!['plain', 'html', null].includes(url.searchParams.get('textType'))) return error(response, 400071, 'The value of the TextType parameter is not valid.');
      if (body.length > 1000) return error(response, 400072, 'The array of text has too many elements.');
      const texts = body.map((element: unknown) => (typeof element === 'object' && element !== null ? (element as Record<string, unknown>)['Text'] : undefined));
      if (texts.some((text) => typeof text !== 'string')) return error(response, 400005, 'An input text is missing or invalid.');
      const characters = texts.reduce((sum: number, text) => sum + [...String(text)].length, 0) * targets.length;
      if (characters > 50_000) return error(response, 400077, 'The maximum request size has been exceeded.');
      const fault = state.faults.shift();
      if (fault?.kind === 'status') return error(response, fault.code, fault.message ?? 'The server rejected the request because the client has exceeded request limits.', fault.headers);
      if (fault?.kind === 'malformed') return send(response, 200, '[{"translations": [');
      if (fault?.kind === 'hang') return;
      const spoil = (text: string): string => (fault?.kind === 'tags' ? mangleTags(text, fault.how) : text);
      const answer = texts.map((text) => ({ translations: targets.map((to) => ({ text: spoil(translateText(String(text), to)), to })) }));
      send(response, 200, fault?.kind === 'short' ? answer.slice(1) : answer, { 'x-metered-usage': String(characters) });
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests: state.requests,
    faults: state.faults,
    close,
  };
}
