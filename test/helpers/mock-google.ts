/**
 * A Google Cloud Translation stand-in on 127.0.0.1 for tests, v2 and v3 (reference/providers.md
 * §2, §10):
 *
 * - v2 `POST /language/translate/v2`, JSON `{q, source, target, format}`, key in
 *   `X-Goog-Api-Key`, answer `{data: {translations: [{translatedText}]}}`; at most 128 texts
 *   ("Too many text segments") and 100 KB of body.
 * - v3 `POST /v3/projects/P/locations/L:translateText`, JSON `{contents, mimeType,
 *   sourceLanguageCode, targetLanguageCode, glossaryConfig}`, `Authorization: Bearer`, answer
 *   `{translations, glossaryTranslations}`; at most 1,024 texts and 30,000 code points
 *   ("Text is too long."); glossaries only outside `global`.
 * - Errors as Google writes them: `{error: {code, message, errors: [{reason}], status}}` (v2),
 *   `{error: {code, message, status, details: [ErrorInfo]}}` (v3).
 *
 * Its "translation" upper-cases the text outside tags and prefixes the Google target code
 * (`no: …` for Norwegian), or, with `identity`, keeps the text. Like the real service in HTML
 * mode it parses the input (entities decoded, `<ph id="1"/>` read as an element) and writes
 * HTML back: `'` as `&#39;`, `"` as `&quot;`, U+00A0 as `&nbsp;`, `<ph id="1"></ph>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendJson, listenOnLoopback } from './mock-http.js';

/** A fault the next translate request gets instead of a good answer. */
export type GoogleFault =
  /** A Google error body; `reason` goes to `errors[].reason` (v2) or `details[].reason` (v3). */
  | { readonly kind: 'status'; readonly status: number; readonly reason?: string; readonly message?: string; readonly headers?: Record<string, string> }
  /** Status 200 with a body cut short. */
  | { readonly kind: 'malformed' }
  /** One translation fewer than texts. */
  | { readonly kind: 'short' }
  /** The connection is accepted and never answered. */
  | { readonly kind: 'hang' }
  /** Tags removed from the output. */
  | { readonly kind: 'drop-tags' }
  /** The first code of each text moved to its end. */
  | { readonly kind: 'reorder-tags' }
  /** `pc` written as `b`, `ph` as `x`. */
  | { readonly kind: 'rename-tags' }
  /** Tag names upper-cased, `id` quoted with `'` or not at all. */
  | { readonly kind: 'requote-tags' }
  /** A 400 whose message quotes the credential it received. */
  | { readonly kind: 'echo-credential' };

/** A request as the mock saw it. */
export interface GoogleRequest {
  readonly api: 'v2' | 'v3';
  /** Path and query. */
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

/** The mock and what it saw. */
export interface MockGoogle {
  readonly url: string;
  /** The v2 API key it accepts. */
  readonly key: string;
  /** The v3 access token it accepts. */
  readonly token: string;
  /** The v3 project it serves. */
  readonly projectId: string;
  readonly requests: GoogleRequest[];
  /** Faults for the next translate requests, in order. */
  readonly faults: GoogleFault[];
  /** v3 glossaries by full name: source term → target term. */
  readonly glossaries: Map<string, Readonly<Record<string, string>>>;
  /** How many times each text was translated, keyed by `target\u0000source`. */
  readonly translated: Map<string, number>;
  /** Keep the text instead of translating it (for round-trip tests). Default false. */
  identity: boolean;
  /** `google` (default): only `& < > " '` and U+00A0 as references; `numeric`: every non-ASCII character too. */
  entities: 'google' | 'numeric';
  close(): Promise<void>;
}

const languages = new Set(['pl', 'en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'no', 'fr', 'es', 'it', 'nl', 'pt', 'cs', 'sk', 'sl', 'hu', 'ro', 'bg', 'el', 'uk', 'ru', 'is']);

const grpcStatus: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const defaultMessage: Readonly<Record<number, string>> = {
  429: "Quota exceeded for quota metric 'v3 general model characters' and limit 'v3 general model characters per minute per project'.",
  500: 'Internal error encountered.',
  503: 'The service is currently unavailable.',
};

const defaultReason: Readonly<Record<number, { v2: string; v3: string }>> = {
  429: { v2: 'rateLimitExceeded', v3: 'RATE_LIMIT_EXCEEDED' },
  500: { v2: 'backendError', v3: 'BACKEND_ERROR' },
  503: { v2: 'backendError', v3: 'BACKEND_ERROR' },
};

/** A Google error body in the shape of the API that was called. */
function errorBody(api: 'v2' | 'v3', status: number, message: string, reason: string | undefined, withStatus = true): unknown {
  const grpc = grpcStatus[status] ?? 'UNKNOWN';
  if (api === 'v2') {
    return { error: { code: status, message, errors: [{ message, domain: reason?.endsWith('Exceeded') ? 'usageLimits' : 'global', reason: reason ?? 'badRequest' }], ...(withStatus ? { status: grpc } : {}) } };
  }
  const details = reason === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'translate.googleapis.com', metadata: { service: 'translate.googleapis.com' } }];
  return { error: { code: status, message, status: grpc, details } };
}

function sendError(response: ServerResponse, api: 'v2' | 'v3', status: number, message: string, reason?: string, headers: Record<string, string> = {}, withStatus = true): void {
  sendJson(response, status, errorBody(api, status, message, reason, withStatus), { 'content-type': 'application/json; charset=UTF-8', ...headers });
}

const namedReferences: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Text of HTML, as the service's parser reads it. */
function decode(html: string): string {
  return html.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined) return String.fromCodePoint(Number(dec));
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    return namedReferences[name ?? ''] ?? whole;
  });
}

