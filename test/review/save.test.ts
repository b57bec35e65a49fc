import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireProjectLock } from '../../src/files/lock.js';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf, type StoreSegment } from '../../src/formats/types.js';
import { filled, reconcile, updateSegments } from '../../src/pipeline/store.js';
import type { CheckResult, Conflict, Refused, SaveResult } from '../../src/review/api.js';
import type { ReviewServer } from '../../src/review/server.js';
import { hansa } from '../helpers/cli.js';
import { article, loadArticle, post, reviewProject, segmentWith, serve } from './review-project.js';

const segmentFile = 'translations/en/aktualnosci/targi.xlf';
const run = promisify(execFile);

let dir: string;
let server: ReviewServer;
beforeAll(async () => {
  dir = await reviewProject();
  server = await serve(dir, { reviewer: 'Anna Kowalska', lockWaitMs: 1500 });
});

async function onDisk(): Promise<StoreSegment[]> {
  return segmentsOf(readXliff2(await readFile(path.join(dir, segmentFile), 'utf8'), segmentFile));
}

async function validates(file: string): Promise<void> {
  const { stdout, stderr } = await run('/work/shared/tools/validate-l10n', [file], { cwd: dir });
  expect(`${stdout}${stderr}`).toContain('validates');
}

/** The save of `text` (parts) over the segment whose source has `match`, on the version the page loaded. */
async function saveOf(match: string, target: unknown[], approve = true, on: ReviewServer = server): Promise<{ answer: Awaited<ReturnType<typeof post>>; id: string; version: string }> {
  const segment = segmentWith(await loadArticle(on), match);
  const answer = await post(on, '/api/save', { file: article, lang: 'en', segment: segment.id, target, version: segment.version, approve });
  return { answer, id: segment.id, version: segment.version };
}

