/**
 * A DeepL API v2 stand-in on 127.0.0.1 for tests: the real request and response shapes,
 * limits (50 texts, 128 KiB) and error bodies, with faults to inject. Its "translation"
 * upper-cases the text outside tags and prefixes the target language, so tests can see
 * which language a text went to and that codes came back; with a glossary, each source
 * term found (case-insensitively, as whole words) becomes its target term as written.
 *
 * Besides `/v2/translate`: `/v2/glossaries` (list, create, get, delete),
 * `/v2/glossary-language-pairs` and `/v2/usage`, validated like DeepL's (and DeepL's own
 * mock, DeepLcom/deepl-mock) with the same error bodies.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mangleTags, sendJson, listenOnLoopback, shout, type TagMangling } from './mock-http.js';

/** A fault the next request gets instead of an answer. */
export type DeeplFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'drop-tags' }
  | { readonly kind: 'short' }
  /** Codes dropped, misnested or renamed in every text. */
  | { readonly kind: 'tags'; readonly how: TagMangling }
  /** Accept the request and never answer (a hung connection): only the client's timeout ends it. */
  | { readonly kind: 'hang' };

/** A glossary held by the mock. */
export interface MockGlossary {
  readonly glossary_id: string;
  readonly name: string;
  readonly source_lang: string;
  readonly target_lang: string;
  readonly creation_time: string;
  readonly entries: ReadonlyMap<string, string>;
}

/** The mock and what it saw. */
export interface MockDeepl {
  readonly url: string;
  readonly key: string;
  /** `/v2/translate` requests received, parsed. */
  readonly requests: { readonly authorization: string | undefined; readonly body: Record<string, unknown> }[];
  /** Every other request: method and path (with the query). */
  readonly calls: { readonly method: string; readonly path: string; readonly body?: Record<string, unknown> }[];
  /**
   * How many times each source text was translated and sent back, per target language.
   * An answer to a client that had already gone (killed mid-request) is not counted.
   */
  readonly translated: Map<string, number>;
  /** Every answer sent: the text's key (target and source) and when (`Date.now()`). */
  readonly deliveries: { readonly key: string; readonly at: number }[];
  /** Faults for the next `/v2/translate` requests, in order. */
  readonly faults: DeeplFault[];
  /** Faults for the next glossary requests (list, create, get, delete, language pairs), in order. */
  readonly glossaryFaults: DeeplFault[];
  /** The account's glossaries, by id. */
  readonly glossaries: Map<string, MockGlossary>;
  /** Glossaries created since the start (deleted ones included). */
  readonly glossariesCreated: number;
  /** Languages glossaries may have (lower-case); every ordered pair of two of them is supported. */
  readonly glossaryLanguages: Set<string>;
  /** What `/v2/usage` reports; translations add their characters to `characterCount`. */
  readonly usage: { characterCount: number; characterLimit: number };
  /** Characters left before 456; default unlimited. */
  quota: number;
  /** Milliseconds each translation takes; default 0. */
  latencyMs: number;
  close(): Promise<void>;
}

