/**
 * `hansa review`'s HTTP server: the page's files and the JSON API of `api.ts`, on 127.0.0.1.
 *
 * 1. Only this machine: the server listens on 127.0.0.1 and answers only requests that name
 *    it in `Host` (`127.0.0.1:PORT`), so a DNS-rebound name reaches nothing.
 * 2. Only this session: every `/api/` request carries the session's token in `X-Hansa-Token`
 *    (compared in constant time); a write (`POST`) also carries `Origin:
 *    http://127.0.0.1:PORT` and a JSON body. No CORS header is ever sent, so no other site's
 *    script can read an answer or send the token.
 * 3. Every answer has the same security headers: a Content-Security-Policy that allows the
 *    page's own files and nothing inline, no sniffing, no referrer, no caching, no framing.
 * 4. The page's files come from one folder found next to this module (`assets/`), by names
 *    of plain characters: no other file of the disk can be named.
 * 5. What comes in is data to check: every query and body through zod, bodies at most
 *    `maxBodyBytes`. Every error is JSON `{ error, message }`; a stack trace never leaves.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HansaError } from '../errors/index.js';
import type { Conflict, ErrorBody, Refused, SaveResult } from './api.js';
import { ReviewData, ReviewError, type ReviewOptions } from './data.js';
import { articlePreview } from './preview.js';
import { SaveQueue, checkTarget, saveSegment } from './save.js';

/** Options of `startReviewServer`. */
export interface ReviewServerOptions extends ReviewOptions {
  /** Port on 127.0.0.1; default 0: a free one. */
  readonly port?: number;
  /** How long a save waits for a run holding the project lock, in milliseconds. Default `lockWaitMs` (5 s). */
  readonly lockWaitMs?: number;
  /** Told of an unexpected error (a bug) behind a 500, for the terminal. Default: nobody. */
  readonly onError?: (error: unknown) => void;
}

/** A running review server. */
export interface ReviewServer {
  readonly port: number;
  readonly token: string;
  /** The page with the token: `http://127.0.0.1:PORT/?token=TOKEN`. */
  readonly url: string;
  /** Stop listening and end open connections. */
  close(): Promise<void>;
}

/** Largest request body taken, in bytes. */
export const maxBodyBytes = 1024 * 1024;

/** The page's files (principle 4): next to this module, or next to the CLI bundle's folder. */
const assetsDir = fileURLToPath(new URL('../review/assets/', import.meta.url));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
};

const securityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// ── what comes in (principle 5) ──

const codeId = z.number().int().min(1).max(100_000);
const partSchema = z.union([
  z.object({ text: z.string().max(100_000) }).strict(),
  z.object({ open: codeId }).strict(),
  z.object({ close: codeId }).strict(),
  z.object({ ph: codeId }).strict(),
]);
const fileParam = z.string().min(1).max(1000);
const langParam = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/);
const checkSchema = z.object({ file: fileParam, lang: langParam, segment: z.string().min(1).max(200), target: z.array(partSchema).max(20_000) }).strict();
const saveSchema = checkSchema.extend({ version: z.string().min(1).max(200), approve: z.boolean() }).strict();
const articleQuery = z.object({ file: fileParam, lang: langParam }).strict();
const searchQuery = z.object({ q: z.string().max(500), lang: langParam.optional() }).strict();
const noQuery = z.object({ token: z.string().optional() }).strict();

