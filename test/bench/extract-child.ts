/**
 * One bench mode in a process of its own, so its peak RSS is its own:
 *
 *   node --expose-gc build/test/bench/extract-child.js MODE [BENCH_PROJECT]
 *
 * MODE: parse (bare remark parse, one pass in this fresh process) | cold-1 | cold-auto (`.hansa` deleted first,
 * one run) | warm (nothing changed, best of 3) | change (one sentence appended to one
 * file, best of 3, the file restored afterwards). Prints a ChildResult as JSON.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/index.js';
import { parseMarkdown } from '../../src/markdown/index.js';
import { autoWorkers, extractProject, type ExtractRun } from '../../src/pipeline/extract.js';
import { benchProject, markdownFiles, type ChildResult } from './common.js';

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

async function main(): Promise<void> {
  const mode = process.argv[2] ?? '';
  const cwd = path.resolve(process.argv[3] ?? benchProject());
  const { config } = await loadConfig(cwd);
  const project = { cwd, config };
  const contentDir = path.join(cwd, config.contentDir.replaceAll('{lang}', config.sourceLanguage));
  const files = await markdownFiles(contentDir);
  const autoWorkerCount = config.workers === 'auto' ? autoWorkers(availableParallelism()) : config.workers;

  const bytesOf = async (): Promise<number> => {
    let total = 0;
    for (const file of files) total += (await readFile(path.join(contentDir, file))).length;
    return total;
  };
  const cpuRuns: number[] = [];
  const timed = async <T>(action: () => T | Promise<T>): Promise<{ seconds: number; value: T }> => {
    gc();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const value = await action();
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    cpuRuns.push((used.user + used.system) / 1e6);
    return { seconds, value };
  };
  const extract = async (workers: number | undefined): Promise<{ seconds: number; run: ExtractRun }> => {
    const { seconds, value } = await timed(() => extractProject(project, workers === undefined ? {} : { workers }));
    return { seconds, run: value };
  };
  const summary = (run: ExtractRun): Pick<ChildResult, 'parsed' | 'failed'> => ({
    parsed: run.parsed,
    failed: run.outcomes.filter((outcome) => !outcome.ok).length,
  });

  let result: Omit<ChildResult, 'maxRssKB' | 'cpuSeconds'>;
  switch (mode) {
    case 'parse': {
      const sources = await Promise.all(files.map((file) => readFile(path.join(contentDir, file), 'utf8')));
      const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source), 0);
      const runs: number[] = [];
      let nodes = 0;
      // One pass: a cold process, like the cold extraction it is the floor of.
      const { seconds } = await timed(() => {
        for (const source of sources) nodes += parseMarkdown(source).children.length;
      });
      runs.push(seconds);
      if (nodes === 0) throw new Error('bench: parsed nothing');
      result = { mode, seconds: Math.min(...runs), runs, files: files.length, bytes };
      break;
    }
    case 'cold-1':
    case 'cold-auto': {
      await rm(path.join(cwd, '.hansa'), { recursive: true, force: true });
      const workers = mode === 'cold-1' ? 1 : undefined;
      const { seconds, run } = await extract(workers);
      result = { mode, seconds, runs: [seconds], files: files.length, bytes: await bytesOf(), workers: workers ?? autoWorkerCount, ...summary(run) };
      break;
    }
    case 'warm': {
      await extract(undefined); // makes sure the cache is complete; not timed
      cpuRuns.length = 0;
      const runs: number[] = [];
      let last: ExtractRun | undefined;
      for (let round = 0; round < 3; round++) {
        const { seconds, run } = await extract(undefined);
        runs.push(seconds);
        last = run;
      }
      result = { mode, seconds: Math.min(...runs), runs, files: files.length, bytes: await bytesOf(), ...(last ? summary(last) : {}) };
      break;
    }
    case 'change': {
      await extract(undefined); // a warm cache to start from; not timed
      cpuRuns.length = 0;
      const file = files.find((name) => name.startsWith('man/')) ?? files[0];
      if (file === undefined) throw new Error('bench: no files');
      const absolute = path.join(contentDir, file);
      const original = await readFile(absolute);
      const runs: number[] = [];
      let parsed = Number.POSITIVE_INFINITY;
      let failed = 0;
      try {
        for (let round = 1; round <= 3; round++) {
          const sentence = `\nTo zdanie dopisano do pomiaru zmiany jednego pliku, runda ${round}.\n`;
          await writeFile(absolute, Buffer.concat([original, Buffer.from(sentence)]));
          const { seconds, run } = await extract(undefined);
          runs.push(seconds);
          parsed = round === 1 ? run.parsed : Math.max(parsed, run.parsed);
          failed += summary(run).failed ?? 0;
        }
      } finally {
        await writeFile(absolute, original);
      }
      result = { mode, seconds: Math.min(...runs), runs, files: files.length, bytes: await bytesOf(), parsed, failed };
      break;
    }
    default:
      throw new Error(`bench: unknown mode "${mode}" (parse, cold-1, cold-auto, warm, change)`);
  }
  const final: ChildResult = { ...result, cpuSeconds: cpuRuns, maxRssKB: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(final)}\n`);
}

await main();
