/**
 * The translation memory benchmark: `npm run bench -- memory`.
 *
 * 1. `prepare` (a child process): a memory of 100,000 entries, pl→en. The real part is every
 *    translatable segment the extractor finds in the Polish man pages
 *    (.cache/corpus/manpages-pl, test/corpus/build-manpages.sh) and content/pl, with its
 *    document and neighbours; 500 distinct real sources are held out as unseen queries. The
 *    rest is generated: sentences from a word bigram model of those segments (realistic word
 *    frequencies and local order), with codes in about half of them, as in the real ones; without the man
 *    pages, sentences of dictionary-pl words. Targets are the sources with diacritics dropped
 *    (same size, same codes). States and origins are mixed. Saved with `MemoryIndex.save`
 *    to .cache/bench/memory/pl-en.jsonl, queries to queries.json (nothing in the repo).
 * 2. `measure` (a fresh process): `MemoryIndex.load` timed (and again in two `load`
 *    processes: the best of the three is reported); 10,000 exact lookups (half of
 *    them with document and neighbours, so in-context), each timed; 1,000 fuzzy lookups
 *    (threshold 75, limit 3): 500 corpus sources with 1–3 words replaced, deleted or inserted
 *    and 500 unseen real sentences, each timed; a brute-force check of a few fuzzy queries;
 *    peak RSS.
 *
 * Targets (reported, never asserted): load ≤ 2 s, exact ≤ 0.05 ms, fuzzy ≤ 5 ms a query.
 * Env: BENCH_CPU_PROF=<dir> profiles the children, as in run.ts; BENCH_MEMORY_BRUTE=<n>
 * fuzzy queries checked against brute force (default 20; 0 skips).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { extractDocument } from '../../src/markdown/index.js';
import { MemoryIndex, type MemoryIndexEntry, type MemoryState } from '../../src/memory/index.js';
import { MB, projectRoot } from './common.js';
import { prng, type TermsRow } from './terms.js';

/** Entries in the memory. */
export const memoryEntries = 100_000;
/** Distinct real sources held out of the memory, as unseen queries. */
const heldOut = 500;
export const exactQueries = 10_000;
export const editedQueries = 500;
export const unseenQueries = 500;
const seed = 0x7a11_2026;

/** Where the bench keeps its memory and queries. */
export function memoryPaths(root = projectRoot()): { dir: string; memory: string; queries: string } {
  const dir = path.join(root, '.cache', 'bench', 'memory');
  return { dir, memory: path.join(dir, 'pl-en.jsonl'), queries: path.join(dir, 'queries.json') };
}

/** An exact query: a source of the memory, with its context when `document` is set. */
export interface ExactQuery {
  readonly source: string;
  readonly document?: string;
  readonly previous?: string;
  readonly next?: string;
}

/** The queries `measure` runs. */
export interface MemoryQueries {
  readonly exact: readonly ExactQuery[];
  /** Corpus sources with 1–3 words edited; `original` is the source they came from. */
  readonly edited: readonly { readonly source: string; readonly original: string; readonly edits: number }[];
  /** Real sentences the memory does not hold. */
  readonly unseen: readonly string[];
}

const pick = <T>(random: () => number, list: readonly T[]): T => {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('bench: pick from an empty list');
  return item;
};

/** Markdown files below `dir`, absolute, sorted. */
async function markdownBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The translatable segment sources of each Markdown file, in document order. */
async function realDocuments(root: string): Promise<{ document: string; sources: string[] }[]> {
  const files = [...(await markdownBelow(path.join(root, 'content', 'pl'))), ...(await markdownBelow(path.join(root, '.cache', 'corpus', 'manpages-pl')))];
  const documents: { document: string; sources: string[] }[] = [];
  for (const file of files) {
    try {
      const extracted = extractDocument(await readFile(file, 'utf8'), { lang: 'pl', file });
      const sources = extracted.segments.filter((segment) => segment.translatable).map((segment) => segment.source);
      if (sources.length > 0) documents.push({ document: path.relative(root, file).split(path.sep).join('/'), sources });
    } catch {
      // A page the extractor refuses is not a memory's business.
    }
  }
  return documents;
}

const wordPattern = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;
const tagPattern = /(<[^>]+>)/;

