/**
 * The review page end to end (issue 12): the real `hansa review` over a project made by the real
 * CLI, driven in Debian's chromium through playwright-core, as a reviewer uses it.
 *
 * 1. Every test asserts what the reviewer sees (and, for saves, what the segment file holds).
 * 2. The tests share one project and one server; each works in its own segment and its own
 *    browser context, so their order does not matter for what they assert.
 * 3. Waits are bounded (15 s); chromium missing fails the file with the way to install it.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleView, Overview, SearchResult, SegmentView } from '../../src/review/api.js';
import {
  browserProject,
  chromiumPath,
  hostileFile,
  readSegments,
  requireChromium,
  sampleFile,
  segmentFile,
  segmentXml,
  shortFile,
  startReview,
  targetXml,
  unitXml,
  validate,
  type ReviewProcess,
} from './browser-helpers.js';

const wait = 15_000;
const slow = { timeout: 60_000 };

let dir = '';
let review: ReviewProcess | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** Every dialog any page opened (a script of the content ran): must stay empty. */
const dialogs: string[] = [];
/** Pages that asked before unloading (they held edits not saved). */
const unloadPrompts: string[] = [];

beforeAll(async () => {
  requireChromium();
  dir = await browserProject();
  review = await startReview(dir);
  await approveShortArticle();
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'], headless: true });
});

afterAll(async () => {
  await browser?.close();
  await review?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  expect(dialogs, 'a dialog opened: content ran as script').toEqual([]);
});

// ── the server, from Node ──

function server(): ReviewProcess {
  if (!review) throw new Error('hansa review did not start');
  return review;
}

async function api<T>(route: string): Promise<T> {
  const answer = await fetch(`${server().origin}${route}`, { headers: { 'X-Hansa-Token': server().token } });
  expect(answer.status, route).toBe(200);
  return (await answer.json()) as T;
}

function apiArticle(file: string, lang: string): Promise<ArticleView> {
  return api<ArticleView>(`/api/article?file=${encodeURIComponent(file)}&lang=${lang}`);
}

function plain(segment: SegmentView): string {
  return segment.source.map((part) => ('text' in part ? part.text : '')).join('');
}

