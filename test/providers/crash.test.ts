/**
 * DESIGN §8.2 end to end: `hansa translate` killed with SIGKILL at random moments against a
 * slow DeepL mock, 20 times; each rerun must end with output byte-identical to an
 * uninterrupted run, and no answer the killed run had received is ever bought again.
 *
 * An answer still on the wire when the process dies was never received, so the rerun must
 * ask again: no client can do otherwise, and an answer sitting unread in the socket while
 * the process is busy elsewhere is in the same case. Answers sent at least `received` ms
 * before the kill had time to be read and journaled (an fsync takes well under a
 * millisecond here; the margin covers a CI machine busy with other test files); those must
 * never be translated a second time. A client that did not journal would re-buy every
 * answer of the killed run, which this still catches.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hansa, sampleProject } from '../helpers/cli.js';
import { startMockDeepl } from '../helpers/mock-deepl.js';

async function distFiles(dir: string): Promise<Record<string, string>> {
  const root = path.join(dir, 'dist');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((item) => item.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(root, file)] = await readFile(file, 'utf8');
  }
  return files;
}

const received = 500;

/** Start `hansa translate` and SIGKILL it after `delayMs`; resolves with the kill time. */
function killedRun(dir: string, env: Record<string, string>, delayMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/hansa.js'), 'translate', '--provider', 'deepl', '--to', 'en,sv'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8', ...env },
      stdio: 'ignore',
    });
    let killedAt = Number.POSITIVE_INFINITY;
    const timer = setTimeout(() => {
      killedAt = Date.now();
      child.kill('SIGKILL');
    }, delayMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(killedAt);
    });
  });
}

describe('kill -9 at random moments', () => {
  it('loses nothing paid for and ends with the output of an uninterrupted run, 20 times', async () => {
    const reference = await startMockDeepl();
    reference.latencyMs = 250;
    const clean = await sampleProject();
    const started = Date.now();
    const uninterrupted = await hansa(clean, ['translate', '--provider', 'deepl', '--to', 'en,sv'], { env: { DEEPL_AUTH_KEY: reference.key, DEEPL_API_URL: reference.url } });
    expect(uninterrupted.code).toBe(0);
    // Kill moments spread over the part of a run that talks to the provider, measured on
    // this machine, so a slow CI machine gets kills at the same stages as a fast one.
    const duration = Date.now() - started;
    const expected = await distFiles(clean);
    await reference.close();

    // A seeded sequence of kill moments from start-up to the end of the run.
    let seed = 20261127;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let killedMidway = 0;
    for (let trial = 0; trial < 20; trial++) {
      const mock = await startMockDeepl();
      mock.latencyMs = 250;
      const env = { DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url };
      try {
        const dir = await sampleProject();
        const killedAt = await killedRun(dir, env, Math.floor(duration * (0.35 + random() * 0.6)));
        const sentBeforeKill = mock.requests.length;
        if (sentBeforeKill > 0 && Number.isFinite(killedAt)) killedMidway += 1;
        const receivedBeforeKill = new Set(mock.deliveries.filter((delivery) => delivery.at <= killedAt - received).map((delivery) => delivery.key));
        const deliveriesBefore = mock.deliveries.length;
        const rerun = await hansa(dir, ['translate', '--provider', 'deepl', '--to', 'en,sv'], { env });
        expect(rerun.code).toBe(0);
        expect(await distFiles(dir)).toEqual(expected);
        const boughtAgain = mock.deliveries.slice(deliveriesBefore).filter((delivery) => receivedBeforeKill.has(delivery.key));
        expect(boughtAgain).toEqual([]);
        // Within one run nothing is asked twice either.
        const repeated = new Map<string, number>();
        for (const delivery of mock.deliveries.slice(deliveriesBefore)) repeated.set(delivery.key, (repeated.get(delivery.key) ?? 0) + 1);
        expect([...repeated.values()].every((count) => count === 1)).toBe(true);
      } finally {
        await mock.close();
      }
    }
    // The kills must have landed while requests were under way, not only before or after.
    expect(killedMidway).toBeGreaterThan(5);
  }, 240_000);
});

describe('Ctrl-C', () => {
  it('stops with exit 130, keeps what was received, and the next run finishes the job', async () => {
    const mock = await startMockDeepl();
    mock.latencyMs = 400;
    const env = { DEEPL_AUTH_KEY: mock.key, DEEPL_API_URL: mock.url };
    try {
      const dir = await sampleProject();
      const child = spawn(process.execPath, [path.resolve('bin/hansa.js'), 'translate', '--provider', 'deepl', '--to', 'en,sv'], {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Interrupt once the second language's requests are on their way.
      const interrupted = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
      while (mock.requests.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
      expect(await interrupted).toBe(130);
      expect(stderr).toContain('interrupted');
      const journal = await readFile(path.join(dir, '.hansa/journal.jsonl'), 'utf8');
      expect(journal.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(164);
      const before = mock.requests.length;
      const rerun = await hansa(dir, ['translate', '--provider', 'deepl', '--to', 'en,sv'], { env });
      expect(rerun.code).toBe(0);
      // Only what had not come back (the requests in flight at the interrupt) is asked again.
      expect(mock.requests.length - before).toBeLessThanOrEqual(4);
    } finally {
      await mock.close();
    }
  }, 60_000);
});
