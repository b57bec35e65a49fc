/**
 * One translation memory bench mode in a process of its own (see memory.ts):
 *
 *   node --expose-gc build/test/bench/memory-child.js MODE [ROOT]
 *
 * MODE: prepare (memory and queries to .cache/bench/memory) | measure (load, lookups, RSS) |
 * load (the load alone).
 * Prints its result as JSON on the last stdout line.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { similarity, tokenDistance, TokenTable } from '../../src/memory/fuzzy.js';
import { MemoryIndex, type MemoryMatch } from '../../src/memory/index.js';
import { projectRoot } from './common.js';
import { memoryPaths, prepareMemoryBench, timing, type MemoryChildResult, type MemoryLoadResult, type MemoryQueries } from './memory.js';

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

/** Run `action` on each item, timing each call in milliseconds. */
function timeEach<T, R>(items: readonly T[], action: (item: T) => R): { times: number[]; results: R[] } {
  const times: number[] = [];
  const results: R[] = [];
  for (const item of items) {
    const start = process.hrtime.bigint();
    const result = action(item);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    results.push(result);
  }
  return { times, results };
}

async function measure(root: string): Promise<MemoryChildResult> {
  const startupSeconds = performance.now() / 1000;
  const paths = memoryPaths(root);
  const queries = JSON.parse(await readFile(paths.queries, 'utf8')) as MemoryQueries;
  gc();

  const loadStart = performance.now();
  const loadCpu = process.cpuUsage();
  const memory = await MemoryIndex.load(paths.memory);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const cpu = process.cpuUsage(loadCpu);
  const loadRssKB = process.resourceUsage().maxRSS;

  // A short warm-up of each kind, as a translate run would have had by its second segment.
  for (const query of queries.exact.slice(0, 200)) memory.lookup(query);
  for (const query of queries.unseen.slice(0, 20)) memory.lookup({ source: query });

  const exact = timeEach(queries.exact, (query) => memory.lookup(query));
  const kinds = exact.results.map((matches) => matches[0]?.kind ?? 'none');
  const edited = timeEach(queries.edited, (query) => memory.lookup({ source: query.source }));
  const unseen = timeEach(queries.unseen, (source) => memory.lookup({ source }));
  const top = (matches: readonly MemoryMatch[]): MemoryMatch | undefined => matches[0];
  const fuzzyTops = [...edited.results, ...unseen.results].map(top).filter((match): match is MemoryMatch => match?.kind === 'fuzzy');
  const maxRssKB = process.resourceUsage().maxRSS;

  // Brute force: every distinct source scored against a few queries (the same tokens and
  // distance, no candidate filter); the index must find the same matches.
  const bruteCount = Number(process.env['BENCH_MEMORY_BRUTE'] ?? 20);
  let brute: MemoryChildResult['brute'];
  if (bruteCount > 0) {
    const start = performance.now();
    const table = new TokenTable('pl');
    const sources = [...new Set([...memory.entries()].map((entry) => entry.source))].map((source) => ({ source, tokens: table.indexTokens(source) }));
    const sample = [...queries.edited.slice(0, Math.ceil(bruteCount / 2)).map((query) => query.source), ...queries.unseen.slice(0, Math.floor(bruteCount / 2))].filter(
      (source) => memory.lookup({ source })[0]?.kind !== 'exact',
    );
    let agree = 0;
    for (const query of sample) {
      const tokens = table.queryTokens(query);
      const expected = sources
        .map(({ source, tokens: indexed }) => `${Math.min(99, similarity(tokenDistance(tokens, indexed.ids, 0, indexed.ids.length, table), tokens.total, indexed.total))} ${source}`)
        .filter((line) => Number(line.split(' ')[0]) >= 75)
        .sort();
      const found = memory
        .lookup({ source: query }, { limit: Infinity })
        .map((match) => `${match.score} ${match.source}`)
        .sort();
      if (JSON.stringify(found) === JSON.stringify(expected)) agree++;
      else process.stderr.write(`bench: brute force disagrees on ${JSON.stringify(query)}: ${JSON.stringify({ found, expected })}\n`);
    }
    brute = { queries: sample.length, agree, seconds: (performance.now() - start) / 1000 };
  }

  const editedTiming = timing(edited.times);
  return {
    entries: memory.size,
    sources: memory.sourceCount,
    fileBytes: (await stat(paths.memory)).size,
    loadSeconds,
    loadCpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadRssKB,
    exact: {
      ...timing(exact.times),
      inContext: kinds.filter((kind) => kind === 'in-context').length,
      exact: kinds.filter((kind) => kind === 'exact').length,
      missed: kinds.filter((kind) => kind === 'none' || kind === 'fuzzy').length,
    },
    fuzzy: {
      ...timing([...edited.times, ...unseen.times]),
      edited: {
        ...editedTiming,
        found: edited.results.filter((matches) => matches.length > 0).length,
        foundOriginal: edited.results.filter((matches, i) => matches[0]?.source === queries.edited[i]?.original).length,
        exactHits: edited.results.filter((matches) => matches[0]?.kind === 'exact').length,
      },
      unseen: { ...timing(unseen.times), found: unseen.results.filter((matches) => matches.length > 0).length },
      meanScore: fuzzyTops.reduce((sum, match) => sum + match.score, 0) / Math.max(1, fuzzyTops.length),
    },
    ...(brute === undefined ? {} : { brute }),
    maxRssKB,
    startupSeconds,
  };
}

/** The load alone, in a fresh process: the driver takes the best of several. */
async function loadOnly(root: string): Promise<MemoryLoadResult> {
  gc();
  const start = performance.now();
  const cpu = process.cpuUsage();
  await MemoryIndex.load(memoryPaths(root).memory);
  const used = process.cpuUsage(cpu);
  return { loadSeconds: (performance.now() - start) / 1000, loadCpuSeconds: (used.user + used.system) / 1e6, loadRssKB: process.resourceUsage().maxRSS };
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? '';
  const root = path.resolve(process.argv[3] ?? projectRoot());
  if (mode === 'prepare') process.stdout.write(`${JSON.stringify(await prepareMemoryBench(root))}\n`);
  else if (mode === 'measure') process.stdout.write(`${JSON.stringify(await measure(root))}\n`);
  else if (mode === 'load') process.stdout.write(`${JSON.stringify(await loadOnly(root))}\n`);
  else throw new Error(`bench: unknown memory mode "${mode}" (prepare, measure, load)`);
}

await main();
