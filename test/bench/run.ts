/**
 * The extraction benchmark: `npm run build && node build/test/bench/run.js`.
 *
 * Builds the bench corpus when missing (test/corpus/build-bench.sh), runs every mode in
 * a child process of its own (build/test/bench/extract-child.js) so each peak RSS is
 * measured in isolation, times po4a over the same files, and prints a table; the same
 * figures go to `.cache/bench/extract.json`. Targets are reported, never asserted.
 *
 * Then the terminology bench (./terms.ts): a 10,000-entry glossary against 1 MB of Polish
 * text, in children of its own (build/test/bench/terms-child.js); its table follows, its
 * figures go to the same JSON under `terms` (and to `.cache/bench/terms.json`).
 *
 * `npm run bench -- memory` runs the translation memory bench alone (./memory.ts), `terms` and
 * `queue` likewise their parts. `npm run bench -- project` runs the whole-CLI project bench
 * (./project.ts: translate, status and build over 960 and 5,000 generated articles).
 *
 * Env: BENCH_CPU_PROF=<dir> passes --cpu-prof --cpu-prof-dir=<dir> to the children.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MB, benchProject, markdownFiles, projectRoot, type ChildResult } from './common.js';
import { formatRows, runTermsBench } from './terms.js';

const root = projectRoot();
const bench = benchProject(root);
const content = path.join(bench, 'content', 'pl');
const outDir = path.join(root, '.cache', 'bench');
const child = fileURLToPath(new URL('./extract-child.js', import.meta.url));

interface Row {
  readonly label: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

function buildCorpus(): void {
  const script = path.join(root, 'test', 'corpus', 'build-bench.sh');
  const built = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stderr.write(built.stdout);
  if (built.status !== 0) throw new Error(`bench: ${script} failed (exit ${built.status ?? built.signal})`);
}

/** Run one mode in a fresh process; its wall time includes Node start-up and imports. */
function runChild(mode: string): ChildResult & { processSeconds: number } {
  const profile = process.env['BENCH_CPU_PROF'];
  const flags = ['--expose-gc', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`, `--cpu-prof-name=${mode}-\${pid}-\${time}.cpuprofile`] : [])];
  process.stderr.write(`bench: ${mode}…\n`);
  const start = performance.now();
  const ran = spawnSync(process.execPath, [...flags, child, mode, bench], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * MB });
  const processSeconds = (performance.now() - start) / 1000;
  if (ran.status !== 0) throw new Error(`bench: mode ${mode} failed (exit ${ran.status ?? ran.signal})`);
  const last = ran.stdout.trim().split('\n').at(-1) ?? '';
  return { ...(JSON.parse(last) as ChildResult), processSeconds };
}

/** The fastest of `count` fresh processes of a mode; its peak RSS is the highest seen. */
function bestOf(mode: string, count: number): ChildResult & { processSeconds: number } {
  const [best] = bestOfEach([mode], count);
  if (best === undefined) throw new Error(`bench: no run of ${mode}`);
  return best;
}

/**
 * `bestOf` for modes that are compared with each other, their processes taken in turns
 * (a, b, a, b …): this shared machine slows down and speeds up by ±20 % for minutes at a
 * time, and a slow stretch falling on all the runs of one mode alone skewed their ratio.
 */
function bestOfEach(modes: readonly string[], count: number): (ChildResult & { processSeconds: number })[] {
  const results = modes.map(() => [] as (ChildResult & { processSeconds: number })[]);
  for (let round = 0; round < count; round++) modes.forEach((mode, index) => results[index]?.push(runChild(mode)));
  return results.map((runs) => {
    const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return { ...best, runs: runs.map((result) => result.seconds), maxRssKB: Math.max(...runs.map((result) => result.maxRssKB)) };
  });
}

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** po4a-updatepo over every file, in one process. */
async function runPo4a(files: readonly string[]): Promise<{ seconds: number; argBytes: number; potBytes?: number } | { skipped: string }> {
  if (!commandExists('po4a-updatepo')) return { skipped: 'not installed' };
  await mkdir(outDir, { recursive: true });
  const pot = path.join(outDir, 'po4a-out.pot');
  await rm(pot, { force: true }); // an existing .pot would be msgmerged, not rebuilt
  const args = ['-f', 'text', '-o', 'markdown', '-M', 'UTF-8', ...files.flatMap((file) => ['-m', file]), '-p', pot];
  const argBytes = args.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);
  process.stderr.write(`bench: po4a-updatepo (${files.length} files, ${argBytes} bytes of arguments)…\n`);
  const start = performance.now();
  const ran = spawnSync('po4a-updatepo', args, { cwd: content, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * MB });
  const seconds = (performance.now() - start) / 1000;
  if (ran.status !== 0) return { skipped: `failed (exit ${ran.status ?? ran.signal}): ${(ran.stderr ?? '').split('\n').filter((l) => !/deprecated/.test(l)).slice(0, 3).join(' ')}` };
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(pot));
  return { seconds, argBytes, potBytes: size };
}

/** Optional: the segmentation accuracy, when test/segment/accuracy.ts has been compiled. */
async function segmentationAccuracy(): Promise<unknown> {
  const compiled = fileURLToPath(new URL('../segment/accuracy.js', import.meta.url));
  if (!existsSync(compiled)) return undefined;
  const module = (await import(pathToFileURL(compiled).href)) as { measureSegmentationAccuracy?: () => unknown };
  if (typeof module.measureSegmentationAccuracy !== 'function') return undefined;
  return await module.measureSegmentationAccuracy();
}

/** The numeric fields of the accuracy report, ratios as percentages; the whole report goes to the JSON. */
function describeAccuracy(accuracy: unknown): string {
  if (typeof accuracy !== 'object' || accuracy === null) return String(accuracy);
  const parts = Object.entries(accuracy as Record<string, unknown>)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([key, value]) => (value > 0 && value <= 1 && !Number.isInteger(value) ? `${key} ${(value * 100).toFixed(1)}%` : `${key} ${value}`));
  const text = parts.length > 0 ? parts.join(', ') : JSON.stringify(accuracy);
  return text.length > 110 ? `${text.slice(0, 107)}…` : text;
}

const s = (seconds: number): string => `${seconds.toFixed(3)} s`;
const mbps = (bytes: number, seconds: number): string => `${(bytes / MB / seconds).toFixed(2)} MB/s`;
const rss = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/** The provider queue against a simulated provider: 100 ms latency, 10 requests/s, 50 texts a request. */
async function queueBench(): Promise<string> {
  const { simulateThroughput } = await import(pathToFileURL(path.join(root, 'build', 'test', 'queue', 'throughput.js')).href) as typeof import('../queue/throughput.js');
  const segments = 20_000;
  const report = await simulateThroughput({ latencyMs: 100, requestsPerSecond: 10, textsPerRequest: 50, segments });
  const ceiling = segments / (50 * 10);
  const oneAtATime = segments * 0.1;
  const rows = [
    { label: 'simulated provider, 20,000 segments', value: `${report.wallSeconds.toFixed(2)} s, ${report.requests} requests (ceiling ${ceiling} s)`, target: 'within 5 % of 40 s', ok: Math.abs(report.wallSeconds - ceiling) <= ceiling * 0.05 },
    { label: 'against one request at a time', value: `×${(oneAtATime / report.wallSeconds).toFixed(1)} faster (${oneAtATime} s one segment at a time)`, target: '≥ ×20', ok: oneAtATime / report.wallSeconds >= 20 },
    { label: 'memory', value: `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB in this process` },
  ];
  return rows.map((row) => `${row.ok === undefined ? ' ' : row.ok ? '✓' : '✗'} ${row.label.padEnd(40)}  ${row.value.padEnd(70)}  ${row.target ?? ''}`.trimEnd()).join('\n');
}

async function main(): Promise<void> {
  // `npm run bench -- queue` runs the provider-queue part alone.
  if (process.argv[2] === 'queue') {
    process.stdout.write(`Hansa provider queue bench\n${await queueBench()}\n`);
    return;
  }
  // `npm run bench -- terms` runs the terminology part alone.
  if (process.argv[2] === 'terms') {
    const termsBench = runTermsBench(root);
    process.stdout.write(`Hansa terminology bench — 10,000-entry glossary, 1 MB of Polish text\n${formatRows(termsBench.rows).join('\n')}\n`);
    return;
  }
  // `npm run bench -- project` runs the whole-CLI project bench alone (./project.ts); it is
  // not part of the default run, which would take many minutes longer.
  if (process.argv[2] === 'project') {
    const { runProjectBench } = await import('./project.js');
    await runProjectBench(root);
    return;
  }
  // `npm run bench -- review` runs the review page's bench alone (./review.ts; needs chromium).
  if (process.argv[2] === 'review') {
    const { runReviewBench } = await import('./review.js');
    await runReviewBench(root);
    return;
  }
  // `npm run bench -- memory` runs the translation memory part alone (./memory.ts).
  if (process.argv[2] === 'memory') {
    const { runMemoryBench } = await import('./memory.js');
    const memoryBench = runMemoryBench(root);
    const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, load ${(loadavg()[0] ?? 0).toFixed(2)}`;
    process.stdout.write(`Hansa translation memory bench — ${machine}\n${formatRows(memoryBench.rows).join('\n')}\n`);
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(outDir, 'memory.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, ...memoryBench.report }, null, 2)}\n`);
    return;
  }
  buildCorpus();
  const loadBefore = loadavg()[0] ?? 0;
  const files = await markdownFiles(content);

  // Cold work is compared with a cold parse: each is a single pass in a fresh process
  // (start-up, module loading and JIT warm-up included on both sides), best of several
  // processes, since this shared 2-core machine's timings swing by ±20 %.
  const [parse, cold1] = bestOfEach(['parse', 'cold-1'], 3);
  if (parse === undefined || cold1 === undefined) throw new Error('bench: no parse or cold run');
  const coldN = bestOf('cold-auto', 2);
  const warm = runChild('warm');
  const change = runChild('change');
  const po4a = await runPo4a(files);
  let accuracy: unknown;
  try {
    accuracy = await segmentationAccuracy();
  } catch (error) {
    accuracy = { error: error instanceof Error ? error.message : String(error) };
  }

  const loadAfter = loadavg()[0] ?? 0;
  const cpu = (result: ChildResult, index = 0): string => `cpu ${(result.cpuSeconds[index] ?? 0).toFixed(1)} s`;
  // Each fresh process of a bestOf mode timed one pass: its CPU figure is its only one.
  const bestIndex = (result: ChildResult): number => (result.cpuSeconds.length === result.runs.length ? result.runs.indexOf(result.seconds) : 0);
  const bytes = parse.bytes;
  const ratio1 = cold1.seconds / parse.seconds;
  const ratioN = coldN.seconds / parse.seconds;
  const warmShare = warm.seconds / coldN.seconds;
  const rssLimitKB = 300 * 1024;
  const rows: Row[] = [
    { label: 'corpus', value: `${files.length} files, ${(bytes / MB).toFixed(2)} MB` },
    { label: 'bare remark parse, 1 thread (best of 3 fresh processes, in turns with the cold run)', value: `${s(parse.seconds)}, ${mbps(bytes, parse.seconds)}, ${cpu(parse, bestIndex(parse))} (runs ${parse.runs.map((run) => run.toFixed(2)).join(', ')} s)` },
    {
      label: 'cold extract, workers: 1',
      value: `${s(cold1.seconds)}, ${mbps(bytes, cold1.seconds)}, ${cpu(cold1)}, ×${ratio1.toFixed(2)} of parse (runs ${cold1.runs.map((run) => run.toFixed(2)).join(', ')} s)`,
      target: '≤ ×1.3',
      ok: ratio1 <= 1.3,
    },
    {
      label: `cold extract, workers: auto (${coldN.workers ?? '?'})`,
      value: `${s(coldN.seconds)}, ${mbps(bytes, coldN.seconds)}, ${cpu(coldN)}, ×${ratioN.toFixed(2)} of parse`,
      // Parallel extraction beating one thread's bare parse needs workers: on two cores or
      // fewer `auto` uses none (`autoWorkers`), and the row is the one-thread run again.
      ...((coldN.workers ?? 1) > 1 ? { target: '< ×1.0', ok: ratioN < 1 } : { target: '(judged with workers)' }),
    },
    {
      label: 'warm re-run, nothing changed (best of 3)',
      value: `${s(warm.seconds)}, ${(warmShare * 100).toFixed(1)}% of cold (auto), parsed ${warm.parsed ?? '?'}`,
      target: '≤ 5%',
      ok: warmShare <= 0.05 && warm.parsed === 0,
    },
    {
      label: 'one file changed (best of 3)',
      value: `${s(change.seconds)}, parsed ${change.parsed ?? '?'}`,
      target: 'parsed = 1',
      ok: change.parsed === 1,
    },
  ];
  // The bare parse is the yardstick, not Hansa: its memory (every source and one tree) is shown, not judged.
  rows.push({ label: 'peak RSS, bare parse', value: rss(parse.maxRssKB) });
  for (const result of [cold1, coldN, warm, change]) {
    rows.push({ label: `peak RSS, ${result.mode}`, value: rss(result.maxRssKB), target: '≤ 300 MB', ok: result.maxRssKB <= rssLimitKB });
  }
  if ('skipped' in po4a) rows.push({ label: 'po4a', value: po4a.skipped });
  else {
    rows.push({ label: 'po4a-updatepo, one process', value: `${s(po4a.seconds)}, ${mbps(bytes, po4a.seconds)}` });
    rows.push({
      label: 'Hansa cold (auto) vs po4a, process wall',
      value: `${s(coldN.processSeconds)} vs ${s(po4a.seconds)}: ×${(coldN.processSeconds / po4a.seconds).toFixed(3)}`,
      target: '≤ ×1.0',
      ok: coldN.processSeconds <= po4a.seconds,
    });
  }
  if (accuracy !== undefined) rows.push({ label: 'segmentation accuracy', value: describeAccuracy(accuracy) });
  const failed = (cold1.failed ?? 0) + (coldN.failed ?? 0);
  if (failed > 0) rows.push({ label: 'files that failed extraction', value: String(failed), ok: false });

  const cores = availableParallelism();
  // A single-threaded loop whose wall time exceeds its CPU time was waiting for a core.
  const parseCpu = parse.cpuSeconds[bestIndex(parse)] ?? parse.seconds;
  const contended = parse.seconds > parseCpu * 1.15;
  rows.push({
    label: 'machine load (1-min average, before/after)',
    value: `${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} on ${cores} cores${contended ? ' — parse wall > cpu: other load, timings inflated' : ''}`,
  });
  const width = Math.max(...rows.map((row) => row.label.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  const lines = rows.map((row) => {
    const mark = row.ok === undefined ? ' ' : row.ok ? '✓' : '✗';
    return `${mark} ${row.label.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.target ?? ''}`.trimEnd();
  });
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
  process.stdout.write(`Hansa extraction bench — ${machine}\n${lines.join('\n')}\n`);

  // Terminology, in children of its own; a failure there leaves the extraction figures intact.
  let terms: Record<string, unknown>;
  try {
    const termsBench = runTermsBench(root);
    terms = termsBench.report;
    process.stdout.write(`\nHansa terminology bench — 10,000-entry glossary, 1 MB of Polish text\n${formatRows(termsBench.rows).join('\n')}\n`);
  } catch (error) {
    terms = { error: error instanceof Error ? error.message : String(error) };
    process.stdout.write(`\nHansa terminology bench\n${formatRows([{ label: 'terminology bench', value: String(terms['error']), ok: false }]).join('\n')}\n`);
  }

  process.stdout.write(`\nHansa provider queue bench\n${await queueBench()}\n`);
  const { runMemoryBench } = await import('./memory.js');
  const memoryBench = runMemoryBench(root);
  process.stdout.write(`\nHansa translation memory bench — 100,000 segments\n${formatRows(memoryBench.rows).join('\n')}\n`);

  await mkdir(outDir, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine,
    load: { before: loadBefore, after: loadAfter, contended },
    mb: MB,
    corpus: { files: files.length, bytes, path: path.relative(root, content) },
    modes: { parse, cold1, coldAuto: coldN, warm, change },
    po4a,
    accuracy,
    ratios: {
      cold1CpuToParseCpu: (cold1.cpuSeconds[0] ?? 0) / parseCpu,
      coldAutoCpuToParseCpu: (coldN.cpuSeconds[0] ?? 0) / parseCpu,
      cold1ToParse: ratio1, coldAutoToParse: ratioN, warmToColdAuto: warmShare, coldAutoProcessToPo4a: 'seconds' in po4a ? coldN.processSeconds / po4a.seconds : null },
    targets: Object.fromEntries(rows.filter((row) => row.ok !== undefined).map((row) => [row.label, row.ok])),
    terms,
  };
  await writeFile(path.join(outDir, 'extract.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(outDir, 'terms.json'), `${JSON.stringify({ date: report.date, machine, load: report.load, ...terms }, null, 2)}\n`);
  process.stdout.write(`(JSON: ${path.relative(root, path.join(outDir, 'extract.json'))})\n`);
}

await main();