describe('POST /api/check', () => {
  it('names a missing code, and says the gate would refuse', async () => {
    const segment = segmentWith(await loadArticle(server), 'Zapraszamy');
    const answer = await post(server, '/api/check', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Welcome to the ' }, { open: 1 }, { text: 'Job Fair' }, { close: 1 }, { text: ' in Gdańsk.' }] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ findings: [{ check: 'codes', severity: 'error', message: 'the link around ‘Gdańska’ is missing' }], blocked: true } satisfies CheckResult);
  });

  it('gives glossary and QA findings that do not block', async () => {
    const segment = segmentWith(await loadArticle(server), 'Doradztwo');
    const result = (await post(server, '/api/check', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Career advice is free of any charge' }] })).json as CheckResult;
    expect(result.blocked).toBe(false);
    expect(result.findings.map((finding) => finding.check).sort()).toEqual(['end_punctuation', 'term_missing']);
    expect(result.findings.find((finding) => finding.check === 'term_missing')?.message).toBe('the glossary term "doradztwo zawodowe" is not translated as the glossary says (expected: career guidance)');
  });

  it('writes nothing', async () => {
    const before = await readFile(path.join(dir, segmentFile));
    const segment = segmentWith(await loadArticle(server), 'Wstęp wolny');
    await post(server, '/api/check', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Free entry.' }] });
    expect(await readFile(path.join(dir, segmentFile))).toEqual(before);
  });
});

describe('POST /api/save', () => {
  it('saves the target as a person’s, approved, with the reviewer; the file validates', async () => {
    const target = [{ text: 'Welcome to the ' }, { open: 1 }, { text: 'Job Fair' }, { close: 1 }, { text: ' in ' }, { open: 2 }, { text: 'Gdańsk' }, { close: 2 }, { text: '.' }];
    const { answer, id, version } = await saveOf('Zapraszamy', target);
    expect(answer.status, answer.text).toBe(200);
    const saved = (answer.json as SaveResult).segment;
    expect(saved).toMatchObject({ id, target, state: 'reviewed', origin: 'human', reviewer: 'Anna Kowalska' });
    expect(saved.version).not.toBe(version);
    // What the page shows after a reload.
    expect(segmentWith(await loadArticle(server), 'Zapraszamy')).toEqual(saved);
    // What the file holds.
    const text = await readFile(path.join(dir, segmentFile), 'utf8');
    expect(text).toContain(`<segment id="${id}" state="reviewed" subState="hansa:human">`);
    expect(text).toContain(`<mda:meta type="${id}">Anna Kowalska</mda:meta>`);
    expect((await onDisk()).find((segment) => segment.id === id)).toMatchObject({ target: 'Welcome to the <pc id="1">Job Fair</pc> in <pc id="2">Gdańsk</pc>.', state: 'reviewed', origin: 'human', reviewer: 'Anna Kowalska' });
    await validates(segmentFile);
  });

  it('keeps a save unapproved as translated', async () => {
    const { answer } = await saveOf('Wstęp wolny', [{ text: 'Free entry from 10.00 to 15.00.' }], false);
    expect(answer.status, answer.text).toBe(200);
    expect((answer.json as SaveResult).segment).toMatchObject({ state: 'translated', origin: 'human', reviewer: 'Anna Kowalska' });
  });

  it('refuses a save made on an older version with 409 and what the segment holds now', async () => {
    const segment = segmentWith(await loadArticle(server), 'Targi pracy');
    const first = await post(server, '/api/save', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Job fairs' }], version: segment.version, approve: true });
    expect(first.status).toBe(200);
    const before = await readFile(path.join(dir, segmentFile));
    const second = await post(server, '/api/save', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Job fair' }], version: segment.version, approve: true });
    expect(second.status).toBe(409);
    const conflict = second.json as Conflict;
    expect(conflict.error).toBe('conflict');
    expect(conflict.message).toMatch(/changed since the page loaded it/);
    expect(conflict.current).toEqual((first.json as SaveResult).segment);
    expect(await readFile(path.join(dir, segmentFile))).toEqual(before);
  });

  it('refuses a save over a segment another writer changed on disk since the page loaded it', async () => {
    const segment = segmentWith(await loadArticle(server), 'Doradztwo');
    // A CAT tool saves the file meanwhile.
    const file = readXliff2(await readFile(path.join(dir, segmentFile), 'utf8'), segmentFile);
    await writeFile(path.join(dir, segmentFile), writeXliff2(updateSegments(file, (item) => (item.id === segment.id ? { ...item, target: 'Career guidance is free.', state: 'translated', origin: 'human' } : item))));
    const answer = await post(server, '/api/save', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Career guidance costs nothing.' }], version: segment.version, approve: true });
    expect(answer.status).toBe(409);
    expect((answer.json as Conflict).current).toMatchObject({ target: [{ text: 'Career guidance is free.' }], state: 'translated' });
    expect((await onDisk()).find((item) => item.id === segment.id)?.target).toBe('Career guidance is free.');
  });

  it('keeps what another writer saved in other segments', async () => {
    const view = await loadArticle(server);
    const heading = segmentWith(view, 'Targi pracy');
    const click = segmentWith(view, 'Kliknij');
    const file = readXliff2(await readFile(path.join(dir, segmentFile), 'utf8'), segmentFile);
    await writeFile(path.join(dir, segmentFile), writeXliff2(updateSegments(file, (item) => (item.id === heading.id ? { ...item, target: 'Job fair', state: 'final' } : item))));
    const answer = await post(server, '/api/save', { file: article, lang: 'en', segment: click.id, target: [{ text: 'Click ' }, { open: 1 }, { text: 'here' }, { close: 1 }, { text: ' or see ' }, { ph: 2 }, { text: ' a picture.' }], version: click.version, approve: true });
    expect(answer.status, answer.text).toBe(200);
    const segments = await onDisk();
    expect(segments.find((item) => item.id === heading.id)).toMatchObject({ target: 'Job fair', state: 'final' });
    expect(segments.find((item) => item.id === click.id)).toMatchObject({ state: 'reviewed', reviewer: 'Anna Kowalska' });
  });

  it('refuses a target without a code of the source with 422 naming it, and writes nothing', async () => {
    const before = await readFile(path.join(dir, segmentFile));
    const { answer } = await saveOf('Kliknij', [{ text: 'Click ' }, { open: 1 }, { text: 'here' }, { close: 1 }, { text: ' or see a picture.' }]);
    expect(answer.status).toBe(422);
    expect(answer.json).toEqual({ error: 'refused', message: 'the translation cannot be saved as it is; nothing was saved', findings: [{ check: 'codes', severity: 'error', message: 'the HTML tag ‘<img src=x onerror=alert(1)>’ is missing' }] } satisfies Refused);
    const empty = await saveOf('Wstęp wolny', [{ text: '  ' }]);
    expect(empty.answer.status).toBe(422);
    expect((empty.answer.json as Refused).findings.map((finding) => finding.check)).toEqual(['empty']);
    const unbalanced = await saveOf('Wstęp wolny', [{ open: 1 }, { text: 'x' }]);
    expect(unbalanced.answer.status).toBe(422);
    expect((unbalanced.answer.json as Refused).findings).toEqual([{ check: 'codes', severity: 'error', message: 'the inline codes of the translation do not pair up' }]);
    expect(await readFile(path.join(dir, segmentFile))).toEqual(before);
  });

  it('waits for a run holding the project lock, and says so when it does not let go', async () => {
    const cache = path.join(dir, '.hansa');
    let lock = await acquireProjectLock(cache, { command: 'hansa translate' });
    const before = await readFile(path.join(dir, segmentFile));
    const { answer } = await saveOf('Wstęp wolny', [{ text: 'Entry is free from 10.00 to 15.00.' }]);
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ error: 'busy', message: expect.stringContaining('locked by hansa translate') });
    expect(await readFile(path.join(dir, segmentFile))).toEqual(before);
    // Released while the save waits: the save goes through.
    const segment = segmentWith(await loadArticle(server), 'Wstęp wolny');
    const saving = post(server, '/api/save', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Entry is free from 10.00 to 15.00.' }], version: segment.version, approve: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lock.release();
    expect((await saving).status).toBe(200);
    // And the lock is the server's only for the moment of the save.
    lock = await acquireProjectLock(cache, { command: 'hansa translate' });
    await lock.release();
  });

  it('gives the state the config wants for an approval', async () => {
    const final = await reviewProject({ review: { approve: 'final' } });
    const other = await serve(final, {});
    const segment = segmentWith(await loadArticle(other), 'Wstęp wolny');
    const answer = await post(other, '/api/save', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Free entry from 10.00 to 15.00.' }], version: segment.version, approve: true });
    expect((answer.json as SaveResult).segment).toMatchObject({ state: 'final', origin: 'human' });
    expect((answer.json as SaveResult).segment.reviewer).toBeUndefined();
    expect(await readFile(path.join(final, segmentFile), 'utf8')).not.toContain('hansa:reviewer');
  });

  it('keeps the reviewer through a run; a new target drops it', async () => {
    const result = await hansa(dir, ['extract']);
    expect(result.code, result.stderr).toBe(0);
    const saved = segmentWith(await loadArticle(server), 'Zapraszamy');
    expect(saved).toMatchObject({ state: 'reviewed', reviewer: 'Anna Kowalska' });
    await validates(segmentFile);
    const file = readXliff2(await readFile(path.join(dir, segmentFile), 'utf8'), segmentFile);
    const reviewed = segmentsOf(file).find((segment) => segment.reviewer !== undefined);
    expect(reviewed).toBeDefined();
    if (reviewed === undefined) return;
    expect(segmentsOf(reconcile(file, file).file).find((segment) => segment.id === reviewed.id)?.reviewer).toBe('Anna Kowalska');
    expect(filled({ ...reviewed, state: 'initial' }, { target: 'Machine text', origin: 'mt:deepl' }).reviewer).toBeUndefined();
  });

  it('saves a 1,000-segment article well under 100 ms', async () => {
    const big = await reviewProject();
    const body = Array.from({ length: 1000 }, (_, index) => `Zdanie numer ${index + 1} o targach pracy w Gdańsku.`).join('\n\n');
    await writeFile(path.join(big, 'content/pl', article), `# Duży artykuł\n\n${body}\n`);
    expect((await hansa(big, ['extract', '--to', 'en'])).code).toBe(0);
    const other = await serve(big, { reviewer: 'Bench' });
    const view = await loadArticle(other);
    const segments = view.units.flatMap((unit) => unit.segments).slice(1, 21);
    const times: number[] = [];
    for (const segment of segments) {
      const started = performance.now();
      const answer = await post(other, '/api/save', { file: article, lang: 'en', segment: segment.id, target: [{ text: 'Sentence about job fairs in Gdańsk.' }], version: segment.version, approve: true });
      times.push(performance.now() - started);
      expect(answer.status).toBe(200);
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(100);
  });
});
