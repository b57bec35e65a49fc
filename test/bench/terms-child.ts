/**
 * One terminology bench mode in a process of its own (see terms.ts):
 *
 *   node --expose-gc build/test/bench/terms-child.js MODE [ROOT]
 *
 * MODE: prepare (glossary, text and insertions to .cache/bench/terms) | cold (no compile
 * cache: dictionary + compile + index, then matching; writes the compile cache afterwards,
 * not timed) | warm (compile from that cache + index). Prints its result as JSON.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { compileTerms, loadDictionary, TermIndex, type Glossary, type TermHit } from '../../src/glossary/index.js';
import { projectRoot } from './common.js';
import { prepareTermsBench, termsPaths, type Sprinkle, type TermsChildResult } from './terms.js';

const cpuSeconds = (used: NodeJS.CpuUsage): number => (used.user + used.system) / 1e6;
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

/** Paragraphs of the text with their offsets, as the pipeline matches segment by segment. */
function paragraphs(text: string): { text: string; start: number }[] {
  const found: { text: string; start: number }[] = [];
  let start = 0;
  for (const gap of text.matchAll(/\n{2,}/g)) {
    if (gap.index > start) found.push({ text: text.slice(start, gap.index), start });
    start = gap.index + gap[0].length;
  }
  if (start < text.length) found.push({ text: text.slice(start), start });
  return found;
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [])) total += (await stat(path.join(dir, name))).size;
  return total;
}

async function main(): Promise<void> {
  const startupSeconds = performance.now() / 1000;
  const mode = process.argv[2] ?? '';
  const root = path.resolve(process.argv[3] ?? projectRoot());
  const paths = termsPaths(root);
  if (mode === 'prepare') {
    process.stdout.write(`${JSON.stringify(await prepareTermsBench(root))}\n`);
    return;
  }
  if (mode !== 'cold' && mode !== 'warm') throw new Error(`bench: unknown terms mode "${mode}" (prepare, cold, warm)`);

  // Inputs, not timed.
  const glossary = JSON.parse(await readFile(paths.glossary, 'utf8')) as Glossary;
  const text = await readFile(paths.text, 'utf8');
  const sprinkles = JSON.parse(await readFile(paths.sprinkles, 'utf8')) as Sprinkle[];
  if (mode === 'cold') await rm(paths.cacheDir, { recursive: true, force: true });
  else if ((await readdir(paths.cacheDir).catch(() => [])).length === 0) throw new Error('bench: no compile cache; run the cold mode first');
  gc();

  const stages: Record<string, number> = {};
  const stage = async <T>(name: string, action: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await action();
    stages[name] = (performance.now() - start) / 1000;
    return value;
  };
  const loadStart = performance.now();
  const loadCpu = process.cpuUsage();
  const dictionary = mode === 'cold' ? await stage('dictionary', () => loadDictionary('pl')) : undefined;
  const terms = await stage('compile', () => compileTerms(glossary, 'pl', mode === 'warm' ? { cacheDir: paths.cacheDir } : {}));
  const index = await stage('index', () => new TermIndex(terms, { ignoreDiacritics: false }));
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const loadCpuSeconds = cpuSeconds(process.cpuUsage(loadCpu));
  const loadRssKB = process.resourceUsage().maxRSS;
  const base = {
    mode,
    entries: glossary.entries.length,
    terms: terms.length,
    stages,
    loadSeconds,
    loadCpuSeconds,
    startupSeconds,
    ...(dictionary === undefined ? {} : { dictionaryStems: dictionary.size }),
    loadRssKB,
  } as const;

  if (mode === 'warm') {
    const result: TermsChildResult = { ...base, mode, maxRssKB: process.resourceUsage().maxRSS };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }

  // Matching: paragraph by paragraph, one warm-up, best of 3; and the whole text in one call.
  const parts = paragraphs(text);
  const matchAll = (): TermHit[] => {
    const hits: TermHit[] = [];
    for (const part of parts) for (const hit of index.match(part.text)) hits.push({ ...hit, start: hit.start + part.start, end: hit.end + part.start });
    return hits;
  };
  const time = <T>(action: () => T): { seconds: number; cpu: number; value: T } => {
    gc();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const value = action();
    return { seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(process.cpuUsage(cpu)), value };
  };
  const warmup = time(matchAll);
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  let hits = warmup.value;
  for (let round = 0; round < 3; round++) {
    const { seconds, cpu, value } = time(matchAll);
    runs.push(seconds);
    cpuRuns.push(cpu);
    hits = value;
  }
  // The pipeline matches segment by segment: the peak is read before the whole text in one call.
  const maxRssKB = process.resourceUsage().maxRSS;
  const oneCall = time(() => index.match(text));
  let found = 0;
  let h = 0;
  for (const inserted of sprinkles) {
    while (h < hits.length && (hits[h]?.end ?? 0) < inserted.end) h += 1;
    const hit = hits[h];
    if (hit !== undefined && hit.start <= inserted.start && hit.end >= inserted.end) found += 1;
  }
  const heap = getHeapStatistics();
  const maxRssOneCallKB = process.resourceUsage().maxRSS;

  // The compile cache for the warm mode: not timed, after the RSS reading.
  const write = performance.now();
  await compileTerms(glossary, 'pl', { cacheDir: paths.cacheDir });
  const cacheWrite = { seconds: (performance.now() - write) / 1000, bytes: await directoryBytes(paths.cacheDir) };

  const result: TermsChildResult = {
    ...base,
    mode,
    matching: {
      chars: text.length,
      bytes: Buffer.byteLength(text),
      segments: parts.length,
      warmup: warmup.seconds,
      runs,
      cpuRuns,
      seconds: Math.min(...runs),
      hits: hits.length,
      oneCall: { seconds: oneCall.seconds, hits: oneCall.value.length },
      sprinkled: sprinkles.length,
      sprinkledFound: found,
    },
    maxRssKB,
    maxRssOneCallKB,
    cacheWrite,
    heap: { usedMB: heap.used_heap_size / 1024 / 1024, totalMB: heap.total_heap_size / 1024 / 1024, peakMallocedMB: heap.peak_malloced_memory / 1024 / 1024 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
