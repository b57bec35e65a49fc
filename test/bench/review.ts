/**
 * The review page's benchmark: an article of 1,000 segments, every segment of its Swedish
 * segment file holding a machine-like draft, `hansa review` started as a user starts it.
 *
 *   npm run bench -- review
 *
 * 1. First load of the editor (every segment with a draft target): a fresh browser context (nothing cached) opens the article's
 *    editor; timed from the navigation until the page says it has rendered
 *    (`body[data-ready="editor"]`). Debian's chromium through playwright-core, as the
 *    browser tests drive it. Best and median of 5.
 * 2. A save: `POST /api/save` of 50 different segments one after another, as the page sends
 *    it (token, Origin, the version it loaded); timed from request to answer on loopback.
 *    The server writes the 1,000-segment XLIFF file atomically under the project lock each time.
 *
 * Targets (reported, never asserted): first load ≤ 1 s (median), a save ≤ 100 ms (95th percentile;
 * the median and the slowest are shown too).
 * The project lives in .cache/bench/review/ (nothing in the repo).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ArticleView, Part, SaveRequest, SegmentView } from '../../src/review/api.js';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { extractDocument } from '../../src/markdown/index.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { benchProject, markdownFiles, projectRoot } from './common.js';

/** Segments the bench article has (at least). */
export const articleSegments = 1_000;
const article = 'dlugi-artykul.md';
const lang = 'sv';
const chromiumPath = '/usr/bin/chromium';

interface Row {
  readonly label: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

/** Build the bench project, run both measurements, print the table; the figures also go to .cache/bench/review.json. */
export async function runReviewBench(root = projectRoot()): Promise<void> {
  const dir = path.join(root, '.cache', 'bench', 'review');
  const segments = await prepareProject(root, dir);
  const server = await startReview(root, dir);
  try {
    const loads = await firstLoads(server.url, 5);
    const saves = await timedSaves(server.url, server.token, 50);
    const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const ms = (value: number): string => `${value.toFixed(0)} ms`;
    const percentile = (values: readonly number[], share: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * share) - 1)] ?? Number.NaN;
    const rows: Row[] = [
      { label: 'article', value: `${segments} segments, each with a Swedish draft` },
      { label: 'editor first load (fresh context, best / median of 5)', value: `${ms(Math.min(...loads))} / ${ms(median(loads))} (runs ${loads.map((value) => value.toFixed(0)).join(', ')})`, target: '≤ 1000 ms', ok: median(loads) <= 1000 },
      { label: 'save (50 segments, median / 95th percentile / slowest)', value: `${ms(median(saves))} / ${ms(percentile(saves, 0.95))} / ${ms(Math.max(...saves))}`, target: '≤ 100 ms (95th)', ok: percentile(saves, 0.95) <= 100 },
    ];
    process.stdout.write(`Hansa review page bench\n${rows.map((row) => `${row.ok === undefined ? ' ' : row.ok ? '✓' : '✗'} ${row.label.padEnd(56)}  ${row.value.padEnd(48)}  ${row.target ?? ''}`.trimEnd()).join('\n')}\n`);
    await mkdir(path.join(root, '.cache', 'bench'), { recursive: true });
    await writeFile(path.join(root, '.cache', 'bench', 'review.json'), `${JSON.stringify({ date: new Date().toISOString(), segments, loadsMs: loads, savesMs: saves }, null, 2)}\n`);
  } finally {
    server.process.kill('SIGTERM');
  }
}

/**
 * The project: one article of at least `articleSegments` segments made of whole paragraphs of
 * the man-page corpus (real Polish, with bold, code and links), the repository's glossary, and
 * its Swedish segment file translated by `pseudo`. Returns the article's segment count.
 */
