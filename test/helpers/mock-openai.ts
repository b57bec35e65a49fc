/**
 * An OpenAI chat-completions stand-in on 127.0.0.1 for tests: `POST /v1/chat/completions`
 * with the real request and response shapes and error bodies, and faults to inject. It reads
 * the segments from the user message and the target language from the system prompt; its
 * "translation" upper-cases the text outside tags and prefixes the target language's name,
 * so tests can see which language a text went to and that codes came back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mangleTags, sendJson, listenOnLoopback, shout, type TagMangling } from './mock-http.js';

/** A fault the next request gets instead of a good answer. */
export type OpenAiFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  /** 429 with `retry-after-ms`. */
  | { readonly kind: 'rate-limit'; readonly retryAfterMs?: number }
  /** 429 `insufficient_quota`. */
  | { readonly kind: 'quota' }
  /** `message.content` that is not JSON. */
  | { readonly kind: 'malformed' }
  /** `finish_reason: length`, with the content cut short. */
  | { readonly kind: 'length' }
  /** The first segment left out of the answer. */
  | { readonly kind: 'drop-id' }
  /** The first segment answered twice. */
  | { readonly kind: 'duplicate-id' }
  /** An id that was not asked for. */
  | { readonly kind: 'extra-id' }
  /** Codes stripped from the texts. */
  | { readonly kind: 'drop-tags' }
  /** `message.refusal` set and no content. */
  | { readonly kind: 'refusal' }
  /** Codes misnested or renamed in every text. */
  | { readonly kind: 'tags'; readonly how: TagMangling }
  /** Digits removed from the texts (a translation that loses numbers). */
  | { readonly kind: 'drop-numbers' }
  /** The connection is accepted and never answered. */
  | { readonly kind: 'hang' };

/** A request as the mock saw it. */
export interface OpenAiRequest {
  readonly authorization: string | undefined;
  /** When the request arrived (`Date.now()`). */
  readonly at: number;
  readonly body: {
    readonly model?: unknown;
    readonly temperature?: unknown;
    readonly messages?: { readonly role: string; readonly content: string }[];
    readonly response_format?: unknown;
    readonly [key: string]: unknown;
  };
}

/** The mock and what it saw. */
export interface MockOpenAi {
  /** Base URL including `/v1`. */
  readonly url: string;
  /** The key it accepts; `undefined` when it accepts any request (like Ollama). */
  readonly key: string | undefined;
  readonly requests: OpenAiRequest[];
  /** Faults for the next requests, in order. */
  readonly faults: OpenAiFault[];
  close(): Promise<void>;
}

function translateText(text: string, target: string): string {
  return `${target}: ${shout(text)}`;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(response, status, body, { 'x-request-id': 'req_0123456789abcdef', ...headers });
}

function apiError(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}

function completion(model: string, content: string | null, finishReason: string, refusal: string | null = null): unknown {
  const promptTokens = 120;
  const completionTokens = Math.ceil((content ?? refusal ?? '').length / 4);
  return {
    id: 'chatcmpl-mock0123456789',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** Start the mock on an ephemeral port of 127.0.0.1; with `key: null` it accepts any request. */
export async function startMockOpenAi(wantedKey: string | null = 'sk-fake-openai-key-7c1e9b'): Promise<MockOpenAi> {
  const key = wantedKey ?? undefined;
  const state = { requests: [] as OpenAiRequest[], faults: [] as OpenAiFault[] };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        return send(response, 404, apiError(`Invalid URL (${request.method ?? ''} ${request.url ?? ''})`, 'invalid_request_error', null));
      }
      if (key !== undefined && request.headers.authorization !== `Bearer ${key}`) {
        // The real service echoes a masked key; this one echoes what it got, to catch leaks.
        const got = (request.headers.authorization ?? '').replace(/^Bearer /, '');
        return send(response, 401, apiError(`Incorrect API key provided: ${got}.`, 'invalid_request_error', 'invalid_api_key'));
      }
      let body: OpenAiRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OpenAiRequest['body'];
      } catch {
        return send(response, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      }
      state.requests.push({ authorization: request.headers.authorization, at: Date.now(), body });
      const model = typeof body.model === 'string' ? body.model : '';
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const system = messages.find((message) => message.role === 'system')?.content ?? '';
      const user = messages.find((message) => message.role === 'user')?.content ?? '';
      if (model === '' || messages.length === 0) return send(response, 400, apiError("Missing required parameter: 'model'.", 'invalid_request_error', 'missing_required_parameter'));
      let segments: { id: string; text: string }[];
      try {
        segments = (JSON.parse(user) as { segments: { id: string; text: string }[] }).segments;
        if (!Array.isArray(segments)) throw new Error('no segments');
      } catch {
        // A real model would answer something; the mock wants tests to send the agreed shape.
        return send(response, 400, apiError('Mock: the user message is not {"segments": [...]}.', 'invalid_request_error', null));
      }
      const target = /into (.+?) \([^)]*\)\./.exec(system)?.[1] ?? /into (\S+?)\./.exec(system)?.[1] ?? '??';

      const fault = state.faults.shift();
      if (fault?.kind === 'status') return send(response, fault.status, fault.body ?? apiError('The server had an error while processing your request.', 'server_error', null), fault.headers);
      if (fault?.kind === 'rate-limit') {
        return send(response, 429, apiError(`Rate limit reached for ${model} on tokens per min (TPM): Limit 30000, Used 30000, Requested 500. Please try again in 1.2s.`, 'tokens', 'rate_limit_exceeded'), {
          'retry-after-ms': String(fault.retryAfterMs ?? 1200),
          'x-ratelimit-remaining-tokens': '0',
        });
      }
      if (fault?.kind === 'quota') {
        return send(response, 429, apiError('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'));
      }
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'refusal') return send(response, 200, completion(model, null, 'stop', "I'm sorry, I can't help with that."));

      let translations = segments.map((segment) => {
        const out = translateText(String(segment.text), target);
        return { id: String(segment.id), text: fault?.kind === 'drop-tags' ? out.replace(/<[^>]*>/g, '') : fault?.kind === 'tags' ? mangleTags(out, fault.how) : fault?.kind === 'drop-numbers' ? out.replace(/\d/g, '') : out };
      });
      if (fault?.kind === 'drop-id') translations = translations.slice(1);
      if (fault?.kind === 'duplicate-id' && translations[0]) translations = [translations[0], ...translations];
      if (fault?.kind === 'extra-id') translations = [...translations, { id: 'not-asked-for', text: 'EXTRA' }];
      const content = JSON.stringify({ translations });
      if (fault?.kind === 'malformed') return send(response, 200, completion(model, `Here are the translations: ${content.slice(0, -2)}`, 'stop'));
      if (fault?.kind === 'length') return send(response, 200, completion(model, content.slice(0, Math.floor(content.length / 2)), 'length'));
      send(response, 200, completion(model, content, 'stop'));
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    key,
    requests: state.requests,
    faults: state.faults,
    close,
  };
}
