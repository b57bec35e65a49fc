/**
 * The project bench: `npm run bench -- project`.
 *
 * For N = 960 and N = 5,000 distinct Polish articles (./project-articles.ts: copies of the
 * man pages, every sentence of copy k carrying a word of its own) and 9 target languages
 * with the `memory` provider, a fresh project in .cache/bench/project/n<N> (generated, not
 * timed) goes through the real CLI, each step a child process `node bin/hansa.js …` in the
 * project folder (a copy of bin/ and build/ taken at the start: see snapshotCli):
 *   1. cold `translate` (no .hansa/, no translations/), 2. warm `translate` (nothing changed),
 *   3. one sentence of one article changed, `translate`, 4. one segment of one sv segment file
 *   filled as a CAT tool would (target added, state="translated", temp file + rename),
 *   `translate`, 5. `status`, 6. `build`.
 * Each step's wall time (Node start-up included: what a user waits for) and peak RSS of the
 * whole process, worker threads included (./rss-preload.ts, loaded with --import).
 *
 * Prints a Markdown table and PASS/FAIL per target; targets are reported, never asserted
 * (exit 0 unless the bench itself breaks). Figures also go to .cache/bench/project.json,
 * each step's output to .cache/bench/project/logs/.
 * Env: HANSA_BENCH_SIZES=960 (comma-separated; default 960,5000) runs only those sizes.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MB } from './common.js';
import { articles, copyWord, loadPages, type Article, type Page } from './project-articles.js';

const languages = ['en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb'];
const rssLimitKB = 300 * 1024;
/** What the translator writes into the sv segment file, found again in dist/sv afterwards. */
const translatorText = 'Meningen är översatt av en översättare.';

const steps = [
  { key: 'cold', title: 'cold translate', args: ['translate'] },
  { key: 'warm', title: 'warm translate', args: ['translate'] },
  { key: 'article', title: 'one article edited', args: ['translate'] },
  { key: 'segment', title: 'one segment file edited', args: ['translate'] },
  { key: 'status', title: 'status', args: ['status'] },
  { key: 'build', title: 'build', args: ['build'] },
] as const;
type StepKey = (typeof steps)[number]['key'];

/** One CLI process. */
interface StepResult {
  readonly seconds: number;
  /** Missing when the process died without running its exit handlers. */
  readonly maxRssKB?: number;
  readonly cpuSeconds?: number;
  readonly exitCode: number | null;
  readonly log: string;
}

interface SizeReport {
  readonly articles: number;
  readonly sourceBytes: number;
  readonly generationSeconds: number;
  /** 1-minute load average before and after the steps: others' work on the machine inflates timings. */
  readonly load: readonly [number, number];
  readonly steps: Record<StepKey, StepResult>;
  /** What became of each edit after `build`: `in dist/` shows the steps did real work. */
  readonly edits: { readonly article: string; readonly segment: string };
}

interface Check {
  readonly label: string;
  readonly value: string;
  readonly ok: boolean;
}

/** The sizes to run: HANSA_BENCH_SIZES, else 960 and 5,000. */
function benchSizes(): number[] {
  const sizes = (process.env['HANSA_BENCH_SIZES'] ?? '960,5000').split(',').map((size) => Number(size.trim().replace(/_/g, '')));
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) throw new Error(`bench: HANSA_BENCH_SIZES must list positive integers, got ${process.env['HANSA_BENCH_SIZES']}`);
  return sizes;
}

/** The man-page corpus folder, converted first if missing (as the extraction bench does). */
function manpagesCorpus(root: string): string {
  const script = path.join(root, 'test', 'corpus', 'build-manpages.sh');
  const built = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stderr.write(built.stdout);
  if (built.status !== 0) throw new Error(`bench: ${script} failed (exit ${built.status ?? built.signal})`);
  return path.join(root, '.cache', 'corpus', 'manpages-pl');
}