/** Glossary languages of DeepL's API spec (`GlossarySourceLanguage`/`GlossaryTargetLanguage`). */
const deeplGlossaryLanguages = ['ar', 'bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'he', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'uk', 'vi', 'zh'];

/** Targets with `supports_formality` in DeepL's `/v2/languages`. */
const formalityTargets = new Set(['DE', 'ES', 'ES-419', 'FR', 'IT', 'JA', 'NL', 'PL', 'PT-BR', 'PT-PT', 'RU']);
const formalityValues = new Set(['default', 'more', 'less', 'prefer_more', 'prefer_less']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Plain text with the glossary applied: source terms become their targets, the rest is upper-cased. */
function shoutWithGlossary(plain: string, entries: ReadonlyMap<string, string>): string {
  const byLowerSource = new Map([...entries].map(([source, target]) => [source.toLowerCase(), target]));
  const sources = [...entries.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const term = new RegExp(`(?<![\\p{L}\\p{N}])(?:${sources.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  let out = '';
  let last = 0;
  for (const match of plain.matchAll(term)) {
    out += plain.slice(last, match.index).toUpperCase() + (byLowerSource.get(match[0].toLowerCase()) ?? match[0]);
    last = match.index + match[0].length;
  }
  return out + plain.slice(last).toUpperCase();
}

function translateText(text: string, target: string, glossary: MockGlossary | undefined): string {
  if (glossary === undefined || glossary.entries.size === 0) return `${target}: ${shout(text)}`;
  const translated = text.replace(/(<[^>]*>)|([^<]+)/g, (_, tag: string | undefined, plain: string | undefined) => tag ?? shoutWithGlossary(plain ?? '', glossary.entries));
  return `${target}: ${translated}`;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(response, status, body, { 'x-trace-id': '0123456789abcdef0123456789abcdef', ...headers });
}

/** A glossary request refused, with DeepL's status and body. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { message: string; detail?: string },
  ) {
    super(body.message);
  }
}

function invalidEntries(detail: string): Refusal {
  return new Refusal(400, { message: 'Invalid glossary entries provided', detail });
}

/**
 * Parse TSV glossary entries as DeepL does: one `source<TAB>target` per line, no empty
 * terms, no surrounding whitespace, no control characters, no duplicate source.
 */
function parseEntries(tsv: string): Map<string, string> {
  const entries = new Map<string, { target: string; index: number; position: number }>();
  let position = 0;
  const lines = tsv.split('\n');
  for (const [index, line] of lines.entries()) {
    const start = position;
    position += line.length + 1;
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    const where = `Key with the index ${index} (starting at position ${start})`;
    if (fields.length < 2) throw invalidEntries(`${where} misses tab separator`);
    if (fields.length > 2) throw invalidEntries(`${where} contains more than one tab separator`);
    const [source = '', target = ''] = fields;
    for (const term of [source, target]) {
      if (term.trim() === '') throw invalidEntries(`${where} contains an empty term`);
      if (term !== term.trim()) throw invalidEntries(`${where} contains leading or trailing whitespace`);
      if (/[\p{Cc}\u2028\u2029]/u.test(term)) throw invalidEntries(`${where} contains invalid characters`);
    }
    const earlier = entries.get(source);
    if (earlier !== undefined) throw invalidEntries(`${where} duplicates key with the index ${earlier.index} (starting at position ${earlier.position})`);
    entries.set(source, { target, index, position: start });
  }
  if (entries.size === 0) throw invalidEntries('No entries provided');
  return new Map([...entries].map(([source, { target }]) => [source, target]));
}

function glossaryInfo(glossary: MockGlossary): Record<string, unknown> {
  return {
    glossary_id: glossary.glossary_id,
    name: glossary.name,
    ready: true,
    source_lang: glossary.source_lang,
    target_lang: glossary.target_lang,
    creation_time: glossary.creation_time,
    entry_count: glossary.entries.size,
  };
}

/** Start the mock on an ephemeral port of 127.0.0.1. */
export async function startMockDeepl(key = 'fake-deepl-key-3f9a2c:fx'): Promise<MockDeepl> {
  const state = {
    deliveries: [] as { key: string; at: number }[],
    requests: [] as MockDeepl['requests'][number][],
    calls: [] as MockDeepl['calls'][number][],
    translated: new Map<string, number>(),
    faults: [] as DeeplFault[],
    glossaryFaults: [] as DeeplFault[],
    glossaries: new Map<string, MockGlossary>(),
    glossariesCreated: 0,
    glossaryLanguages: new Set(deeplGlossaryLanguages),
    usage: { characterCount: 0, characterLimit: 500_000 },
    quota: Number.POSITIVE_INFINITY,
    latencyMs: 0,
  };
  const isGlossaryPair = (source: string, target: string): boolean =>
    source !== target && state.glossaryLanguages.has(source.toLowerCase()) && state.glossaryLanguages.has(target.toLowerCase());

  /**
   * Apply the next glossary fault, if one is queued: `status` answers with it, `hang` never
   * answers, any other kind answers with malformed JSON. True when the fault took the request.
   */
  const glossaryFault = (response: ServerResponse): boolean => {
    const fault = state.glossaryFaults.shift();
    if (fault === undefined) return false;
    if (fault.kind === 'status') send(response, fault.status, fault.body ?? { message: 'Too many requests' }, fault.headers);
    else if (fault.kind !== 'hang') send(response, 200, '{"glossaries": [');
    return true;
  };

  const createGlossary = (body: Record<string, unknown>): MockGlossary => {
    const { name, source_lang: source, target_lang: target, entries, entries_format: format = 'tsv' } = body;
    if (typeof name !== 'string' || name === '') throw new Refusal(400, { message: 'Missing or invalid argument: name' });
    if (typeof source !== 'string') throw new Refusal(400, { message: "Parameter 'source_lang' not specified" });
    if (typeof target !== 'string') throw new Refusal(400, { message: "Parameter 'target_lang' not specified" });
    if (typeof entries !== 'string') throw new Refusal(400, { message: "Parameter 'entries' not specified" });
    if (format !== 'tsv') throw new Refusal(400, { message: 'Unsupported entry format specified' });
    if (!isGlossaryPair(source, target)) throw new Refusal(400, { message: 'Unsupported glossary source and target language pair' });
    if (Buffer.byteLength(name, 'utf8') > 1024) throw new Refusal(400, { message: 'Missing or invalid argument: name' });
    const glossary: MockGlossary = {
      glossary_id: randomUUID(),
      name,
      source_lang: source.toLowerCase(),
      target_lang: target.toLowerCase(),
      creation_time: new Date().toISOString(),
      entries: parseEntries(entries),
    };
    state.glossaries.set(glossary.glossary_id, glossary);
    state.glossariesCreated += 1;
    return glossary;
  };

  /** `/v2/glossaries*` and `/v2/glossary-language-pairs`; false when the path is not one of them. */
  const handleGlossaries = (method: string, route: string, body: Record<string, unknown>, response: ServerResponse): boolean => {
    const single = /^\/v2\/glossaries\/([^/]+)$/.exec(route);
    const known = route === '/v2/glossary-language-pairs' || route === '/v2/glossaries' || single !== null;
    if (!known) return false;
    state.calls.push({ method, path: route, ...(method === 'POST' ? { body } : {}) });
    if (glossaryFault(response)) return true;
    try {
      if (route === '/v2/glossary-language-pairs' && method === 'GET') {
        const languages = [...state.glossaryLanguages].sort();
        const pairs = languages.flatMap((source) => languages.filter((target) => target !== source).map((target) => ({ source_lang: source, target_lang: target })));
        send(response, 200, { supported_languages: pairs });
      } else if (route === '/v2/glossaries' && method === 'GET') {
        send(response, 200, { glossaries: [...state.glossaries.values()].map(glossaryInfo) });
      } else if (route === '/v2/glossaries' && method === 'POST') {
        send(response, 201, glossaryInfo(createGlossary(body)));
      } else if (single !== null && (method === 'GET' || method === 'DELETE')) {
        const glossary = state.glossaries.get(decodeURIComponent(single[1] ?? ''));
        if (glossary === undefined) throw new Refusal(404, { message: 'Glossary not found' });
        if (method === 'GET') {
          send(response, 200, glossaryInfo(glossary));
        } else {
          state.glossaries.delete(glossary.glossary_id);
          response.writeHead(204).end();
        }
      } else {
        send(response, 405, { message: 'Method not allowed' });
      }
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      send(response, error.status, error.body);
    }
    return true;
  };

  /** The glossary a translate request names, or a refusal as DeepL gives it. */
  const glossaryOfRequest = (body: Record<string, unknown>, target: string): MockGlossary | undefined => {
    const id = body['glossary_id'];
    if (id === undefined) return undefined;
    const source = body['source_lang'];
    if (typeof source !== 'string') throw new Refusal(400, { message: 'Use of a glossary requires the source_lang parameter to be specified' });
    const glossary = typeof id === 'string' ? state.glossaries.get(id) : undefined;
    if (glossary === undefined) throw new Refusal(404, { message: 'Glossary not found' });
    if (glossary.source_lang !== source.toLowerCase() || glossary.target_lang !== (target.toLowerCase().split('-')[0] ?? '')) {
      throw new Refusal(400, { message: "Glossary's language pair does not match the request's language pair" });
    }
    return glossary;
  };

  /** DeepL refuses `more`/`less` for targets without formality; `default` and `prefer_*` go everywhere. */
  const checkFormality = (body: Record<string, unknown>, target: string): void => {
    const formality = body['formality'];
    if (formality === undefined) return;
    if (typeof formality !== 'string' || !formalityValues.has(formality)) throw new Refusal(400, { message: "Value for 'formality' not supported." });
    if ((formality === 'more' || formality === 'less') && !formalityTargets.has(target.toUpperCase())) {
      throw new Refusal(400, { message: "'formality' is not supported for given 'target_lang'." });
    }
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let clientGone = false;
    request.socket.once('close', () => {
      clientGone = true;
    });
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const method = request.method ?? 'GET';
      const route = request.url ?? '/';
      const routes = new Set(['/v2/translate', '/v2/usage', '/v2/glossaries', '/v2/glossary-language-pairs']);
      if (!routes.has(route) && !route.startsWith('/v2/glossaries/')) return send(response, 404, { message: 'Not found' });
      if (request.headers.authorization !== `DeepL-Auth-Key ${key}`) return send(response, 403, { message: 'Authorization failure, check auth_key' });
      if (raw.length > 128 * 1024 && route === '/v2/translate') return send(response, 413, { message: 'Request Entity Too Large' });
      let body: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          return send(response, 400, { message: 'Invalid request: could not parse JSON' });
        }
      }
      if (route === '/v2/usage') {
        if (method !== 'GET' && method !== 'POST') return send(response, 405, { message: 'Method not allowed' });
        state.calls.push({ method, path: route });
        return send(response, 200, { character_count: state.usage.characterCount, character_limit: state.usage.characterLimit });
      }
      if (handleGlossaries(method, route, body, response)) return;
      if (method !== 'POST') return send(response, 404, { message: 'Not found' });
      state.requests.push({ authorization: request.headers.authorization, body });
      const texts = body['text'];
      const target = body['target_lang'];
      if (!Array.isArray(texts) || texts.length === 0 || typeof target !== 'string') return send(response, 400, { message: "Value for 'text' not supported." });
      if (texts.length > 50) return send(response, 400, { message: "Too many texts: at most 50 texts per request." });
      let glossary: MockGlossary | undefined;
      try {
        glossary = glossaryOfRequest(body, target);
        checkFormality(body, target);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        return send(response, error.status, error.body);
      }
      const fault = state.faults.shift();
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'status') return send(response, fault.status, fault.body ?? { message: 'Too many requests' }, fault.headers);
      if (fault?.kind === 'malformed') return send(response, 200, '{"translations": [');
      const characters = texts.reduce((sum: number, text: unknown) => sum + String(text).replace(/<[^>]*>/g, '').length, 0);
      if (characters > state.quota) return send(response, 456, { message: 'Quota for this billing period has been exceeded.' });
      state.quota -= characters;
      state.usage.characterCount += characters;
      const deliver = (): void => {
        for (const text of texts) {
          const key = `${target}\u0000${String(text)}`;
          state.translated.set(key, (state.translated.get(key) ?? 0) + 1);
          state.deliveries.push({ key, at: Date.now() });
        }
      };
      const translations = texts.map((text: unknown) => {
        const source = String(text);
        const out = translateText(source, target, glossary);
        const spoiled = fault?.kind === 'drop-tags' ? mangleTags(out, 'drop') : fault?.kind === 'tags' ? mangleTags(out, fault.how) : out;
        return { detected_source_language: 'PL', text: spoiled };
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
    calls: state.calls,
    translated: state.translated,
    deliveries: state.deliveries,
    faults: state.faults,
    glossaryFaults: state.glossaryFaults,
    glossaries: state.glossaries,
    get glossariesCreated() {
      return state.glossariesCreated;
    },
    glossaryLanguages: state.glossaryLanguages,
    usage: state.usage,
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