/** Plain-text tokens of a tagged source (codes dropped): what the bigram model learns from. */
function plainTokens(tagged: string): string[] {
  return tagged
    .split(tagPattern)
    .filter((part) => !part.startsWith('<'))
    .join(' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .match(wordPattern) ?? [];
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Tokens joined as text: no space before closing punctuation or after opening. */
function joinTokens(tokens: readonly string[]): string {
  let text = '';
  for (const token of tokens) {
    if (text === '' || /^[.,;:!?)\]»”]$/.test(token) || /[([„«]$/.test(text)) text += token;
    else text += ` ${token}`;
  }
  return text;
}

/** A word bigram model: the words seen after each word (with repeats, so frequencies hold). */
class Bigrams {
  readonly #next = new Map<string, string[]>();
  readonly #starts: string[] = [];

  learn(tokens: readonly string[]): void {
    if (tokens.length === 0) return;
    this.#starts.push(tokens[0] ?? '');
    for (let i = 0; i < tokens.length; i++) {
      const word = tokens[i] ?? '';
      let list = this.#next.get(word);
      if (list === undefined) {
        list = [];
        this.#next.set(word, list);
      }
      list.push(tokens[i + 1] ?? '\u0000');
    }
  }

  /** A sentence of 3–60 tokens, or undefined when the walk ends too soon. */
  sentence(random: () => number): string[] | undefined {
    const tokens = [pick(random, this.#starts)];
    while (tokens.length < 60) {
      const next = pick(random, this.#next.get(tokens.at(-1) ?? '') ?? ['\u0000']);
      if (next === '\u0000') break;
      tokens.push(next);
    }
    return tokens.length >= 3 ? tokens : undefined;
  }
}

/** Plain tokens as tagged text with codes: a bold/link span in 35 % of sentences, a standalone code in 25 %. */
function withCodes(tokens: readonly string[], random: () => number): string {
  const parts = tokens.map(escape);
  const wordAt = (): number => Math.floor(random() * parts.length);
  if (random() < 0.35) {
    const start = wordAt();
    const end = Math.min(parts.length - 1, start + Math.floor(random() * 3));
    parts[start] = `\uE001${parts[start] ?? ''}`;
    parts[end] = `${parts[end] ?? ''}\uE002`;
  }
  if (random() < 0.25) {
    const at = wordAt();
    parts[at] = `\uE003 ${parts[at] ?? ''}`;
  }
  let id = 0;
  return joinTokens(parts).replace(/\uE001|\uE002|\uE003/g, (mark) => (mark === '\uE001' ? `<pc id="${++id}">` : mark === '\uE002' ? '</pc>' : `<ph id="${++id}"/>`));
}

/** Words of dictionary-pl's `.dic` (stems), for the edits and the no-corpus fallback. */
async function dictionaryWords(): Promise<string[]> {
  const dic = await readFile(new URL('index.dic', import.meta.resolve('dictionary-pl')), 'utf8');
  const words: string[] = [];
  for (const line of dic.split('\n')) {
    const stem = line.split('/')[0] ?? '';
    if (/^[a-ząćęłńóśźż]{2,14}$/.test(stem)) words.push(stem);
  }
  return words;
}

/** Edit 1–3 words of a tagged source, codes untouched: replace, delete or insert a word. */
function editWords(tagged: string, count: number, vocabulary: readonly string[], random: () => number): string {
  const parts = tagged.split(tagPattern);
  for (let edit = 0; edit < count; edit++) {
    const slots: { part: number; start: number; end: number }[] = [];
    parts.forEach((part, index) => {
      if (part.startsWith('<')) return;
      for (const match of part.matchAll(/[\p{L}\p{N}]+/gu)) slots.push({ part: index, start: match.index, end: match.index + match[0].length });
    });
    if (slots.length === 0) break;
    const slot = pick(random, slots);
    const text = parts[slot.part] ?? '';
    const word = pick(random, vocabulary);
    const roll = random();
    const replacement = roll < 0.5 ? word : roll < 0.75 || slots.length < 3 ? `${text.slice(slot.start, slot.end)} ${word}` : '';
    parts[slot.part] = `${text.slice(0, slot.start)}${replacement}${text.slice(slot.end)}`.replace(/ {2,}/g, ' ');
  }
  return parts.join('');
}

const foldTarget = (source: string): string => source.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/Ł/g, 'L');

/** A state and origin as a real memory mixes them: mostly machine, some reviewed and final. */
function stateOf(random: () => number): { state: MemoryState; origin: string } {
  const roll = random();
  return roll < 0.6 ? { state: 'translated', origin: 'mt:deepl' } : roll < 0.85 ? { state: 'reviewed', origin: 'human' } : { state: 'final', origin: 'human' };
}

/** Build the memory and the queries; returns what was built, for the report. */
export async function prepareMemoryBench(root = projectRoot()): Promise<Record<string, unknown>> {
  const start = performance.now();
  const random = prng(seed);
  const paths = memoryPaths(root);
  const documents = await realDocuments(root);
  const vocabulary = await dictionaryWords();

  // Hold out distinct real sources: every occurrence leaves the memory.
  const distinct = [...new Set(documents.flatMap((document) => document.sources))];
  const unseen = new Set<string>();
  while (unseen.size < Math.min(heldOut, Math.floor(distinct.length / 10))) unseen.add(pick(random, distinct));

  const entries: MemoryIndexEntry[] = [];
  const bigrams = new Bigrams();
  let realEntries = 0;
  for (const { document, sources } of documents) {
    sources.forEach((source, i) => {
      bigrams.learn(plainTokens(source));
      if (unseen.has(source) || entries.length >= memoryEntries) return;
      entries.push({ source, target: foldTarget(source), ...stateOf(random), document, previous: sources[i - 1], next: sources[i + 1] });
      realEntries++;
    });
  }

  // Generated sentences, 50 to a pseudo-document, until the memory holds `memoryEntries`
  // (an entry repeating one of the same document and neighbours replaces it, so count there).
  const memory = MemoryIndex.fromEntries(entries, { sourceLanguage: 'pl', targetLanguage: 'en' });
  const seen = new Set(entries.map((entry) => entry.source));
  for (const source of unseen) seen.add(source);
  const generated: string[] = [];
  let attempts = 0;
  while (memory.size + generated.length < memoryEntries) {
    if (++attempts > 50 * memoryEntries) throw new Error('bench: cannot generate enough distinct sentences');
    const tokens = realEntries > 1000 ? bigrams.sentence(random) : Array.from({ length: 4 + Math.floor(random() * 14) }, () => pick(random, vocabulary));
    if (tokens === undefined) continue;
    const source = withCodes(tokens, random);
    if (seen.has(source)) continue;
    seen.add(source);
    generated.push(source);
  }
  generated.forEach((source, i) => {
    const document = `generated/${Math.floor(i / 50)}.md`;
    const first = i % 50 === 0;
    const last = i % 50 === 49 || i === generated.length - 1;
    const entry = { source, target: foldTarget(source), ...stateOf(random), document, previous: first ? undefined : generated[i - 1], next: last ? undefined : generated[i + 1] };
    entries.push(entry);
    memory.add(entry);
  });
  await memory.save(paths.memory);

  const exact: ExactQuery[] = Array.from({ length: exactQueries }, (_, i) => {
    const entry = pick(random, entries);
    return i % 2 === 0 ? { source: entry.source, document: entry.document ?? '', previous: entry.previous, next: entry.next } : { source: entry.source };
  });
  const realSources = entries.slice(0, realEntries).map((entry) => entry.source);
  const edited = Array.from({ length: editedQueries }, () => {
    const original = pick(random, realSources.length > 0 ? realSources : generated);
    const edits = 1 + Math.floor(random() * 3);
    return { source: editWords(original, edits, vocabulary, random), original, edits };
  });
  const queries: MemoryQueries = { exact, edited, unseen: [...unseen].slice(0, unseenQueries) };
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.queries, JSON.stringify(queries));
  const bytes = (await stat(paths.memory)).size;
  return {
    seconds: (performance.now() - start) / 1000,
    documents: documents.length,
    entries: memory.size,
    sources: memory.sourceCount,
    realEntries,
    generated: generated.length,
    withCodes: entries.filter((entry) => entry.source.includes('<')).length,
    meanWords: entries.reduce((sum, entry) => sum + plainTokens(entry.source).length, 0) / entries.length,
    bytes,
    unseen: queries.unseen.length,
    examples: generated.slice(0, 3),
  };
}

/** What the `load` child prints: the load alone. */
export interface MemoryLoadResult {
  /** Wall time of `MemoryIndex.load`. */
  readonly loadSeconds: number;
  /** CPU time (user + system) of the load. */
  readonly loadCpuSeconds: number;
  /** Peak RSS after the load, KB. */
  readonly loadRssKB: number;
}

/** What the `measure` child prints as its last stdout line. */
export interface MemoryChildResult extends MemoryLoadResult {
  readonly entries: number;
  readonly sources: number;
  readonly fileBytes: number;
  readonly exact: Timing & { readonly inContext: number; readonly exact: number; readonly missed: number };
  readonly fuzzy: Timing & {
    readonly edited: Timing & { readonly found: number; readonly foundOriginal: number; readonly exactHits: number };
    readonly unseen: Timing & { readonly found: number };
    readonly meanScore: number;
  };
  readonly brute?: { readonly queries: number; readonly agree: number; readonly seconds: number };
  readonly maxRssKB: number;
  readonly startupSeconds: number;
}

/** Mean, 95th percentile and maximum of per-query times, milliseconds. */
export interface Timing {
  readonly count: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

/** Summary of per-query times in milliseconds. */
export function timing(times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, time) => sum + time, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, meanMs: mean, p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0, maxMs: sorted.at(-1) ?? 0 };
}

const child = fileURLToPath(new URL('./memory-child.js', import.meta.url));

function runChild<T>(mode: string, root: string): T {
  const profile = process.env['BENCH_CPU_PROF'];
  const flags = ['--expose-gc', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`, `--cpu-prof-name=memory-${mode}-\${pid}-\${time}.cpuprofile`] : [])];
  process.stderr.write(`bench: memory ${mode}…\n`);
  const ran = spawnSync(process.execPath, [...flags, child, mode, root], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * MB });
  if (ran.status !== 0) throw new Error(`bench: memory mode ${mode} failed (exit ${ran.status ?? ran.signal})`);
  const last = ran.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}

const ms = (value: number): string => `${value < 0.1 ? value.toFixed(4) : value.toFixed(2)} ms`;
const rss = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/** Prepare, measure, and the rows of the table with the JSON report. */
export function runMemoryBench(root = projectRoot()): { rows: TermsRow[]; report: Record<string, unknown> } {
  const prepared = runChild<Record<string, unknown>>('prepare', root);
  const measured = runChild<MemoryChildResult>('measure', root);
  // Load timings swing with the shared machine's load: the best of three fresh processes.
  const loads = [measured, runChild<MemoryLoadResult>('load', root), runChild<MemoryLoadResult>('load', root)];
  const load = loads.reduce((best, run) => (run.loadSeconds < best.loadSeconds ? run : best));
  const { exact, fuzzy } = measured;
  const rows: TermsRow[] = [
    {
      label: 'memory',
      value: `${measured.entries} entries, ${measured.sources} sources (${String(prepared['realEntries'])} real segments of ${String(prepared['documents'])} documents, ${String(prepared['generated'])} generated; ${String(prepared['withCodes'])} with codes; ${Number(prepared['meanWords']).toFixed(1)} tokens a source), file ${(measured.fileBytes / MB).toFixed(1)} MB`,
    },
    {
      label: 'load (read, validate, index), best of 3',
      value: `${load.loadSeconds.toFixed(3)} s, cpu ${load.loadCpuSeconds.toFixed(2)} s (runs ${loads.map((run) => `${run.loadSeconds.toFixed(2)}/cpu ${run.loadCpuSeconds.toFixed(2)}`).join(', ')} s)`,
      target: '≤ 2 s',
      ok: load.loadSeconds <= 2,
    },
    {
      label: `exact lookup, ${exact.count} queries`,
      value: `mean ${ms(exact.meanMs)}, p95 ${ms(exact.p95Ms)}, max ${ms(exact.maxMs)}; in-context ${exact.inContext}, exact ${exact.exact}, missed ${exact.missed}`,
      target: '≤ 0.05 ms',
      ok: exact.meanMs <= 0.05,
    },
    {
      label: `fuzzy lookup, ${fuzzy.count} queries`,
      value: `mean ${ms(fuzzy.meanMs)}, p95 ${ms(fuzzy.p95Ms)}, max ${ms(fuzzy.maxMs)}`,
      target: '≤ 5 ms',
      ok: fuzzy.meanMs <= 5,
    },
    {
      label: `  edited (1–3 words), ${fuzzy.edited.count}`,
      value: `mean ${ms(fuzzy.edited.meanMs)}, p95 ${ms(fuzzy.edited.p95Ms)}; matched ${fuzzy.edited.found} (original first ${fuzzy.edited.foundOriginal}, exact by chance ${fuzzy.edited.exactHits}), mean top score ${fuzzy.meanScore.toFixed(1)}`,
    },
    { label: `  unseen sentences, ${fuzzy.unseen.count}`, value: `mean ${ms(fuzzy.unseen.meanMs)}, p95 ${ms(fuzzy.unseen.p95Ms)}; matched ${fuzzy.unseen.found}` },
    ...(measured.brute === undefined
      ? []
      : [{ label: 'fuzzy vs brute force', value: `${measured.brute.agree}/${measured.brute.queries} queries with the same matches (brute force ${measured.brute.seconds.toFixed(1)} s)`, ok: measured.brute.agree === measured.brute.queries }]),
    { label: 'peak RSS (load + lookups)', value: `${rss(measured.maxRssKB)} (after load ${rss(measured.loadRssKB)})` },
  ];
  return { rows, report: { prepared, measured, loads, targets: Object.fromEntries(rows.filter((row) => row.ok !== undefined).map((row) => [row.label, row.ok])) } };
}