/**
 * A copy of the CLI as built now (bin/, build/src/, locales/, package.json) in
 * .cache/bench/project/cli, returning its bin/hansa.js. Caches and project state are keyed on
 * a fingerprint of Hansa's code, so a rebuild of build/ by someone else during the bench would
 * make every warm run cold. Packages still resolve from the repo's node_modules, a folder up.
 */
async function snapshotCli(root: string): Promise<string> {
  const cli = path.join(root, '.cache', 'bench', 'project', 'cli');
  await rm(cli, { recursive: true, force: true });
  for (const part of ['bin', path.join('build', 'src'), 'locales', 'package.json']) await cp(path.join(root, part), path.join(cli, part), { recursive: true });
  return path.join(cli, 'bin', 'hansa.js');
}

/** A fresh project holding `list`, the 9 languages, the memory provider and the repo's glossary; its source bytes. */
async function writeProject(root: string, dir: string, list: readonly Article[]): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  let bytes = 0;
  for (const article of list) {
    const file = path.join(dir, 'content', 'pl', article.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, article.text);
    bytes += Buffer.byteLength(article.text);
  }
  const config = { sourceLanguage: 'pl', targetLanguages: languages, providers: ['memory'] };
  await writeFile(path.join(dir, 'hansa.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  // A real project has its glossary, and matching it is part of every translate run.
  await mkdir(path.join(dir, 'glossary'));
  await copyFile(path.join(root, 'glossary', 'hansa.csv'), path.join(dir, 'glossary', 'hansa.csv'));
  return bytes;
}

/** Run `node <hansa> …args` in the project, output to a log file; its wall time and peak RSS. */
function runHansa(root: string, hansa: string, project: string, args: readonly string[], name: string): StepResult {
  const logs = path.join(path.dirname(project), 'logs');
  const log = path.join(logs, `${name}.log`);
  const usageFile = path.join(logs, `${name}.usage.json`);
  const preload = new URL('./rss-preload.js', import.meta.url).href;
  process.stderr.write(`bench: ${name}: hansa ${args.join(' ')}…\n`);
  rmSync(usageFile, { force: true }); // one left by an earlier bench must not stand in for a process that died
  const fd = openSync(log, 'w');
  const start = performance.now();
  let ran;
  try {
    ran = spawnSync(process.execPath, ['--import', preload, hansa, ...args], {
      cwd: project,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, HANSA_BENCH_RSS_FILE: usageFile, NO_COLOR: '1' },
    });
  } finally {
    closeSync(fd);
  }
  const wall = (performance.now() - start) / 1000;
  if (ran.error) throw ran.error;
  const usage = existsSync(usageFile) ? (JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKB: number; cpuSeconds: number }) : undefined;
  const result = { seconds: wall, ...usage, exitCode: ran.status, log: path.relative(root, log) };
  process.stderr.write(`bench: ${name}: ${cell(result)}\n`); // long runs show their progress
  return result;
}

/** Two typical articles of copy 0 (4 KB or more): one to edit in Polish, one for the translator. */
function articlesToEdit(list: readonly Article[]): [Article, Article] {
  const typical = list.filter((article) => article.copy === 0 && article.text.length >= 4096 && article.text.includes(` ${copyWord(0)}.`));
  const [first, second] = typical;
  if (!first || !second) throw new Error('bench: no two articles of 4 KB or more to edit');
  return [first, second];
}

/** Change one sentence of the article: a word added before its copy word and full stop. */
async function editOneSentence(project: string, article: Article): Promise<void> {
  const file = path.join(project, 'content', 'pl', article.file);
  const text = await readFile(file, 'utf8');
  const sentenceEnd = ` ${copyWord(article.copy)}.`;
  await writeFile(file, text.replace(sentenceEnd, ` zmienione${sentenceEnd}`));
}

