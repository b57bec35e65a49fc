/**
 * DESIGN §8.9 with real processes and real timing: a translator saves segment files (as a
 * CAT tool does: temporary file, rename) while `hansa translate` runs against a slow
 * provider, and two runs start together. No human edit may be lost in any of them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyProject, hansa } from '../helpers/cli.js';
import { startMockDeepl, type MockDeepl } from '../helpers/mock-deepl.js';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf } from '../../src/formats/types.js';
import { updateSegments } from '../../src/pipeline/store.js';

const bin = path.resolve('bin/hansa.js');

/** A project of `count` distinct articles of `paragraphs` sentences each. */
async function project(count: number, paragraphs: number, config: object = {}): Promise<string> {
  const dir = await emptyProject();
  for (let n = 1; n <= count; n++) {
    const body = Array.from({ length: paragraphs }, (_, p) => `Akapit ${p + 1} artykułu ${n} opisuje doradztwo zawodowe w Gdańsku w ${2000 + p} r.`).join('\n\n');
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, `content/pl/artykul-${String(n).padStart(3, '0')}.md`), `---\ntitle: Artykuł numer ${n}\n---\n\n${body}\n`);
  }
  await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ sourceLanguage: 'pl', targetLanguages: ['sv'], ...config }));
  return dir;
}

/** Start `hansa` without waiting for it. */
function start(dir: string, args: readonly string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8', ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })));
  return { child, done };
}

/**
 * A translator's save: the first segment of the file gets `text`, reviewed, written to a
 * temporary file and renamed over the original, as OmegaT, Trados and editors do.
 */
async function translatorSaves(file: string, text: string): Promise<void> {
  const parsed = readXliff2(await readFile(file, 'utf8'), file);
  let first = true;
  const edited = updateSegments(parsed, (segment) => {
    if (!first) return segment;
    first = false;
    return { ...segment, target: text, state: 'reviewed', origin: 'human' };
  });
  const temporary = `${file}.cat-tool-save`;
  await writeFile(temporary, writeXliff2(edited));
  await rename(temporary, file);
}

/**
 * While `run` goes on, a translator saves one file of `files` after another, every `everyMs`;
 * then which saves (made before the run ended) are not in their file as saved.
 */
async function savesDuring(run: ReturnType<typeof start>, dir: string, files: readonly string[], prefix: string, everyMs: number): Promise<{ result: Awaited<ReturnType<typeof start>['done']>; saved: { file: string; text: string }[]; lost: string[] }> {
  let exited = false;
  void run.done.then(() => (exited = true));
  const saved: { file: string; text: string }[] = [];
  for (let index = 0; index < files.length && !exited; index++) {
    const name = files[index] ?? '';
    const text = `${prefix} ${index}`;
    await translatorSaves(path.join(dir, 'translations/sv', name), text);
    if (!exited) saved.push({ file: name, text });
    await sleep(everyMs);
  }
  const result = await run.done;
  const lost: string[] = [];
  for (const { file, text } of saved) {
    const now = await firstSegmentOf(path.join(dir, 'translations/sv', file));
    if (now.target !== text || now.state !== 'reviewed') lost.push(`${file}: ${JSON.stringify(now)}`);
  }
  return { result, saved, lost };
}