async function prepareProject(root: string, dir: string): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'content', 'pl'), { recursive: true });
  const corpus = path.join(benchProject(root), 'content', 'pl');
  if (!existsSync(corpus)) throw new Error(`bench: no corpus at ${corpus}: run npm run bench once (it builds it)`);
  const blocks: string[] = ['---\ntitle: Długi artykuł do pomiaru strony przeglądu\n---\n'];
  let count = 0;
  for (const file of await markdownFiles(corpus)) {
    if (file.startsWith('kopia-')) continue;
    const text = await readFile(path.join(corpus, file), 'utf8');
    const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
    for (const block of body.split(/\n{2,}/)) {
      if (block.trim() === '' || /^\s*(```|~~~|\||<)/.test(block)) continue;
      blocks.push(block.trim());
      count += extractDocument(block.trim()).segments.length;
      if (count >= articleSegments) break;
    }
    if (count >= articleSegments) break;
  }
  await writeFile(path.join(dir, 'content', 'pl', article), `${blocks.join('\n\n')}\n`);
  await cp(path.join(root, 'glossary'), path.join(dir, 'glossary'), { recursive: true });
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify({ sourceLanguage: 'pl', targetLanguages: [lang] }, null, 2)}\n`);
  const run = spawnSync(process.execPath, [path.join(root, 'bin', 'hansa.js'), 'extract', '--to', lang], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench: hansa extract failed (${run.status}):\n${run.stderr}`);
  // Every segment gets a machine-like draft (the pseudo provider's output is never stored), so
  // the editor draws a target, chips included, in each row.
  const segmentFile = path.join(dir, 'translations', lang, article.replace(/\.md$/, '.xlf'));
  const stored = readXliff2(await readFile(segmentFile, 'utf8'), segmentFile);
  const drafted = updateSegments(stored, (segment) => ({ ...segment, target: pseudoSwedish(segment.source), state: 'translated', origin: 'mt:bench' }));
  await writeFile(segmentFile, writeXliff2(drafted));
  const extracted = extractDocument(await readFile(path.join(dir, 'content', 'pl', article), 'utf8'));
  return extracted.segments.length;
}

/** Tagged text with its vowels made Swedish-looking, tags and entities untouched. */
function pseudoSwedish(tagged: string): string {
  return tagged.replace(/<[^>]*>|&[a-z]+;|[aeo]/g, (found) => (found.length > 1 ? found : found === 'a' ? 'å' : found === 'e' ? 'ä' : 'ö'));
}

/** `hansa review` in `dir`, once it prints its URL. */
async function startReview(root: string, dir: string): Promise<{ process: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'hansa.js'), 'review', '--to', lang, '--reviewer', 'Bench'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer): void => {
      printed += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(printed);
      if (found !== null) resolve(found[0]);
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('exit', (code) => reject(new Error(`bench: hansa review ended (${code}) before it listened:\n${printed}`)));
  });
  return { process: child, url, token: new URL(url).searchParams.get('token') ?? '' };
}

/** Milliseconds from navigation to a rendered editor, each in a fresh browser context. */
async function firstLoads(url: string, runs: number): Promise<number[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${url}#/article/${lang}/${encodeURIComponent(article)}`);
      await page.locator('body[data-ready="editor"]').waitFor({ state: 'attached', timeout: 30_000 });
      times.push(performance.now() - start);
      // The page's later requests (the preview) end before the next run starts, as they would
      // for a reviewer opening one article: each run is a first load on an idle server.
      await page.waitForLoadState('networkidle');
      const rows = await page.locator('[data-segment]').count();
      if (rows < articleSegments) throw new Error(`bench: the editor shows ${rows} segments, expected ${articleSegments} or more`);
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}

/** Milliseconds of `count` saves of different segments, one after another. */
async function timedSaves(url: string, token: string, count: number): Promise<number[]> {
  const origin = new URL(url).origin;
  const headers = { 'X-Hansa-Token': token, 'Content-Type': 'application/json', Origin: origin };
  const answer = await fetch(`${origin}/api/article?file=${encodeURIComponent(article)}&lang=${lang}`, { headers });
  if (!answer.ok) throw new Error(`bench: GET /api/article answered ${answer.status}: ${await answer.text()}`);
  const view = (await answer.json()) as ArticleView;
  const segments: SegmentView[] = view.units.flatMap((unit) => unit.segments).filter((segment) => segment.target !== undefined);
  if (segments.length < count) throw new Error(`bench: only ${segments.length} translated segments to save`);
  const times: number[] = [];
  for (const segment of segments.slice(0, count)) {
    const target: Part[] = [...(segment.target ?? []), { text: ' ✓' }];
    const body: SaveRequest = { file: article, lang, segment: segment.id, target, version: segment.version, approve: true };
    const start = performance.now();
    const saved = await fetch(`${origin}/api/save`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await saved.text();
    times.push(performance.now() - start);
    if (!saved.ok) throw new Error(`bench: save of ${segment.id} answered ${saved.status}: ${text}`);
  }
  return times;
}