/** The edit made, or why not (a failed cold run leaves no segment file): the bench goes on either way. */
async function attempt(edit: () => Promise<void>): Promise<string | undefined> {
  try {
    await edit();
    return undefined;
  } catch (error) {
    return `not made: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Fill one segment of the article's sv segment file as a CAT tool would: the first `initial`
 * segment whose source is plain text (no inline codes, no digits for the checks to trip on)
 * gets a target and state="translated"; the file is written whole and renamed into place.
 */
async function translateOneSegment(project: string, article: Article): Promise<void> {
  const file = path.join(project, 'translations', 'sv', article.file.replace(/\.md$/, '.xlf'));
  const xliff = await readFile(file, 'utf8');
  const segment = /(<segment\b[^>]*\bstate=")initial("[^>]*>)(\s*)(<source>[^<\d]{20,}<\/source>)(\s*<\/segment>)/;
  if (!segment.test(xliff)) throw new Error(`bench: no plain initial segment in ${file}`);
  const edited = xliff.replace(segment, (_, open: string, rest: string, indent: string, source: string, close: string) => `${open}translated${rest}${indent}${source}${indent}<target>${translatorText}</target>${close}`);
  await writeFile(`${file}.cat-tmp`, edited);
  await rename(`${file}.cat-tmp`, file);
}

/** Whether `text` is in the built article of `lang`. */
async function published(project: string, lang: string, article: Article, text: string): Promise<string> {
  const built = await readFile(path.join(project, 'dist', lang, article.file), 'utf8').catch(() => '');
  return built.includes(text) ? 'in dist/' : `not in dist/${lang}/${article.file}`;
}

/** Generate the project of `count` articles, then run the six steps in it. */
async function measureSize(root: string, hansa: string, pages: readonly Page[], count: number): Promise<SizeReport> {
  const project = path.join(root, '.cache', 'bench', 'project', `n${count}`);
  await mkdir(path.join(path.dirname(project), 'logs'), { recursive: true });
  process.stderr.write(`bench: generating ${count} articles in ${path.relative(root, project)}…\n`);
  const generated = performance.now();
  const list = articles(pages, count);
  const sourceBytes = await writeProject(root, project, list);
  const generationSeconds = (performance.now() - generated) / 1000;
  const [edited, translated] = articlesToEdit(list);
  const loadBefore = loadavg()[0] ?? 0;

  const results: Partial<Record<StepKey, StepResult>> = {};
  let articleEdit: string | undefined;
  let segmentEdit: string | undefined;
  for (const step of steps) {
    if (step.key === 'article') articleEdit = await attempt(() => editOneSentence(project, edited));
    if (step.key === 'segment') segmentEdit = await attempt(() => translateOneSegment(project, translated));
    results[step.key] = runHansa(root, hansa, project, step.args, `n${count}-${step.key}`);
  }
  const edits = {
    article: articleEdit ?? (await published(project, 'en', edited, 'zmienione')),
    segment: segmentEdit ?? (await published(project, 'sv', translated, translatorText)),
  };
  const load = [loadBefore, loadavg()[0] ?? 0] as const;
  return { articles: count, sourceBytes, generationSeconds, load, steps: results as Record<StepKey, StepResult>, edits };
}

const seconds = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} s`;
const megabytes = (kb: number | undefined): string => (kb === undefined ? '? MB' : `${(kb / 1024).toFixed(0)} MB`);

/** One cell: wall time and peak RSS, and the exit code when it is not 0. */
function cell(result: StepResult): string {
  return `${seconds(result.seconds)} · ${megabytes(result.maxRssKB)}${result.exitCode === 0 ? '' : ` · exit ${result.exitCode ?? 'signal'}`}`;
}

function markdownTable(reports: readonly SizeReport[]): string {
  const header = `| N | ${steps.map((step) => step.title).join(' | ')} |`;
  const rule = `|---:|${steps.map(() => '---:').join('|')}|`;
  const rows = reports.map((report) => `| ${report.articles.toLocaleString('en')} | ${steps.map((step) => cell(report.steps[step.key])).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

/** The targets, for the sizes that ran. */
function targetChecks(reports: readonly SizeReport[]): Check[] {
  const checks: Check[] = [];
  const small = reports.find((report) => report.articles === 960);
  if (small) {
    const { cold, warm, article, segment, status } = small.steps;
    const share = warm.seconds / cold.seconds;
    checks.push(
      { label: 'N = 960: warm translate ≤ 2 % of cold and ≤ 1 s', value: `${seconds(warm.seconds)}, ${(share * 100).toFixed(1)} % of cold`, ok: share <= 0.02 && warm.seconds <= 1 },
      { label: 'N = 960: one article edited ≤ 1.5 s', value: seconds(article.seconds), ok: article.seconds <= 1.5 },
      { label: 'N = 960: one segment file edited ≤ 1.5 s', value: seconds(segment.seconds), ok: segment.seconds <= 1.5 },
      { label: 'N = 960: status ≤ 0.5 s', value: seconds(status.seconds), ok: status.seconds <= 0.5 },
    );
  }
  for (const report of reports) {
    const n = report.articles.toLocaleString('en');
    const highest = steps.map((step) => ({ step, kb: report.steps[step.key].maxRssKB ?? Infinity })).reduce((a, b) => (b.kb > a.kb ? b : a));
    checks.push({ label: `N = ${n}: peak RSS ≤ 300 MB, every step`, value: `highest ${megabytes(Number.isFinite(highest.kb) ? highest.kb : undefined)} (${highest.step.title})`, ok: highest.kb <= rssLimitKB });
    const failed = steps.filter((step) => report.steps[step.key].exitCode !== 0);
    checks.push({ label: `N = ${n}: every step exits 0`, value: failed.length === 0 ? 'yes' : failed.map((step) => `${step.title}: exit ${report.steps[step.key].exitCode ?? 'signal'}`).join(', '), ok: failed.length === 0 });
    const { article, segment } = report.edits;
    checks.push({ label: `N = ${n}: both edits reach dist/ after build`, value: `edited sentence: ${article}; translator's segment: ${segment}`, ok: article === 'in dist/' && segment === 'in dist/' });
  }
  const large = reports.find((report) => report.articles === 5000);
  if (small && large) {
    const ratio = large.steps.cold.seconds / small.steps.cold.seconds;
    checks.push({ label: 'cold translate at 5,000 ≤ 5.5 × cold at 960', value: `× ${ratio.toFixed(2)}`, ok: ratio <= 5.5 });
  }
  return checks;
}

export async function runProjectBench(root: string): Promise<void> {
  const sizes = benchSizes();
  const loading = performance.now();
  const pages = await loadPages(manpagesCorpus(root));
  process.stderr.write(`bench: ${pages.length} man pages read and marked up for copies in ${seconds((performance.now() - loading) / 1000)}\n`);

  const hansa = await snapshotCli(root);
  const reports: SizeReport[] = [];
  for (const size of sizes) reports.push(await measureSize(root, hansa, pages, size));

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
  const checks = targetChecks(reports);
  const corpus = reports.map((report) => `N = ${report.articles.toLocaleString('en')}: ${(report.sourceBytes / MB).toFixed(1)} MB of Polish, generated in ${seconds(report.generationSeconds)} (not counted); load ${report.load.map((load) => load.toFixed(2)).join(' → ')} on ${availableParallelism()} cores`);
  const lines = [
    `Hansa project bench — ${languages.length} languages (${languages.join(', ')}), provider memory — ${machine}`,
    ...corpus,
    '',
    'Each cell: wall time of the process · its peak RSS (worker threads included).',
    '',
    markdownTable(reports),
    '',
    ...checks.map((check) => `${check.ok ? 'PASS' : 'FAIL'}  ${check.label}: ${check.value}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = path.join(root, '.cache', 'bench', 'project.json');
  await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), machine, languages, reports, checks }, null, 2)}\n`);
  process.stdout.write(`(JSON: ${path.relative(root, out)}; logs: ${path.relative(root, path.join(root, '.cache', 'bench', 'project', 'logs'))})\n`);
}