/** Approve every segment of the short article in both languages, so one article is fully reviewed. */
async function approveShortArticle(): Promise<void> {
  for (const lang of ['sv', 'en']) {
    const view = await apiArticle(shortFile, lang);
    for (const segment of view.units.flatMap((unit) => unit.segments)) {
      const target = plain(segment) === 'Krótka notka' ? (lang === 'sv' ? 'Kort notis' : 'Short note') : lang === 'sv' ? 'Ett stycke.' : 'One paragraph.';
      const answer = await fetch(`${server().origin}/api/save`, {
        method: 'POST',
        headers: { 'X-Hansa-Token': server().token, Origin: server().origin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ file: shortFile, lang, segment: segment.id, target: [{ text: target }], version: segment.version, approve: true }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
    }
  }
}

// ── the browser ──

interface Opened {
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page. */
  readonly errors: string[];
}

async function newContext(): Promise<BrowserContext> {
  if (!browser) throw new Error('chromium did not start');
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-GB' });
  context.setDefaultTimeout(wait);
  contexts.push(context);
  return context;
}

/** Open the page at `hash` (`#/…`) and wait until the view has rendered. */
async function open(hash: string, context?: BrowserContext): Promise<Opened> {
  const page = await (context ?? (await newContext())).newPage();
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    // Leaving with unsaved edits asks first: a prompt of the page's own, not the content's.
    if (dialog.type() === 'beforeunload') {
      unloadPrompts.push(page.url());
      void dialog.accept();
      return;
    }
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(`${server().url}${hash}`);
  await ready(page, hash.startsWith('#/article/') ? 'editor' : 'overview');
  return { page, errors };
}

async function ready(page: Page, view: 'overview' | 'editor'): Promise<void> {
  await page.waitForSelector(`body[data-ready="${view}"]`, { timeout: wait });
}

function editorHash(lang: string, file: string): string {
  return `#/article/${encodeURIComponent(lang)}/${encodeURIComponent(file)}`;
}

/** The editor's row whose source contains `text`. */
function row(page: Page, sourceText: string): Locator {
  return page.locator('[data-segment]').filter({ has: page.locator('.seg-source', { hasText: sourceText }) });
}

async function segmentId(segmentRow: Locator): Promise<string> {
  const id = await segmentRow.getAttribute('data-segment');
  if (!id) throw new Error('a row without data-segment');
  return id;
}

/** Poll `probe` until `done` holds for its value (at most 15 s); the last value is in the error. */
async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + wait;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

function text(locator: Locator): Promise<string> {
  return locator.evaluate((element) => element.textContent ?? '');
}

/** The text typed into a target: its text nodes, without the chips' labels. */
function typed(target: Locator): Promise<string> {
  return target.evaluate((element) =>
    Array.from(element.childNodes as ArrayLike<{ readonly nodeType: number; readonly textContent: string | null }>)
      .filter((node) => node.nodeType === 3)
      .map((node) => node.textContent ?? '')
      .join(''),
  );
}

/** The chips in a target, in order, as `tag:id`. */
function chips(target: Locator): Promise<string[]> {
  return target.locator('[data-code]').evaluateAll((elements) => elements.map((element) => `${element.getAttribute('data-tag') ?? '?'}:${element.getAttribute('data-code') ?? '?'}`));
}

/** A target as the reviewer sees it: its texts, and its chips as `[tag:id]`. */
function sequence(target: Locator): Promise<string[]> {
  return target.evaluate((element) =>
    Array.from(element.childNodes as ArrayLike<{ readonly nodeType: number; readonly textContent: string | null; getAttribute?(name: string): string | null }>).flatMap((node) => {
      if (node.nodeType === 3) return node.textContent ? [node.textContent] : [];
      const tag = node.getAttribute?.('data-tag');
      return tag ? [`[${tag}:${node.getAttribute?.('data-code') ?? '?'}]`] : [];
    }),
  );
}

/**
 * Put the caret into segment `id`'s target: before or after chip `tag:id`, or at its start or end.
 * (Only the caret: what is typed or deleted there goes through the keyboard.)
 */
async function caret(page: Page, id: string, where: 'before' | 'after' | 'start' | 'end', chip = ''): Promise<void> {
  const [tag, code] = chip.split(':');
  const script = `(() => {
    const target = document.querySelector('[data-segment="${id}"] [data-testid="target"]');
    const chip = target.querySelector('[data-tag="${tag ?? ''}"][data-code="${code ?? ''}"]');
    const where = '${where}';
    const range = document.createRange();
    if (where === 'start' || where === 'end') { range.selectNodeContents(target); range.collapse(where === 'start'); }
    else if (where === 'before') range.setStartBefore(chip);
    else range.setStartAfter(chip);
    range.collapse(true);
    target.focus();
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  })()`;
  await page.evaluate(script);
}

/** The id of the segment whose target has the focus. */
function focusedSegment(page: Page): Promise<string | null> {
  return page.evaluate<string | null>("document.activeElement?.closest('[data-segment]')?.getAttribute('data-segment') ?? null");
}

async function stateOf(segmentRow: Locator): Promise<string | null> {
  return segmentRow.getAttribute('data-state');
}

/** Type into a row's target with the keyboard: focus it (click), caret at the end, type. */
async function typeInto(page: Page, segmentRow: Locator, input: string, where: 'End' | 'Home' = 'End'): Promise<void> {
  await segmentRow.getByTestId('target').click();
  await page.keyboard.press(where);
  await page.keyboard.type(input);
}

describe('hansa review in a browser', () => {
  it('the overview shows every article and language, filters by state and finds a source word', slow, async () => {
    const overview = await api<Overview>('/api/overview');
    expect(overview.languages).toEqual(['sv', 'en']);
    const titles = overview.articles.map((article) => article.title);
    const articles = titles.length;
    expect(articles).toBeGreaterThanOrEqual(6); // The sample's four, the hostile and the short one.
    expect(titles).toContain('Gdańskie Targi Pracy 2022 – ponad 80 pracodawców i bezpłatne doradztwo zawodowe');
    const { page } = await open('#/');

    const rows = page.locator('table.articles tbody tr');
    expect(await rows.count()).toBe(articles);
    for (const title of titles) expect(await page.locator('.article-title', { hasText: title }).count(), title).toBe(1);
    expect(await page.getByTestId('cell').count()).toBe(articles * 2);
    expect(await page.locator('table.articles thead th abbr').allTextContents()).toEqual(['sv', 'en']);

    await page.getByTestId('state-filter').selectOption('reviewed');
    await until('only the fully reviewed article', () => page.locator('.article-file').allTextContents(), (files) => files.join() === shortFile);
    await page.getByTestId('state-filter').selectOption('hasNew');
    const withNew = await until('the articles with new segments', () => page.locator('.article-file').allTextContents(), (files) => files.length === articles - 1);
    expect(withNew).not.toContain(shortFile);
    await page.getByTestId('lang-filter').selectOption('en');
    expect(await page.getByTestId('cell').count()).toBe(articles - 1);
    expect(await page.locator('table.articles thead th abbr').allTextContents()).toEqual(['en']);
    await page.getByTestId('state-filter').selectOption('all');
    await page.getByTestId('lang-filter').selectOption('');
    expect(await page.getByTestId('cell').count()).toBe(articles * 2);

    // A cell opens that article's editor in that language.
    expect(await page.locator('tr', { hasText: 'Wrogi artykuł' }).getByTestId('cell').first().getAttribute('href')).toBe(editorHash('sv', hostileFile));

    // A source word: every segment that has it, in both languages, each hit marked.
    const found = await api<SearchResult>('/api/search?q=AmberExpo');
    expect(found.hits.length).toBeGreaterThanOrEqual(4); // The summary and a paragraph, in sv and en.
    await page.getByTestId('search-box').fill('AmberExpo');
    const hits = page.getByTestId('search-results').locator('a.hit');
    await hits.first().waitFor();
    expect(await hits.count()).toBe(found.hits.length);
    expect(await page.getByTestId('search-results').locator('mark', { hasText: 'AmberExpo' }).count()).toBe(found.hits.length);
    for (const source of await page.getByTestId('search-results').locator('.hit-source').allTextContents()) expect(source).toContain('AmberExpo');
    const href = await hits.first().getAttribute('href');
    expect(href).toMatch(new RegExp(`^${editorHash('sv', sampleFile).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[0-9a-f]+$`));
    await hits.first().click();
    await ready(page, 'editor');
    expect(page.url()).toContain(`?token=${server().token}#/article/sv/`);
    const segment = decodeURIComponent(href?.split('/').pop() ?? '');
    expect(await text(page.locator(`[data-segment="${segment}"] .seg-source`))).toContain('AmberExpo');
    // The hit's segment has the caret.
    await until('the hit segment focused', () => focusedSegment(page), (id) => id === segment);
  });

  it('edits and approves a segment with the keyboard; the file holds it, reviewed, by Anna Test, and validates', slow, async () => {
    const translation = 'Inträdet är gratis och ingen föranmälan krävs.';
    const { page } = await open(editorHash('sv', sampleFile));
    const entry = row(page, 'Wstęp jest bezpłatny');
    const id = await segmentId(entry);
    expect(await stateOf(entry)).toBe('new');

    await typeInto(page, entry, translation);
    await page.keyboard.press('Control+Enter');
    await until('the segment reviewed', () => stateOf(entry), (state) => state === 'reviewed');
    // Approval moved the focus on to another segment that needs a review.
    const next = await until('the focus moved on', () => focusedSegment(page), (focused) => focused !== null && focused !== id);
    expect(next).not.toBe(id);

    await page.reload();
    await ready(page, 'editor');
    // Nothing was left unsaved (untranslated rows that show only their chips are no edits).
    expect(unloadPrompts, 'the page asked before reloading: it counted edits as unsaved').toEqual([]);
    const reloaded = page.locator(`[data-segment="${id}"]`);
    expect(await text(reloaded.getByTestId('target'))).toBe(translation);
    expect(await stateOf(reloaded)).toBe('reviewed');
    expect(await text(reloaded.locator('.badge'))).toBe('Reviewed');
    expect(await text(reloaded.locator('.seg-reviewer'))).toBe('Anna Test');

    const xliff = await readSegments(dir, 'sv', sampleFile);
    expect(segmentXml(xliff, id)).toMatch(new RegExp(`<segment id="${id}" state="reviewed" subState="hansa:human">`));
    expect(targetXml(xliff, id)).toBe(translation);
    expect(unitXml(xliff, id)).toContain(`<mda:meta type="${id}">Anna Test</mda:meta>`);
    const validation = validate(segmentFile(dir, 'sv', sampleFile));
    expect(validation.code, validation.output).toBe(0);
  });

  it('never deletes a code chip: Backspace, Delete and select-all-and-type keep every chip, and the file keeps the codes', slow, async () => {
    const { page } = await open(editorHash('sv', sampleFile));
    const entry = row(page, 'Wystarczy wypełnić');
    const id = await segmentId(entry);
    const target = entry.getByTestId('target');
    const before = await chips(target);
    expect(before.slice(0, 2)).toEqual(['open:1', 'close:1']); // The link first, then more codes.
    expect(before.length).toBeGreaterThanOrEqual(3);
    const rest = before.slice(2).map((chip) => `[${chip}]`);

    // Type around the chips: before the link, inside it, after it and at the end.
    await entry.getByTestId('target').click();
    await caret(page, id, 'before', 'open:1');
    await page.keyboard.type('Fyll i ');
    await caret(page, id, 'after', 'open:1');
    await page.keyboard.type('formuläret');
    await caret(page, id, 'after', 'close:1');
    await page.keyboard.type(' eller mejla');
    await caret(page, id, 'after', before[before.length - 1] ?? '');
    await page.keyboard.type(' i dag.');
    const filled = ['Fyll i ', '[open:1]', 'formuläret', '[close:1]', ' eller mejla', ...rest, ' i dag.'];
    await until('the typed text', () => sequence(target), (value) => value.join('|') === filled.join('|'));

    // Backspace just after a chip steps over it; the next ones delete the text before it.
    await caret(page, id, 'after', 'close:1');
    for (let i = 0; i < 5; i += 1) await page.keyboard.press('Backspace');
    expect(await sequence(target)).toEqual(['Fyll i ', '[open:1]', 'formul', '[close:1]', ' eller mejla', ...rest, ' i dag.']);
    // Delete just before a chip, the same forwards.
    await caret(page, id, 'before', 'open:1');
    for (let i = 0; i < 4; i += 1) await page.keyboard.press('Delete');
    expect(await sequence(target)).toEqual(['Fyll i ', '[open:1]', 'mul', '[close:1]', ' eller mejla', ...rest, ' i dag.']);

    // Backspace from the end, many times over: every letter goes, every chip stays, in its order.
    await caret(page, id, 'end');
    for (let i = 0; i < 45; i += 1) await page.keyboard.press('Backspace');
    expect(await chips(target)).toEqual(before);
    expect(await typed(target)).toBe('');
    // And Delete from the start.
    await page.keyboard.type('formuläret');
    await caret(page, id, 'start');
    for (let i = 0; i < 30; i += 1) await page.keyboard.press('Delete');
    expect(await chips(target)).toEqual(before);
    expect(await typed(target)).toBe('');

    // Select all, then type: the text goes, the chips stay.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Skicka formuläret');
    expect(await chips(target)).toEqual(before);
    expect(await typed(target)).toBe('Skicka formuläret');

    await page.keyboard.press('Control+s');
    await until('the segment saved', () => stateOf(entry), (state) => state === 'translated');
    expect(await chips(target)).toEqual(before);
    const segment = segmentXml(await readSegments(dir, 'sv', sampleFile), id);
    const codesOf = (xml: string): string[] => (xml.match(/<(?:pc|ph|sc|ec) id="[^"]+"/g) ?? []).sort();
    const source = /<source>([\s\S]*?)<\/source>/.exec(segment)?.[1] ?? '';
    const saved = targetXml(segment, id) ?? '';
    expect(saved).toContain('Skicka formuläret');
    expect(codesOf(source).length).toBeGreaterThan(0);
    expect(codesOf(saved)).toEqual(codesOf(source));
  });

  it('a save from a second tab on a segment approved meanwhile shows the conflict and overwrites nothing', slow, async () => {
    const context = await newContext();
    const a = await open(editorHash('sv', sampleFile), context);
    const b = await open(editorHash('sv', sampleFile), context);
    const textA = 'Montern på mässan är gratis.';
    const textB = 'Montern kostar ingenting.';
    const rowA = row(a.page, 'Stoisko na targach jest bezpłatne.');
    const rowB = row(b.page, 'Stoisko na targach jest bezpłatne.');
    const id = await segmentId(rowA);

    await typeInto(a.page, rowA, textA);
    await a.page.keyboard.press('Control+Enter');
    await until('tab A approved', () => stateOf(rowA), (state) => state === 'reviewed');
    expect(targetXml(await readSegments(dir, 'sv', sampleFile), id)).toBe(textA);

    await typeInto(b.page, rowB, textB);
    await b.page.keyboard.press('Control+s');
    const conflict = rowB.getByTestId('conflict-message');
    await conflict.waitFor({ state: 'visible' });
    expect(await text(conflict)).toContain('changed elsewhere');
    // A's text is the segment's current text in B; B's own is kept below.
    expect(await text(rowB.getByTestId('target'))).toBe(textA);
    expect(await stateOf(rowB)).toBe('reviewed');
    expect(await text(conflict.locator('.conflict-mine'))).toBe(textB);

    const segment = segmentXml(await readSegments(dir, 'sv', sampleFile), id);
    expect(targetXml(segment, id)).toBe(textA);
    expect(segment).toContain('state="reviewed"');
  });

  it('flags a glossary error while typing, before anything is saved', slow, async () => {
    const file = segmentFile(dir, 'sv', sampleFile);
    const before = await readFile(file, 'utf8');
    const { page } = await open(editorHash('sv', sampleFile));
    const saves: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/save')) saves.push(request.url());
    });
    const entry = row(page, 'Przy rekrutacji osób z niepełnosprawnościami');
    // The source shows its glossary hits.
    expect(await entry.locator('.seg-source mark.term').count()).toBeGreaterThanOrEqual(2);
    await typeInto(page, entry, 'Vid rekrytering av handikappad ger ', 'Home');
    await page.keyboard.press('End');
    await page.keyboard.type(' stöd.');

    const findings = entry.getByTestId('findings');
    const forbidden = findings.locator('.finding-term_forbidden');
    await forbidden.first().waitFor({ state: 'visible' });
    expect(await text(forbidden.first())).toContain('handikappad');
    const missing = findings.locator('.finding-term_missing');
    expect(await missing.count()).toBeGreaterThanOrEqual(1);
    expect(await findings.innerText()).toContain('person med funktionsnedsättning');

    expect(saves).toEqual([]);
    expect(await stateOf(entry)).toBe('new');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('keeps hostile content inert in the editor and the preview', slow, async () => {
    const { page, errors } = await open(editorHash('sv', hostileFile));
    const inert = async (): Promise<void> => {
      expect(await page.evaluate<number>('document.querySelectorAll(\'[onerror], a[href^="javascript:" i], [onclick], script:not([src])\').length')).toBe(0);
      expect(await page.evaluate<number>('document.querySelectorAll(\'img:not([src^="data:"]):not([src^="/assets/"])\').length')).toBe(0);
    };
    const entry = row(page, 'Zobacz');
    const source = entry.locator('.seg-source');
    const target = entry.getByTestId('target');
    // The inline HTML is a chip that shows its markup as text, in the source and in the target.
    const html = '<img src=x onerror=alert(1)>';
    expect(await source.locator('.chip .chip-disp', { hasText: html }).count()).toBe(1);
    expect(await target.locator('.chip .chip-disp', { hasText: html }).count()).toBe(1);
    expect(await text(source)).toContain(html);
    expect(await source.locator('.chip .chip-disp', { hasText: 'javascript:alert(1)' }).count()).toBeGreaterThanOrEqual(1);
    expect(await source.locator('mark.term', { hasText: 'rynku pracy' }).count()).toBe(1);
    await inert();

    // The preview (open beside the editor on a wide screen) renders the article with the raw HTML dropped.
    const preview = page.getByTestId('preview-panel');
    await preview.waitFor({ state: 'visible' });
    const previewBody = preview.locator('.preview-body');
    await until('the preview', () => text(previewBody), (value) => value.includes('kliknij'));
    expect(await previewBody.locator('img, script, [onerror]').count()).toBe(0);
    expect(await previewBody.locator('a', { hasText: 'kliknij' }).getAttribute('href')).toBeNull();
    expect(await previewBody.locator('a', { hasText: 'stronę' }).getAttribute('href')).toBe('https://example.org/strona');

    // A translation that keeps the codes, saved: the published text still renders inert.
    await typeInto(page, entry, 'Se ', 'Home');
    await page.keyboard.press('End');
    await page.keyboard.type(' om arbetsmarknaden.');
    await page.keyboard.press('Control+s');
    await until('the segment saved', () => stateOf(entry), (state) => state === 'translated');
    await until('the preview in Swedish', () => text(previewBody), (value) => value.includes('om arbetsmarknaden'));
    expect(await previewBody.locator('img, script, [onerror]').count()).toBe(0);
    expect(await text(previewBody)).not.toContain('onerror');
    await inert();
    expect(await target.locator('.chip .chip-disp', { hasText: html }).count()).toBe(1);

    // And after a reload, from the file.
    await page.reload();
    await ready(page, 'editor');
    expect(await text(row(page, 'Zobacz').getByTestId('target'))).toContain(html);
    await inert();
    expect(dialogs).toEqual([]);
    expect(errors.filter((message) => !/Failed to load resource: the server responded with a status of 404/.test(message))).toEqual([]);
  });

  it('refuses writes and reads without the token, or from another origin', slow, async () => {
    const file = segmentFile(dir, 'en', sampleFile);
    const before = await readFile(file, 'utf8');
    const view = await apiArticle(sampleFile, 'en');
    const segment = view.units.flatMap((unit) => unit.segments).find((s) => plain(s).startsWith('Stoisko na targach'));
    if (!segment) throw new Error('no segment "Stoisko na targach"');
    const body = JSON.stringify({ file: sampleFile, lang: 'en', segment: segment.id, target: [{ text: 'The stand is free of charge.' }], version: segment.version, approve: true });
    const { origin, token } = server();
    const json = { 'Content-Type': 'application/json' };

    const noToken = await fetch(`${origin}/api/save`, { method: 'POST', headers: { ...json, Origin: origin }, body });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ error: 'forbidden' });
    const evil = await fetch(`${origin}/api/save`, { method: 'POST', headers: { ...json, Origin: 'http://evil.example', 'X-Hansa-Token': token }, body });
    expect(evil.status).toBe(403);
    const wrongToken = await fetch(`${origin}/api/save`, { method: 'POST', headers: { ...json, Origin: origin, 'X-Hansa-Token': `${token}x` }, body });
    expect(wrongToken.status).toBe(403);
    const read = await fetch(`${origin}/api/overview`);
    expect(read.status).toBe(403);
    const tokenInQuery = await fetch(`${origin}/api/overview?token=${token}`);
    expect(tokenInQuery.status).toBe(403);
    expect(await readFile(file, 'utf8')).toBe(before);

    // The same request with the token and the page's origin is taken: the refusals were the headers'.
    const taken = await fetch(`${origin}/api/save`, { method: 'POST', headers: { ...json, Origin: origin, 'X-Hansa-Token': token }, body });
    expect(taken.status, await taken.clone().text()).toBe(200);
    expect(targetXml(await readFile(file, 'utf8'), segment.id)).toBe('The stand is free of charge.');
  });

  it('has no serious or critical accessibility violations (axe) on the overview and the editor', slow, async () => {
    const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    interface Violation {
      readonly id: string;
      readonly impact: string | null | undefined;
      readonly help: string;
      readonly nodes: readonly string[];
    }
    const audit = async (page: Page, where: string): Promise<void> => {
      await page.evaluate(axeSource);
      const violations = await page.evaluate<Violation[]>(
        `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '')) })))`,
      );
      const grave = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      if (grave.length) console.log(`axe on ${where}:\n${JSON.stringify(grave, null, 2)}`);
      expect(grave, where).toEqual([]);
    };

    const overview = await open('#/');
    await overview.page.getByTestId('search-box').fill('doradztwo');
    await overview.page.getByTestId('search-results').locator('a.hit').first().waitFor();
    await audit(overview.page, 'the overview (with search results)');

    const { page } = await open(editorHash('sv', sampleFile));
    const entry = row(page, 'Zapraszamy na Gdańskie Targi Pracy 2022');
    await typeInto(page, entry, 'Välkommen till jobbmässan 2022.');
    await entry.getByTestId('findings').locator('.finding-term_missing').first().waitFor({ state: 'visible' });
    // Saved, so that leaving the target starts no save (a saving row is dimmed while it lasts).
    await page.keyboard.press('Control+s');
    await until('the segment saved', () => stateOf(entry), (state) => state === 'translated');
    await entry.getByTestId('findings').locator('.finding-term_missing').first().waitFor({ state: 'visible' });
    // A glossary hit focused: its tooltip shows.
    await entry.locator('.seg-source mark.term').first().focus();
    await page.locator('#term-tooltip').waitFor({ state: 'visible' });
    await audit(page, 'the editor (findings shown, a term tooltip open)');
  });

  it('takes the screenshots of the overview and the editor for the README', slow, async () => {
    const { page } = await open(editorHash('sv', sampleFile));
    const title = row(page, 'Gdańskie Targi Pracy 2022 – ponad 80 pracodawców');
    const titleId = await segmentId(title);
    if ((await stateOf(title)) !== 'reviewed') {
      await typeInto(page, title, 'Gdańsks jobbmässa 2022 – över 80 arbetsgivare och kostnadsfri yrkesvägledning');
      await page.keyboard.press('Control+Enter');
      await until('the title approved', () => stateOf(title), (state) => state === 'reviewed');
    }
    // Approving moved the caret on to the description: type a translation that misses a glossary term.
    const description = row(page, 'Zaproszenie na Gdańskie Targi Pracy 2022');
    await until('the description focused', () => focusedSegment(page), (id) => id === null || id !== titleId);
    await typeInto(page, description, 'Inbjudan till jobbmässan 2022, som Gdańsks arbetsförmedling anordnar med Centrum för talangutveckling.');
    await description.getByTestId('findings').locator('.finding-term_missing').first().waitFor({ state: 'visible' });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    expect(await stateOf(title)).toBe('reviewed');
    expect(await title.isVisible()).toBe(true);
    expect(await description.getByTestId('findings').isVisible()).toBe(true);
    const editorShot = await page.screenshot({ type: 'png' });

    const overview = await open('#/');
    expect(await overview.page.locator('table.articles tbody tr').count()).toBeGreaterThanOrEqual(6);
    expect(await overview.page.locator('.chart-row').count()).toBe(2);
    const overviewShot = await overview.page.screenshot({ type: 'png', fullPage: true });

    const docs = path.resolve('docs');
    await mkdir(docs, { recursive: true });
    await writeFile(path.join(docs, 'review-overview.png'), overviewShot);
    await writeFile(path.join(docs, 'review-editor.png'), editorShot);
  });
});
