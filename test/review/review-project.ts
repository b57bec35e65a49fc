/**
 * A real project for the review server's tests: two articles, a glossary, segment files made
 * by the built `hansa extract`, and a server started on 127.0.0.1 over it, with a small HTTP
 * client that sends exactly the headers a test asks for.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { ArticleView, SegmentView } from '../../src/review/api.js';
import type { ReviewServer, ReviewServerOptions } from '../../src/review/server.js';
import { emptyProject, hansa } from '../helpers/cli.js';

if (!(await import('node:fs')).existsSync(path.resolve('build/src/review/server.js'))) throw new Error('test/review runs the built server: run `npm run build` first');
const built = '../../build/src/review/server.js';
const { startReviewServer } = (await import(built)) as { startReviewServer: (options: ReviewServerOptions) => Promise<ReviewServer> };

/** The article most tests edit. */
export const article = 'aktualnosci/targi.md';
export const articleSource = `---
title: Targi pracy w Gdańsku
date: 2022-03-15
---

# Targi pracy

Zapraszamy na **Targi Pracy** do [Gdańska](https://gdansk.pl). Doradztwo zawodowe jest bezpłatne.

Kliknij [tutaj](javascript:alert(1)) albo zobacz <img src=x onerror=alert(1)> obrazek.

<div onclick="alert(2)">Blok HTML</div>

Wstęp wolny od 10.00 do 15.00.
`;

const scratch: string[] = [];
const servers: ReviewServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A project with the sample articles, extracted into en and sv; `config` joins the defaults. */
export async function reviewProject(config: Record<string, unknown> = {}): Promise<string> {
  const dir = await emptyProject();
  scratch.push(dir);
  await mkdir(path.join(dir, 'content/pl/aktualnosci'), { recursive: true });
  await mkdir(path.join(dir, 'glossary'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl', article), articleSource);
  await writeFile(path.join(dir, 'content/pl/inne.md'), '# Inny tekst\n\nKrótki akapit o doradztwie.\n');
  await writeFile(path.join(dir, 'glossary/terms.csv'), 'pl,en,sv\ndoradztwo zawodowe,career guidance,yrkesvägledning\n');
  await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ targetLanguages: ['en', 'sv'], ...config }));
  const result = await hansa(dir, ['extract']);
  expect(result.code, result.stderr).toBe(0);
  return dir;
}

/** A server over the project in `dir`, closed after the test file. */
export async function serve(dir: string, options: Partial<Omit<ReviewServerOptions, 'project'>> = {}): Promise<ReviewServer> {
  const config = parseConfig(await readFile(path.join(dir, 'hansa.config.json'), 'utf8'), 'hansa.config.json');
  const server = await startReviewServer({ project: { cwd: dir, config }, uiLanguage: 'en', ...options });
  servers.push(server);
  return server;
}

/** An answer as a test sees it. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body as JSON (`undefined` when it is not). */
  readonly json: unknown;
}

/** A raw HTTP request to the server, with exactly `headers` besides `Host` (default: the server's own). */
export function send(server: ReviewServer, method: string, target: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: server.port, method, path: target, headers: { Host: `127.0.0.1:${server.port}`, ...options.headers }, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** `GET /api/…` as the page sends it. */
export function get(server: ReviewServer, target: string): Promise<Answer> {
  return send(server, 'GET', target, { headers: { 'X-Hansa-Token': server.token } });
}

/** `POST /api/…` as the page sends it. */
export function post(server: ReviewServer, target: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(server, 'POST', target, {
    headers: { 'X-Hansa-Token': server.token, Origin: `http://127.0.0.1:${server.port}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The article as the page loads it. */
export async function loadArticle(server: ReviewServer, lang = 'en', file = article): Promise<ArticleView> {
  const answer = await get(server, `/api/article?file=${encodeURIComponent(file)}&lang=${lang}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json as ArticleView;
}

/** The segment of an article view whose plain source contains `text`. */
export function segmentWith(view: ArticleView, text: string): SegmentView {
  const found = view.units.flatMap((unit) => unit.segments).find((segment) => segment.source.map((part) => ('text' in part ? part.text : '')).join('').includes(text));
  if (found === undefined) throw new Error(`no segment with ${text}`);
  return found;
}