/** Text as the service writes it back in HTML. */
function encode(text: string, entities: 'google' | 'numeric'): string {
  let out = '';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '&') out += '&amp;';
    else if (character === '<') out += '&lt;';
    else if (character === '>') out += '&gt;';
    else if (character === '"') out += '&quot;';
    else if (character === "'") out += '&#39;';
    else if (character === '\u00a0') out += '&nbsp;';
    else if (entities === 'numeric' && code > 0xffff) out += `&#x${code.toString(16)};`;
    else if (entities === 'numeric' && code > 0x7e) out += `&#${code};`;
    else out += character;
  }
  return out;
}

/** The "translation" of a text run: upper-cased, glossary terms replaced as they are. */
function translateRun(text: string, identity: boolean, glossary: Readonly<Record<string, string>> | undefined, ignoreCase: boolean): string {
  if (identity) return text;
  const terms = Object.keys(glossary ?? {}).sort((a, b) => b.length - a.length);
  if (glossary === undefined || terms.length === 0) return text.toUpperCase();
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(${escaped.join('|')})`, ignoreCase ? 'giu' : 'gu');
  return text
    .split(pattern)
    .map((part, index) => {
      if (index % 2 === 0) return part.toUpperCase();
      const term = terms.find((candidate) => (ignoreCase ? candidate.toLowerCase() === part.toLowerCase() : candidate === part));
      return term === undefined ? part.toUpperCase() : (glossary[term] ?? part);
    })
    .join('');
}

interface TranslateSettings {
  readonly target: string;
  readonly html: boolean;
  readonly identity: boolean;
  readonly entities: 'google' | 'numeric';
  readonly glossary?: Readonly<Record<string, string>> | undefined;
  readonly ignoreCase?: boolean;
}

/** One text through the fake service: HTML parsed, runs translated, HTML written back. */
function translateText(text: string, settings: TranslateSettings): string {
  const prefix = settings.identity ? '' : `${settings.target}: `;
  if (!settings.html) return prefix + translateRun(text, settings.identity, settings.glossary, settings.ignoreCase ?? false);
  let out = settings.identity ? '' : encode(prefix, settings.entities);
  for (const [, tag, run] of text.matchAll(/(<[^>]*>)|([^<]+|<)/g)) {
    if (tag !== undefined) {
      // An HTML serialiser writes an element: `<ph id="1"/>` is not an empty-element tag in HTML.
      const selfClosing = /^<([a-z][a-z0-9-]*)([^>]*?)\s*\/>$/i.exec(tag);
      out += selfClosing === null ? tag : `<${selfClosing[1]}${selfClosing[2]}></${selfClosing[1]}>`;
    } else {
      out += encode(translateRun(decode(run ?? ''), settings.identity, settings.glossary, settings.ignoreCase ?? false), settings.entities);
    }
  }
  return out;
}

/** A translated text as a faulty service might return it. */
function damaged(text: string, fault: GoogleFault | undefined): string {
  switch (fault?.kind) {
    case 'drop-tags':
      return text.replace(/<[^>]*>/g, '');
    case 'rename-tags':
      return text.replace(/<(\/?)pc\b/g, '<$1b').replace(/<(\/?)ph\b/g, '<$1x');
    case 'requote-tags':
      return text.replace(/<pc id="(\d+)">/g, "<PC ID='$1'>").replace(/<\/pc>/g, '</PC >').replace(/<ph id="(\d+)">/g, '<Ph id=$1 >');
    case 'reorder-tags': {
      const first = /<pc id="\d+">[^<]*<\/pc>|<ph id="\d+"><\/ph>/.exec(text);
      return first === null ? text : `${text.slice(0, first.index)}${text.slice(first.index + first[0].length)} ${first[0]}`;
    }
    default:
      return text;
  }
}

function readBody(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function codePoints(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + [...text].length, 0);
}

/** Start the mock on an ephemeral port of 127.0.0.1. */
export async function startMockGoogle(options: { key?: string; token?: string; projectId?: string } = {}): Promise<MockGoogle> {
  const key = options.key ?? 'fake-google-key-7c41d0';
  const token = options.token ?? 'fake-google-token-ya29-5e8f';
  const projectId = options.projectId ?? 'hansa-test';
  const state = {
    requests: [] as GoogleRequest[],
    faults: [] as GoogleFault[],
    glossaries: new Map<string, Readonly<Record<string, string>>>(),
    translated: new Map<string, number>(),
    identity: false,
    entities: 'google' as 'google' | 'numeric',
  };

  /** Answer with translations, unless a fault says otherwise. */
  function answer(response: ServerResponse, api: 'v2' | 'v3', texts: readonly string[], settings: TranslateSettings, credential: string, glossaryConfig?: unknown): void {
    const fault = state.faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return sendError(response, api, fault.status, fault.message ?? defaultMessage[fault.status] ?? 'Request failed.', fault.reason ?? defaultReason[fault.status]?.[api], fault.headers);
    if (fault?.kind === 'echo-credential') return sendError(response, api, 400, `Credential not accepted here: ${credential}`, api === 'v2' ? 'badRequest' : undefined);
    if (fault?.kind === 'malformed') return sendJson(response, 200, api === 'v2' ? '{"data": {"translations": [' : '{"translations": [');
    for (const text of texts) {
      const counted = `${settings.target}\u0000${text}`;
      state.translated.set(counted, (state.translated.get(counted) ?? 0) + 1);
    }
    const translate = (glossary: TranslateSettings['glossary']): { translatedText: string }[] => {
      const out = texts.map((text) => ({ translatedText: damaged(translateText(text, { ...settings, glossary }), fault) }));
      return fault?.kind === 'short' ? out.slice(1) : out;
    };
    if (api === 'v2') return sendJson(response, 200, { data: { translations: translate(undefined) } });
    const plain = translate(undefined);
    if (settings.glossary === undefined) return sendJson(response, 200, { translations: plain });
    sendJson(response, 200, { translations: plain, glossaryTranslations: translate(settings.glossary).map((translation) => ({ ...translation, glossaryConfig })) });
  }

  function handleV2(request: IncomingMessage, response: ServerResponse, raw: Buffer, record: (body: Record<string, unknown>) => void): void {
    const apiKey = request.headers['x-goog-api-key'];
    if (apiKey === undefined) return sendError(response, 'v2', 403, 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.', 'forbidden');
    if (raw.length > 102_400) return sendError(response, 'v2', 400, 'Request payload size exceeds the limit: 102400 bytes.', 'badRequest');
    const body = readBody(raw);
    if (body === undefined) return sendError(response, 'v2', 400, 'Invalid JSON payload received.', 'parseError');
    record(body);
    if (apiKey !== key) return sendError(response, 'v2', 400, 'API key not valid. Please pass a valid API key.', 'badRequest');
    const q = typeof body['q'] === 'string' ? [body['q']] : body['q'];
    if (!Array.isArray(q) || q.length === 0 || q.some((text) => typeof text !== 'string')) return sendError(response, 'v2', 400, "Required Text", 'required');
    // The real answer to too many segments has no gRPC status.
    if (q.length > 128) return sendError(response, 'v2', 400, 'Too many text segments', 'invalid', {}, false);
    const target = body['target'];
    const source = body['source'];
    if (typeof target !== 'string' || !languages.has(target) || (source !== undefined && (typeof source !== 'string' || !languages.has(source)))) {
      return sendError(response, 'v2', 400, 'Invalid Value', 'invalid');
    }
    const format = body['format'] ?? 'html';
    answer(response, 'v2', q as string[], { target, html: format === 'html', identity: state.identity, entities: state.entities }, apiKey);
  }

  function handleV3(request: IncomingMessage, response: ServerResponse, raw: Buffer, project: string, location: string, record: (body: Record<string, unknown>) => void): void {
    const authorization = request.headers.authorization;
    if (authorization !== `Bearer ${token}`) {
      return sendError(response, 'v3', 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'ACCESS_TOKEN_TYPE_UNSUPPORTED');
    }
    if (project !== projectId) return sendError(response, 'v3', 403, `Permission denied on resource project ${project}.`, 'CONSUMER_INVALID');
    const body = readBody(raw);
    if (body === undefined) return sendError(response, 'v3', 400, 'Invalid JSON payload received.');
    record(body);
    const contents = body['contents'];
    if (!Array.isArray(contents) || contents.length === 0 || contents.some((text) => typeof text !== 'string')) return sendError(response, 'v3', 400, 'Empty contents.');
    if (contents.length > 1024) return sendError(response, 'v3', 400, 'Number of contents exceeds the limit of 1024.');
    if (codePoints(contents as string[]) > 30_000) return sendError(response, 'v3', 400, 'Text is too long.');
    const target = body['targetLanguageCode'];
    const source = body['sourceLanguageCode'];
    if (typeof target !== 'string' || !languages.has(target) || (source !== undefined && (typeof source !== 'string' || !languages.has(source)))) {
      return sendError(response, 'v3', 400, 'Target language is invalid.');
    }
    const mimeType = body['mimeType'] ?? 'text/html';
    let glossary: Readonly<Record<string, string>> | undefined;
    let ignoreCase = false;
    const config = body['glossaryConfig'];
    if (config !== undefined) {
      const name = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['glossary'] : undefined;
      ignoreCase = typeof config === 'object' && config !== null && (config as Record<string, unknown>)['ignoreCase'] === true;
      if (location === 'global') return sendError(response, 'v3', 400, 'Glossary is not supported in location global; use a regional location such as us-central1.');
      if (typeof name !== 'string' || !name.startsWith(`projects/${project}/locations/${location}/glossaries/`)) {
        return sendError(response, 'v3', 400, 'Glossary and request must be in the same project and location.');
      }
      glossary = state.glossaries.get(name);
      if (glossary === undefined) return sendError(response, 'v3', 404, `Glossary not found: ${name}`);
    }
    answer(response, 'v3', contents as string[], { target, html: mimeType === 'text/html', identity: state.identity, entities: state.entities, glossary, ignoreCase }, authorization, config);
  }

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const v3 = /^\/v3\/projects\/([^/]+)\/locations\/([^/:]+):translateText$/.exec(url.pathname);
      const api = v3 === null ? 'v2' : 'v3';
      const contentType = request.headers['content-type'];
      const record = (body: Record<string, unknown>): void => {
        state.requests.push({ api, url: request.url ?? '', apiKey: request.headers['x-goog-api-key'] as string | undefined, authorization: request.headers.authorization, contentType, body });
      };
      if (request.method !== 'POST') return sendError(response, api, 404, 'Not Found');
      if (v3 !== null) return handleV3(request, response, raw, decodeURIComponent(v3[1] ?? ''), decodeURIComponent(v3[2] ?? ''), record);
      if (url.pathname === '/language/translate/v2') return handleV2(request, response, raw, record);
      sendError(response, 'v2', 404, 'Not Found');
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    token,
    projectId,
    requests: state.requests,
    faults: state.faults,
    glossaries: state.glossaries,
    translated: state.translated,
    get identity() {
      return state.identity;
    },
    set identity(value: boolean) {
      state.identity = value;
    },
    get entities() {
      return state.entities;
    },
    set entities(value: 'google' | 'numeric') {
      state.entities = value;
    },
    // Hung requests would hold `close` forever: their sockets are cut first.
    close: async () => {
      server.closeAllConnections();
      await close();
    },
  };
}
