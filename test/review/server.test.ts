import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArticleView, ErrorBody, Overview, Preview, SearchResult, Session } from '../../src/review/api.js';
import type { ReviewServer } from '../../src/review/server.js';
import { article, get, loadArticle, post, reviewProject, segmentWith, send, serve } from './review-project.js';

let dir: string;
let server: ReviewServer;
beforeAll(async () => {
  dir = await reviewProject();
  server = await serve(dir, { reviewer: 'Anna Kowalska' });
});

const securityHeaders = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function expectNoCors(headers: Record<string, unknown>): void {
  expect(Object.keys(headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
}

describe('the server', () => {
  it('prints a URL on 127.0.0.1 with a 32-byte token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('listens on 127.0.0.1 only', async () => {
    const reach = (host: string): Promise<boolean> =>
      new Promise((resolve) => {
        const socket = connect({ host, port: server.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect(await reach('127.0.0.1')).toBe(true);
    expect(await reach('::1')).toBe(false);
  });

  it('serves the page with its security headers and no CORS', async () => {
    const answer = await send(server, 'GET', `/?token=${server.token}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers).toMatchObject(securityHeaders);
    expectNoCors(answer.headers);
    const script = await send(server, 'GET', '/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send(server, 'GET', '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('reaches no other file of the disk', async () => {
    for (const target of ['/assets/../../../package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/.hidden.js', '/package.json', '/assets/', '/assets/x\\..\\y.js', '/assets/app.js/..%2f..%2fpackage.json']) {
      const answer = await send(server, 'GET', target);
      expect(answer.status, target).toBe(404);
      expect(answer.headers).toMatchObject(securityHeaders);
    }
  });

  it('refuses a Host header other than its own (DNS rebinding)', async () => {
    for (const host of [`evil.example:${server.port}`, `localhost:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`]) {
      const answer = await send(server, 'GET', '/api/session', { headers: { Host: host, 'X-Hansa-Token': server.token } });
      expect(answer.status, host).toBe(403);
      expect((answer.json as ErrorBody).error).toBe('forbidden');
    }
    expect((await send(server, 'GET', '/', { headers: { Host: `evil.example:${server.port}` } })).status).toBe(403);
  });

  it('refuses the API without the token, or with a wrong one', async () => {
    const none = await send(server, 'GET', '/api/session');
    expect(none.status).toBe(403);
    expect(none.json).toMatchObject({ error: 'forbidden' });
    expect(none.headers).toMatchObject(securityHeaders);
    const wrong = `${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await send(server, 'GET', '/api/session', { headers: { 'X-Hansa-Token': wrong } })).status).toBe(403);
    expect((await send(server, 'GET', '/api/session', { headers: { 'X-Hansa-Token': server.token.slice(1) } })).status).toBe(403);
    expect((await send(server, 'GET', `/api/session?token=${server.token}`)).status).toBe(403);
  });

  it('never grants a preflight', async () => {
    const answer = await send(server, 'OPTIONS', '/api/save', { headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-hansa-token' } });
    expect([403, 405]).toContain(answer.status);
    expectNoCors(answer.headers);
  });

  it('answers the session', async () => {
    const answer = await get(server, '/api/session');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ uiLanguage: 'en', sourceLanguage: 'pl', languages: ['en', 'sv'], approveState: 'reviewed', reviewer: 'Anna Kowalska' } satisfies Session);
    const polish = await serve(dir, { uiLanguage: 'pl', languages: ['sv'] });
    expect(((await get(polish, '/api/session')).json as Session)).toMatchObject({ uiLanguage: 'pl', languages: ['sv'] });
    expect(((await get(polish, '/api/article?file=nope.md&lang=sv')).json as ErrorBody).message).toBe('w tym projekcie nie ma artykułu nope.md');
  });

  it('answers the overview: every article, its title and its progress per language', async () => {
    const overview = (await get(server, '/api/overview')).json as Overview;
    expect(overview.languages).toEqual(['en', 'sv']);
    expect(overview.articles.map((row) => [row.file, row.title])).toEqual([
      [article, 'Targi pracy w Gdańsku'],
      ['inne.md', 'inne.md'],
    ]);
    const row = overview.articles[0];
    expect(row?.languages['en']).toMatchObject({ translated: 0, reviewed: 0, final: 0 });
    expect(row?.languages['en']?.new).toBe(row?.languages['en']?.segments);
    expect(row?.languages['en']?.words).toBe(row?.words);
    expect(overview.totals['sv']?.segments).toBe((row?.languages['sv']?.segments ?? 0) + (overview.articles[1]?.languages['sv']?.segments ?? 0));
  });

  it('searches sources and targets, letter case and diacritics aside', async () => {
    const result = (await get(server, '/api/search?q=GDANSKA&lang=en')).json as SearchResult;
    expect(result.truncated).toBe(false);
    expect(result.hits.map((hit) => [hit.file, hit.lang, hit.source])).toEqual([[article, 'en', 'Zapraszamy na Targi Pracy do Gdańska.']]);
    expect(((await get(server, '/api/search?q=doradztw')).json as SearchResult).hits.map((hit) => [hit.file, hit.lang])).toEqual([
      [article, 'en'],
      [article, 'sv'],
      ['inne.md', 'en'],
      ['inne.md', 'sv'],
    ]);
    expect((await get(server, '/api/search?q=x&lang=fi')).status).toBe(404);
  });

  it('answers an article: units in order, codes, glossary hits on the source', async () => {
    const view = await loadArticle(server);
    expect(view).toMatchObject({ file: article, lang: 'en', sourcePath: `content/pl/${article}`, segmentFile: 'translations/en/aktualnosci/targi.xlf', title: 'Targi pracy w Gdańsku' });
    expect(view.units.map((unit) => unit.name)).toEqual(['frontmatter title', 'heading', 'paragraph', 'paragraph', 'paragraph']);
    const invitation = segmentWith(view, 'Zapraszamy');
    expect(invitation.source).toEqual([{ text: 'Zapraszamy na ' }, { open: 1 }, { text: 'Targi Pracy' }, { close: 1 }, { text: ' do ' }, { open: 2 }, { text: 'Gdańska' }, { close: 2 }, { text: '.' }]);
    expect(invitation.codes).toEqual([
      { id: 1, kind: 'strong', disp: '**', paired: true },
      { id: 2, kind: 'link', disp: 'link https://gdansk.pl', paired: true },
    ]);
    expect(invitation).toMatchObject({ state: 'initial', findings: [], suggestions: [], words: 6 });
    expect(invitation.target).toBeUndefined();
    const guidance = segmentWith(view, 'Doradztwo');
    expect(guidance.source).toEqual([{ text: 'Doradztwo zawodowe', term: 0 }, { text: ' jest bezpłatne.' }]);
    expect(guidance.terms).toEqual([{ term: 'doradztwo zawodowe', text: 'Doradztwo zawodowe', preferred: ['career guidance'], forbidden: [], dnt: false }]);
    expect(segmentWith(view, 'Kliknij').codes.map((code) => [code.kind, code.paired])).toEqual([
      ['link', true],
      ['html', false],
    ]);
  });

  it('answers 404 for an article or language it does not have, and 400 for a bad query', async () => {
    for (const target of ['/api/article?file=nope.md&lang=en', `/api/article?file=${article}&lang=fi`, '/api/article?file=../hansa.config.json&lang=en', '/api/article?file=%2Fetc%2Fpasswd&lang=en', '/api/article?file=aktualnosci/../inne.md&lang=en', '/api/nothing']) {
      const answer = await get(server, target);
      expect(answer.status, target).toBe(404);
      expect((answer.json as ErrorBody).error).toBe('not_found');
    }
    const bad = await get(server, `/api/article?file=${article}`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'bad_request' });
  });

  it('names a segment file it cannot read, without a stack trace', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'translations/sv/inne.xlf'), '<xliff version="2.1"><broken');
    const answer = await get(server, '/api/article?file=inne.md&lang=sv');
    expect(answer.status).toBe(422);
    const body = answer.json as ErrorBody;
    expect(body.message).toContain('translations/sv/inne.xlf');
    expect(answer.text).not.toMatch(/\bat .*\.js:\d+/);
    const overview = (await get(server, '/api/overview')).json as Overview;
    const row = overview.articles.find((item) => item.file === 'inne.md');
    // Counted as `hansa status` counts it: every segment still to translate, and the problem named.
    expect(Object.keys(row?.languages ?? {}).sort()).toEqual(['en', 'sv']);
    expect(row?.languages['sv']?.new).toBe(row?.languages['sv']?.segments);
    expect(row?.problems?.[0]).toMatch(/^sv: /);
  });

  it('refuses a write without the page’s Origin, and writes nothing', async () => {
    const view = await loadArticle(server);
    const segment = segmentWith(view, 'Wstęp wolny');
    const body = { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Free entry from 10.00 to 15.00.' }], version: segment.version, approve: true };
    const before = await readFile(path.join(dir, 'translations/en/aktualnosci/targi.xlf'));
    for (const origin of [{ Origin: 'https://evil.example' }, { Origin: `http://localhost:${server.port}` }, { Origin: 'null' }]) {
      const answer = await post(server, '/api/save', body, origin);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: 'forbidden' });
    }
    const withoutOrigin = await send(server, 'POST', '/api/save', { headers: { 'X-Hansa-Token': server.token, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(withoutOrigin.status).toBe(403);
    const withoutToken = await send(server, 'POST', '/api/save', { headers: { Origin: `http://127.0.0.1:${server.port}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(withoutToken.status).toBe(403);
    const asForm = await post(server, '/api/save', body, { 'Content-Type': 'text/plain' });
    expect(asForm.status).toBe(415);
    expect(await readFile(path.join(dir, 'translations/en/aktualnosci/targi.xlf'))).toEqual(before);
  });

  it('checks every body: malformed JSON, unknown keys, bad parts, too large', async () => {
    const bad = await send(server, 'POST', '/api/check', { headers: { 'X-Hansa-Token': server.token, Origin: `http://127.0.0.1:${server.port}`, 'Content-Type': 'application/json' }, body: '{"file":' });
    expect(bad.status).toBe(400);
    expect((await post(server, '/api/check', { file: article, lang: 'en', segment: 'x', target: [{ text: 'a', open: 1 }] })).status).toBe(400);
    expect((await post(server, '/api/check', { file: article, lang: 'en', segment: 'x', target: [], extra: 1 })).status).toBe(400);
    expect((await post(server, '/api/check', { file: article, lang: 'en', segment: 'x', target: [{ text: 'x'.repeat(1_100_000) }] })).status).toBe(413);
  });

  it('previews the article as build would publish it, sanitized', async () => {
    const answer = await get(server, `/api/preview?file=${article}&lang=en`);
    expect(answer.status).toBe(200);
    const preview = answer.json as Preview;
    expect(preview.translationStatus).toBe('partial');
    expect(preview.html).toContain('<h1>Targi pracy</h1>');
    expect(preview.html).toContain('<a href="https://gdansk.pl" rel="noopener noreferrer nofollow">Gdańska</a>');
    expect(preview.html).not.toMatch(/onerror|onclick|javascript:|<img src="x"|<div|<script|date: 2022/i);
    expect(preview.html).toContain('<a rel="noopener noreferrer nofollow">tutaj</a>');
  });

  it('runs as `hansa review` until SIGTERM, then exits 143', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/hansa.js'), 'review', '--to', 'sv', '--reviewer', 'Jan'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', LANG: 'pl_PL.UTF-8' } });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(stderr);
        if (found !== null) resolve(found[0]);
      });
      child.once('exit', () => reject(new Error(stderr)));
    });
    const { port } = new URL(url);
    const token = new URL(url).searchParams.get('token') ?? '';
    const running = { port: Number(port), token, url, close: async () => undefined } satisfies ReviewServer;
    expect((await get(running, '/api/session')).json).toEqual({ uiLanguage: 'pl', sourceLanguage: 'pl', languages: ['sv'], approveState: 'reviewed', reviewer: 'Jan' });
    expect(((await get(running, `/api/article?file=${article}&lang=sv`)).json as ArticleView).title).toBe('Targi pracy w Gdańsku');
    const code = new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
    child.kill('SIGTERM');
    expect(await code).toBe(143);
    expect(stderr).toContain('strona przeglądu');
  });
});