async function firstSegmentOf(file: string): Promise<{ target?: string; state: string }> {
  const segment = segmentsOf(readXliff2(await readFile(file, 'utf8'), file))[0];
  return { ...(segment?.target === undefined ? {} : { target: segment.target }), state: segment?.state ?? 'missing' };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let mock: MockDeepl | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('a translator saves while a run goes on', () => {
  it('keeps every save made at any moment of a run against a slow DeepL', async () => {
    const dir = await project(24, 5, { providerOptions: { deepl: { maxSegmentsPerRequest: 4, concurrency: 2 } } });
    expect((await hansa(dir, ['extract'])).code).toBe(0);
    mock = await startMockDeepl();
    mock.latencyMs = 150;
    const files = (await readdir(path.join(dir, 'translations/sv'))).filter((name) => name.endsWith('.xlf')).sort();
    const run = start(dir, ['translate', '--provider', 'deepl'], { DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url });
    // Saves spread over the whole run, each into another file: early ones fall into the
    // sending phase, later ones into the writing phase (last files are written last).
    const { result, saved, lost } = await savesDuring(run, dir, [...files].reverse(), 'Översättarens text', 120);
    expect(result.code, result.stderr).toBe(0);
    expect(saved.length).toBeGreaterThan(3);
    expect(mock.requests.length).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    // The run said which files it read again, and those files are whole XLIFF.
    expect(result.stderr).toMatch(/translations\/sv\/artykul-\d+\.xlf: warning: changed on disk during the run/);
    // The published article carries the translator's text, not the machine's.
    const last = saved[saved.length - 1];
    if (last !== undefined) {
      const published = await readFile(path.join(dir, 'dist/sv', last.file.replace(/\.xlf$/, '.md')), 'utf8');
      expect(published).toContain(last.text);
    }
  }, 120_000);

  it('keeps saves made during the writing phase of a long pseudo run', async () => {
    const dir = await project(240, 3);
    expect((await hansa(dir, ['extract'])).code).toBe(0);
    // Every article gains a paragraph, so the run rewrites every segment file.
    for (const name of await readdir(path.join(dir, 'content/pl'))) {
      await writeFile(path.join(dir, 'content/pl', name), `${await readFile(path.join(dir, 'content/pl', name), 'utf8')}\nNowy akapit dopisany w ${name}.\n`);
    }
    const files = (await readdir(path.join(dir, 'translations/sv'))).filter((name) => name.endsWith('.xlf')).sort().reverse();
    const run = start(dir, ['translate', '--provider', 'pseudo']);
    const { result, saved, lost } = await savesDuring(run, dir, files, 'Sparad text', 15);
    expect(result.code, result.stderr).toBe(0);
    expect(saved.length).toBeGreaterThan(10);
    expect(lost).toEqual([]);
  }, 120_000);
});

describe('the project lock', () => {
  it('lets one of two runs started together write; the other names the holder and exits 2', async () => {
    const dir = await project(300, 4);
    const first = start(dir, ['translate', '--provider', 'pseudo']);
    const second = start(dir, ['translate', '--provider', 'pseudo']);
    const results = await Promise.all([first.done, second.done]);
    const codes = results.map((result) => result.code).sort();
    expect(codes).toEqual([0, 2]);
    const refused = results.find((result) => result.code === 2);
    expect(refused?.stderr).toMatch(/\.hansa\/lock: error: the project is locked by hansa translate \(pid \d+ on .+\); run again when it has finished, or add --wait/);
    expect(existsSync(path.join(dir, '.hansa/lock'))).toBe(false);
  }, 120_000);

  it('with --wait, the second run waits for the first and then runs', async () => {
    const dir = await project(400, 4);
    const first = start(dir, ['translate', '--provider', 'pseudo']);
    await waitFor(() => existsSync(path.join(dir, '.hansa/lock')));
    const second = start(dir, ['--wait', 'translate', '--provider', 'pseudo']);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/hansa translate \(pid \d+, since .+\) holds the project lock; waiting for it to finish/);
  }, 120_000);

  it('takes over the lock of a run that was killed (kill -9)', async () => {
    const dir = await project(60, 4);
    const killed = start(dir, ['translate', '--provider', 'pseudo']);
    // Killed once the lock names its holder (a kill between creating the file and writing it
    // leaves an empty lock: the next test).
    await waitFor(() => {
      try {
        return readFileSync(path.join(dir, '.hansa/lock'), 'utf8').endsWith('\n');
      } catch {
        return false;
      }
    });
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(existsSync(path.join(dir, '.hansa/lock'))).toBe(true);
    const rerun = await hansa(dir, ['translate', '--provider', 'pseudo']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/took over the project lock of hansa translate \(pid \d+\), which is no longer running/);
  }, 120_000);

  it('takes over, and says so, a lock file a killed run left empty or unreadable', async () => {
    const dir = await project(2, 1);
    await mkdir(path.join(dir, '.hansa'), { recursive: true });
    for (const content of ['', 'not a lock']) {
      await writeFile(path.join(dir, '.hansa/lock'), content);
      // Older than a second: not a lock being written just now.
      const past = new Date(Date.now() - 5_000);
      await utimes(path.join(dir, '.hansa/lock'), past, past);
      const result = await hansa(dir, ['build']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('took over the project lock .hansa/lock, which held no readable holder');
    }
  }, 120_000);

  it('never takes over a live process’s lock, even an old one', async () => {
    const dir = await project(2, 1);
    await mkdir(path.join(dir, '.hansa'), { recursive: true });
    // This test's own process is alive: its lock stays.
    await writeFile(path.join(dir, '.hansa/lock'), JSON.stringify({ pid: process.pid, host: hostname(), command: 'hansa import', since: '2026-01-01T00:00:00.000Z' }));
    const result = await hansa(dir, ['build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`locked by hansa import (pid ${process.pid}`);
    const waited = await hansa(dir, ['--wait-timeout', '0.5', 'build']);
    expect(waited.code).toBe(2);
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  }, 60_000);

  it('read-only commands and dry runs do not need the lock', async () => {
    const dir = await project(2, 1);
    await mkdir(path.join(dir, '.hansa'), { recursive: true });
    await writeFile(path.join(dir, '.hansa/lock'), JSON.stringify({ pid: process.pid, host: hostname(), command: 'hansa translate', since: '2026-01-01T00:00:00.000Z' }));
    expect((await hansa(dir, ['status'])).code).toBe(0);
    expect((await hansa(dir, ['translate', '--dry-run', '--provider', 'pseudo'])).code).toBe(0);
  }, 60_000);
});

describe('Ctrl-C and SIGTERM', () => {
  it('SIGINT during extraction stops before anything is written, exit 130, lock released', async () => {
    const dir = await project(1500, 4);
    const run = start(dir, ['translate', '--provider', 'pseudo', '--workers', '1']);
    // The lock is taken right before extraction starts, with the handlers in place.
    await waitFor(() => existsSync(path.join(dir, '.hansa/lock')), 30_000);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(existsSync(path.join(dir, 'translations'))).toBe(false);
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
    expect(existsSync(path.join(dir, '.hansa/lock'))).toBe(false);
  }, 120_000);

  it('SIGINT while waiting for a slow provider stops at once, exit 130', async () => {
    const dir = await project(10, 3);
    mock = await startMockDeepl();
    mock.latencyMs = 5_000;
    const run = start(dir, ['translate', '--provider', 'deepl'], { DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url });
    const deepl = mock;
    await waitFor(() => deepl.requests.length > 0, 30_000);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(3_000);
    expect(existsSync(path.join(dir, '.hansa/lock'))).toBe(false);
  }, 120_000);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} during the writing phase stops at the next file, exit ${code}, nothing half-written`, async () => {
      const dir = await project(400, 3);
      const run = start(dir, ['translate', '--provider', 'pseudo']);
      // The first published article means the sending phase is over and writing has begun.
      await waitFor(() => existsSync(path.join(dir, 'dist/sv')), 60_000);
      const sentAt = Date.now();
      run.child.kill(signal);
      const result = await run.done;
      const tookMs = Date.now() - sentAt;
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toContain('interrupted');
      expect(tookMs).toBeLessThan(5_000);
      const written = await readdir(path.join(dir, 'dist/sv'));
      // Stopped before the end: not every article was published …
      expect(written.filter((name) => name.endsWith('.md')).length).toBeLessThan(400);
      // … and nothing is half-written: no temporary files, every segment file whole XLIFF.
      const all = await readdir(dir, { recursive: true });
      expect(all.filter((name) => name.endsWith('.hansa-tmp'))).toEqual([]);
      for (const name of (await readdir(path.join(dir, 'translations/sv'))).filter((item) => item.endsWith('.xlf'))) {
        expect(() => readXliff2(readFileSync(path.join(dir, 'translations/sv', name), 'utf8'), name)).not.toThrow();
      }
      expect(existsSync(path.join(dir, '.hansa/lock'))).toBe(false);
      // The rerun finishes the job.
      const rerun = await hansa(dir, ['translate', '--provider', 'pseudo']);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect((await readdir(path.join(dir, 'dist/sv'))).filter((name) => name.endsWith('.md')).length).toBe(400);
    }, 120_000);
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(5);
  }
}