/** Start the server (principles 1–5); resolves once it listens. */
export async function startReviewServer(options: ReviewServerOptions): Promise<ReviewServer> {
  const data = new ReviewData(options);
  const token = randomBytes(32).toString('base64url');
  const tokenHash = sha256(token);
  const saves = new SaveQueue();
  let port = 0;
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) sendJson(response, 500, { error: 'internal', message: data.t('review.errors.internal') });
      else response.destroy();
    });
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const origin = `http://127.0.0.1:${port}`;
    if (request.headers.host !== `127.0.0.1:${port}`) return sendError(response, new ReviewError(403, 'forbidden', data.t('review.errors.host')));
    const url = new URL(request.url ?? '/', origin);
    if (!url.pathname.startsWith('/api/')) {
      if (request.method !== 'GET') return sendError(response, new ReviewError(405, 'bad_request', data.t('review.errors.method')));
      return serveAsset(url.pathname, response, data);
    }
    const given = request.headers['x-hansa-token'];
    if (typeof given !== 'string' || !timingSafeEqual(sha256(given), tokenHash)) return sendError(response, new ReviewError(403, 'forbidden', data.t('review.errors.token')));
    try {
      if (request.method === 'GET') return sendJson(response, 200, await answerGet(url, data));
      if (request.method !== 'POST') throw new ReviewError(405, 'bad_request', data.t('review.errors.method'));
      if (request.headers.origin !== origin) throw new ReviewError(403, 'forbidden', data.t('review.errors.origin'));
      if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) throw new ReviewError(415, 'bad_request', data.t('review.errors.json'));
      const body = await readBody(request, data);
      if (url.pathname === '/api/check') return sendJson(response, 200, await checkTarget(data, parsed(checkSchema, body, data)));
      if (url.pathname === '/api/save') {
        const saveRequest = parsed(saveSchema, body, data);
        const outcome = await saves.run(() => saveSegment(data, saveRequest, options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }));
        if (outcome.kind === 'saved') return sendJson(response, 200, { segment: outcome.segment } satisfies SaveResult);
        if (outcome.kind === 'conflict') return sendJson(response, 409, { error: 'conflict', message: data.t('review.errors.conflict'), current: outcome.current } satisfies Conflict);
        return sendJson(response, 422, { error: 'refused', message: data.t('review.errors.refused'), findings: outcome.findings } satisfies Refused);
      }
      throw new ReviewError(404, 'not_found', data.t('review.errors.noRoute', { path: url.pathname }));
    } catch (error) {
      if (error instanceof ReviewError) return sendError(response, error);
      // A file Hansa could not read or write (its own error names it): said, not a bug.
      if (error instanceof HansaError) return sendError(response, new ReviewError(500, 'internal', `${error.file === undefined ? '' : `${error.file}: `}${data.errorText(error)}`));
      throw error;
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
  // A glossary that cannot be read is reported by the first request that needs it.
  void data.warm().catch(() => undefined);
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

/** The answer to a `GET /api/…`. */
async function answerGet(url: URL, data: ReviewData): Promise<unknown> {
  const query = Object.fromEntries(url.searchParams);
  switch (url.pathname) {
    case '/api/session':
      parsed(noQuery, query, data);
      return data.session;
    case '/api/overview':
      parsed(noQuery, query, data);
      return data.overview();
    case '/api/search': {
      const { q, lang } = parsed(searchQuery, query, data);
      if (lang !== undefined) data.checkLanguage(lang);
      return data.search(q, lang);
    }
    case '/api/article': {
      const { file, lang } = parsed(articleQuery, query, data);
      return data.article(file, lang);
    }
    case '/api/preview': {
      const { file, lang } = parsed(articleQuery, query, data);
      return articlePreview(data, file, lang);
    }
    default:
      throw new ReviewError(404, 'not_found', data.t('review.errors.noRoute', { path: url.pathname }));
  }
}

/** `value` checked by `schema`, else 400 naming what is wrong. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, data: ReviewData): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '(request)' : issue.path.join('.');
  throw new ReviewError(400, 'bad_request', data.t('review.errors.badRequest', { where, reason: issue?.message ?? '' }));
}

/** The request's JSON body, at most `maxBodyBytes` (413 beyond, 400 when it is not JSON). */
async function readBody(request: IncomingMessage, data: ReviewData): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > maxBodyBytes) throw new ReviewError(413, 'bad_request', data.t('review.errors.tooLarge', { max: maxBodyBytes }));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBodyBytes) throw new ReviewError(413, 'bad_request', data.t('review.errors.tooLarge', { max: maxBodyBytes }));
    chunks.push(bytes);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ReviewError(400, 'bad_request', data.t('review.errors.notJson'));
  }
}

/** `/` and `/assets/<name>` (principle 4); 404 for anything else. */
async function serveAsset(pathname: string, response: ServerResponse, data: ReviewData): Promise<void> {
  const name = pathname === '/' ? 'index.html' : pathname.startsWith('/assets/') ? pathname.slice('/assets/'.length) : undefined;
  const type = name === undefined ? undefined : contentTypes[path.extname(name).toLowerCase()];
  // Plain names, at most one folder deep: never `..`, a backslash, an encoded slash or a dot file.
  const plain = name !== undefined && /^(?:[A-Za-z0-9][A-Za-z0-9_-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..');
  if (name === undefined || type === undefined || !plain) return sendError(response, new ReviewError(404, 'not_found', data.t('review.errors.noRoute', { path: pathname })));
  const file = path.join(assetsDir, name);
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile() !== true || !file.startsWith(assetsDir)) return sendError(response, new ReviewError(404, 'not_found', data.t('review.errors.noRoute', { path: pathname })));
  const body = await readFile(file);
  response.writeHead(200, { ...securityHeaders, 'Content-Type': type, 'Content-Length': body.length });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function sendError(response: ServerResponse, error: ReviewError): void {
  sendJson(response, error.status, { error: error.error, message: error.message } satisfies ErrorBody);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
