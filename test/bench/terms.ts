/**
 * The terminology benchmark: a 10,000-entry Polish glossary (plus the 65 entries of
 * glossary/hansa.csv) against 1 MB of Polish text.
 *
 *   node build/test/bench/terms.js        (alone; `npm run bench` runs it after extraction)
 *
 * 1. `prepare` (a child process): the glossary is generated from dictionary-pl's `.dic`
 *    with a seeded PRNG (1–4 word terms in base form: `noun adjective`, `adjective noun`,
 *    `noun noun-genitive`, …); the text is the crudely stripped plain text of content/pl and
 *    the man-page corpus, its first 2^20 UTF-16 characters, with ~2,000 generated terms
 *    inserted in inflected forms. Both go to .cache/bench/terms/ (nothing in the repo).
 * 2. `cold` (a fresh process, no compile cache): loadDictionary('pl') + compileTerms +
 *    new TermIndex, timed; then matching, one warm-up and best of 3; peak RSS of the process.
 *    Afterwards (not timed) the compile cache is written to .cache/bench/terms-cache.
 * 3. `warm` (a fresh process): compileTerms with that cache + new TermIndex, timed.
 *
 * Targets (reported, never asserted): cold ≤ 2 s, matching ≥ 1 MB/s, peak RSS ≤ 200 MB.
 * Env: BENCH_CPU_PROF=<dir> profiles the children, as in run.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Glossary, GlossaryEntry, HunspellDictionary, formsOf as FormsOf } from '../../src/glossary/index.js';
import { MB, projectRoot } from './common.js';

/** Entries generated (the real glossary's entries come on top). */
export const generatedEntries = 10_000;
/** Terms inserted into the text in inflected forms. */
export const sprinkleCount = 2_000;
/** Characters of corpus text taken before the insertions: 2^20 UTF-16 code units. */
export const textChars = MB;
const seed = 0x5eed_2026;

/** Where the bench keeps its inputs and the compile cache. */
export function termsPaths(root = projectRoot()): { dir: string; glossary: string; text: string; sprinkles: string; cacheDir: string } {
  const dir = path.join(root, '.cache', 'bench', 'terms');
  return {
    dir,
    glossary: path.join(dir, 'glossary.json'),
    text: path.join(dir, 'text.txt'),
    sprinkles: path.join(dir, 'sprinkles.json'),
    cacheDir: path.join(root, '.cache', 'bench', 'terms-cache'),
  };
}

/** mulberry32: a small seeded PRNG, [0, 1). */
export function prng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T => {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('bench: pick from an empty list');
  return item;
};

// ---------------------------------------------------------------------------------------
// The text

/** Markdown files below `dir`, absolute, sorted by their relative path. */
async function markdownBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Markdown to plain text, crudely: front matter, code, HTML, link targets and markers go. */
export function stripMarkdown(source: string): string {
  return source
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^(```|~~~)[\s\S]*?^\1.*$/gm, '')
    .replace(/<[^>\n]+>/g, '')
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1')
    .replace(/`+/g, '')
    .replace(/^\s{0,3}(#{1,6}|>|[*+-]|\d+[.)])\s+/gm, '')
    .replace(/[*_]{1,3}/g, '')
    .replace(/^\|?[\s:|-]+\|?$/gm, '')
    .replace(/ {2,}\n/g, '\n')
    .replace(/\|/g, ' ')
    .replace(/\n{3,}/g, '\n\n');
}

/** The first `chars` characters of the stripped content/pl and man-page corpus. */
export async function corpusText(root: string, chars = textChars): Promise<{ text: string; files: number }> {
  const files = [...(await markdownBelow(path.join(root, 'content', 'pl'))), ...(await markdownBelow(path.join(root, '.cache', 'corpus', 'manpages-pl')))];
  let text = '';
  let used = 0;
  for (const file of files) {
    if (text.length >= chars) break;
    text += `${stripMarkdown(await readFile(file, 'utf8')).trim()}\n\n`;
    used += 1;
  }
  if (text.length < chars) throw new Error(`bench: only ${text.length} characters of Polish text (run test/corpus/build-manpages.sh)`);
  return { text: text.slice(0, chars), files: used };
}

// ---------------------------------------------------------------------------------------
// The glossary

type Gender = 'm' | 'f' | 'n';

/** Flag sets of dictionary-pl's noun paradigms (sorted letters) and the gender each stands for. */
const nounParadigms: ReadonlyMap<string, Gender> = new Map([
  ...['NQTs', 'NOTs', 'NOTqs', 'NOTos', 'PSZz', 'RSZz', 'MNTq', 'MNTo'].map((flags) => [flags, 'm'] as const),
  ...['MNm', 'MNn', 'AMNn', 'AMN'].map((flags) => [flags, 'f'] as const),
  ...['UV', 'U', 'V', 'NUV'].map((flags) => [flags, 'n'] as const),
]);
const sortFlags = (flags: string): string => [...flags].sort().join('');

interface DicWord {
  readonly stem: string;
  readonly gender?: Gender;
}

/** Nouns and adjectives of dictionary-pl's `.dic`: lower-case letters only, 4–14 of them. */
export function dictionaryWords(dic: string): { nouns: DicWord[]; adjectives: DicWord[] } {
  const nouns: DicWord[] = [];
  const adjectives: DicWord[] = [];
  const word = /^[a-ząćęłńóśźż]{4,14}$/;
  for (const line of dic.split('\n')) {
    const slash = line.indexOf('/');
    if (slash < 0) continue;
    const stem = line.slice(0, slash);
    const flags = line.slice(slash + 1).trim();
    if (!word.test(stem)) continue;
    if (/[yi]$/.test(stem) && flags.includes('X') && flags.includes('x') && flags.includes('Y')) adjectives.push({ stem });
    else if (!stem.endsWith('ć')) {
      const gender = nounParadigms.get(sortFlags(flags));
      if (gender !== undefined) nouns.push({ stem, gender });
    }
  }
  return { nouns, adjectives };
}

/** A term word in a Polish base form, built with the dictionary. */
export class TermMaker {
  readonly #forms = new Map<string, readonly string[]>();

  constructor(
    readonly dictionary: HunspellDictionary,
    readonly random: () => number,
    readonly formsOf: typeof FormsOf,
    readonly isVerb: (stem: string) => boolean,
  ) {}

  /** Every form of the entries `word` belongs to, as compileTerms expands it for Polish. */
  forms(word: string): readonly string[] {
    let forms = this.#forms.get(word);
    if (forms === undefined) {
      forms = this.formsOf(word, this.dictionary, { isVerb: this.isVerb });
      this.#forms.set(word, forms);
    }
    return forms;
  }

  /** The adjective agreeing with a noun of `gender` in the nominative singular. */
  agree(adjective: string, gender: Gender | undefined): string {
    if (gender === undefined || gender === 'm') return adjective;
    const base = /[kg]i$/.test(adjective) || adjective.endsWith('y') ? adjective.slice(0, -1) : adjective;
    const form = base + (gender === 'f' ? 'a' : 'e');
    return this.forms(adjective).includes(form) ? form : adjective;
  }

  /** A genitive singular of a noun, guessed by its ending and checked against its forms. */
  genitive(noun: DicWord): string {
    const forms = this.forms(noun.stem);
    const { stem } = noun;
    const candidates =
      noun.gender === 'f'
        ? [`${stem.slice(0, -1)}y`, `${stem.slice(0, -1)}i`, `${stem}y`, `${stem}i`]
        : noun.gender === 'n'
          ? [`${stem.slice(0, -1)}a`, `${stem.slice(0, -2)}a`]
          : [`${stem}u`, `${stem}a`];
    const found = candidates.find((form) => form !== stem && forms.includes(form));
    if (found !== undefined) return found;
    const other = forms.filter((form) => form !== stem);
    return other.length > 0 ? pick(this.random, other) : stem;
  }
}

/**
 * `count` entries of 1–4 words from the dictionary, deterministic for a given dictionary
 * and text. Half of the head nouns and adjectives are words the text uses, so that the
 * index sees realistic first-word collisions and the text natural hits.
 */
export function generateGlossary(
  maker: TermMaker,
  dic: string,
  text: string,
  reserved: ReadonlySet<string>,
  count = generatedEntries,
): GlossaryEntry[] {
  const { random } = maker;
  const { nouns, adjectives } = dictionaryWords(dic);
  const used = new Set((text.toLocaleLowerCase('pl').match(/\p{L}+/gu) ?? []) as string[]);
  const usedNouns = nouns.filter((word) => used.has(word.stem));
  const usedAdjectives = adjectives.filter((word) => used.has(word.stem));
  const noun = (): DicWord => pick(random, random() < 0.5 && usedNouns.length > 0 ? usedNouns : nouns);
  const adjective = (): string => pick(random, random() < 0.5 && usedAdjectives.length > 0 ? usedAdjectives : adjectives).stem;
  const shapes: readonly [number, () => string[]][] = [
    [0.12, () => [noun().stem]],
    [0.3, () => { const n = noun(); return [n.stem, maker.agree(adjective(), n.gender)]; }],
    [0.1, () => { const n = noun(); return [maker.agree(adjective(), n.gender), n.stem]; }],
    [0.16, () => [noun().stem, maker.genitive(noun())]],
    [0.12, () => { const n = noun(); return [n.stem, maker.agree(adjective(), n.gender), maker.genitive(noun())]; }],
    [0.1, () => { const n = noun(); return [maker.agree(adjective(), n.gender), n.stem, maker.genitive(noun())]; }],
    [0.1, () => { const n = noun(); return [n.stem, maker.agree(adjective(), n.gender), maker.genitive(noun()), maker.genitive(noun())]; }],
  ];
  const shape = (): string[] => {
    let r = random();
    for (const [share, make] of shapes) {
      if (r < share) return make();
      r -= share;
    }
    return shapes[0]![1]();
  };
  const seen = new Set(reserved);
  const entries: GlossaryEntry[] = [];
  while (entries.length < count) {
    const words = shape();
    const term = words.join(' ');
    if (seen.has(term)) continue;
    seen.add(term);
    const n = entries.length + 1;
    entries.push({
      id: `g${n}`,
      terms: { pl: [{ text: term, status: 'preferred' }], en: [{ text: `bench term ${n}`, status: 'preferred' }] },
      doNotTranslate: false,
      caseSensitive: false,
      allowInversion: words.length === 2 && random() < 0.1,
      origin: { file: 'bench:generated', line: n },
    });
  }
  return entries;
}

/** Where a term was inserted into the text. */
export interface Sprinkle {
  readonly entryId: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The text with `count` terms of `entries` inserted, each word in a random form of its
 * entry, at spaces between two letters spread evenly over the text.
 */
export function sprinkle(
  text: string,
  entries: readonly GlossaryEntry[],
  maker: { forms(word: string): readonly string[] },
  random: () => number,
  count = sprinkleCount,
): { text: string; sprinkles: Sprinkle[] } {
  const positions: number[] = [];
  for (let i = 0; i < count; i++) {
    let at = Math.floor(((i + random()) * text.length) / count);
    while (at < text.length - 1 && !(text[at] === ' ' && /\p{L}/u.test(text[at - 1] ?? '') && /\p{L}/u.test(text[at + 1] ?? ''))) at += 1;
    if (at < text.length - 1 && positions.at(-1) !== at) positions.push(at);
  }
  const pieces: string[] = [];
  const sprinkles: Sprinkle[] = [];
  let length = 0;
  let from = 0;
  for (const at of positions) {
    pieces.push(text.slice(from, at));
    length += at - from;
    const entry = pick(random, entries);
    const words = (entry.terms['pl']?.[0]?.text ?? '').split(' ');
    let phrase = words.map((word) => pick(random, maker.forms(word))).join(' ');
    if (random() < 0.1) phrase = (phrase[0] ?? '').toLocaleUpperCase('pl') + phrase.slice(1);
    pieces.push(` ${phrase}`);
    sprinkles.push({ entryId: entry.id, start: length + 1, end: length + 1 + phrase.length });
    length += phrase.length + 1;
    from = at;
  }
  pieces.push(text.slice(from));
  return { text: pieces.join(''), sprinkles };
}

/** Build the glossary, text and insertions and write them under .cache/bench/terms. */
export async function prepareTermsBench(root = projectRoot()): Promise<Record<string, unknown>> {
  const start = performance.now();
  const { formsOf, loadDictionary, loadGlossaries } = await import('../../src/glossary/index.js');
  const { isPolishVerb } = await import('../../src/glossary/morphology.js');
  const paths = termsPaths(root);
  const real = await loadGlossaries(root, { files: ['glossary/hansa.csv'], sourceLanguage: 'pl' });
  const dictionary = await loadDictionary('pl');
  if (dictionary === undefined) throw new Error('bench: no Polish dictionary');
  const dic = await readFile(new URL('index.dic', import.meta.resolve('dictionary-pl')), 'utf8');
  const { text: base, files } = await corpusText(root);
  const reserved = new Set(real.entries.flatMap((entry) => (entry.terms['pl'] ?? []).map((term) => term.text.toLocaleLowerCase('pl'))));
  const generated = generateGlossary(new TermMaker(dictionary, prng(seed), formsOf, isPolishVerb), dic, base, reserved);
  const { text, sprinkles } = sprinkle(base, generated, new TermMaker(dictionary, prng(seed + 1), formsOf, isPolishVerb), prng(seed + 2));
  const glossary: Glossary = { languages: ['pl', 'en'], entries: [...generated, ...real.entries] };
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.glossary, JSON.stringify(glossary));
  await writeFile(paths.text, text);
  await writeFile(paths.sprinkles, JSON.stringify(sprinkles));
  const words = generated.map((entry) => (entry.terms['pl']?.[0]?.text ?? '').split(' ').length);
  const wordCounts = [1, 2, 3, 4].map((n) => words.filter((count) => count === n).length);
  return {
    seconds: (performance.now() - start) / 1000,
    entries: glossary.entries.length,
    generated: generated.length,
    real: real.entries.length,
    wordCounts,
    examples: generated.slice(0, 8).map((entry) => entry.terms['pl']?.[0]?.text),
    files,
    chars: text.length,
    bytes: Buffer.byteLength(text),
    sprinkled: sprinkles.length,
  };
}

// ---------------------------------------------------------------------------------------
// The driver

/** What `cold` and `warm` children print as their last stdout line. */
export interface TermsChildResult {
  readonly mode: 'cold' | 'warm';
  readonly entries: number;
  readonly terms: number;
  /** Seconds of each load stage. */
  readonly stages: Readonly<Record<string, number>>;
  /** The whole load: dictionary + compile + index (cold), compile from cache + index (warm). */
  readonly loadSeconds: number;
  /** CPU time (user + system, all threads) of the load, seconds. */
  readonly loadCpuSeconds: number;
  /** performance.now() at the start of main: Node start-up and module imports, seconds. */
  readonly startupSeconds: number;
  readonly dictionaryStems?: number;
  readonly matching?: {
    readonly chars: number;
    readonly bytes: number;
    readonly segments: number;
    readonly warmup: number;
    readonly runs: readonly number[];
    readonly cpuRuns: readonly number[];
    readonly seconds: number;
    readonly hits: number;
    readonly oneCall: { readonly seconds: number; readonly hits: number };
    readonly sprinkled: number;
    readonly sprinkledFound: number;
  };
  /** Peak RSS after the load, KB. */
  readonly loadRssKB: number;
  /** Peak RSS of the process: load, and matching paragraph by paragraph (cold), KB. */
  readonly maxRssKB: number;
  /** Peak RSS once the whole text was also matched in one call, KB. */
  readonly maxRssOneCallKB?: number;
  readonly cacheWrite?: { readonly seconds: number; readonly bytes: number };
  readonly heap?: Readonly<Record<string, number>>;
}

export interface TermsRow {
  readonly label: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

const child = fileURLToPath(new URL('./terms-child.js', import.meta.url));

function runChild<T>(mode: string, root: string): T & { processSeconds: number } {
  const profile = process.env['BENCH_CPU_PROF'];
  const flags = ['--expose-gc', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`, `--cpu-prof-name=terms-${mode}-\${pid}-\${time}.cpuprofile`] : [])];
  process.stderr.write(`bench: terms ${mode}…\n`);
  const start = performance.now();
  const ran = spawnSync(process.execPath, [...flags, child, mode, root], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * MB });
  const processSeconds = (performance.now() - start) / 1000;
  if (ran.status !== 0) throw new Error(`bench: terms mode ${mode} failed (exit ${ran.status ?? ran.signal})`);
  const last = ran.stdout.trim().split('\n').at(-1) ?? '';
  return { ...(JSON.parse(last) as T), processSeconds };
}

const s = (seconds: number): string => `${seconds.toFixed(3)} s`;
const rss = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/** Run the three children; the rows of the table and the JSON report. */
export function runTermsBench(root = projectRoot()): { rows: TermsRow[]; report: Record<string, unknown> } {
  const prepared = runChild<Record<string, unknown>>('prepare', root);
  const cold = runChild<TermsChildResult>('cold', root);
  const warm = runChild<TermsChildResult>('warm', root);
  const matching = cold.matching;
  if (matching === undefined) throw new Error('bench: the cold run did not match');
  const mbPerSecond = matching.bytes / MB / matching.seconds;
  const oneCall = matching.bytes / MB / matching.oneCall.seconds;
  const stages = (result: TermsChildResult): string =>
    Object.entries(result.stages)
      .map(([name, seconds]) => `${name} ${seconds.toFixed(3)}`)
      .join(' + ');
  const counts = (prepared['wordCounts'] as number[] | undefined)?.join('/') ?? '?';
  const rows: TermsRow[] = [
    { label: 'glossary', value: `${cold.entries} entries (${String(prepared['generated'])} generated, 1/2/3/4 words: ${counts}; ${String(prepared['real'])} of hansa.csv), ${cold.terms} compiled terms` },
    { label: 'text', value: `${(matching.bytes / MB).toFixed(2)} MB (${matching.chars} chars, ${String(prepared['files'])} files), ${matching.segments} paragraphs, ${matching.sprinkled} terms inserted` },
    {
      label: 'cold load: dictionary + compile + index',
      value: `${s(cold.loadSeconds)}, cpu ${cold.loadCpuSeconds.toFixed(1)} s (${stages(cold)}; process start-up ${s(cold.startupSeconds)})`,
      target: '≤ 2 s',
      ok: cold.loadSeconds <= 2,
    },
    { label: 'warm load: compile cache + index', value: `${s(warm.loadSeconds)}, cpu ${warm.loadCpuSeconds.toFixed(1)} s (${stages(warm)}); cache ${((cold.cacheWrite?.bytes ?? 0) / MB).toFixed(1)} MB (compiled again and written in ${s(cold.cacheWrite?.seconds ?? 0)})` },
    {
      label: 'matching, per paragraph (best of 3)',
      value: `${s(matching.seconds)}, ${mbPerSecond.toFixed(2)} MB/s, cpu ${(matching.cpuRuns[matching.runs.indexOf(matching.seconds)] ?? 0).toFixed(1)} s, ${matching.hits} hits, inserted found ${matching.sprinkledFound}/${matching.sprinkled}; one call ${oneCall.toFixed(2)} MB/s`,
      target: '≥ 1 MB/s',
      ok: mbPerSecond >= 1,
    },
    {
      label: 'peak RSS, cold (load + matching)',
      value: `${rss(cold.maxRssKB)} (after load ${rss(cold.loadRssKB)}; ${rss(cold.maxRssOneCallKB ?? 0)} with the one-call match)`,
      target: '≤ 200 MB',
      ok: cold.maxRssKB <= 200 * 1024,
    },
    { label: 'peak RSS, warm (load only)', value: rss(warm.maxRssKB) },
  ];
  const report = {
    prepared,
    cold,
    warm,
    figures: { coldLoadSeconds: cold.loadSeconds, warmLoadSeconds: warm.loadSeconds, matchingMBps: mbPerSecond, oneCallMBps: oneCall, hits: matching.hits, coldMaxRssMB: cold.maxRssKB / 1024 },
    targets: Object.fromEntries(rows.filter((row) => row.ok !== undefined).map((row) => [row.label, row.ok])),
  };
  return { rows, report };
}

/** Rows as the bench prints them: mark, label, value, target. */
export function formatRows(rows: readonly TermsRow[]): string[] {
  const width = Math.max(...rows.map((row) => row.label.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  return rows.map((row) => {
    const mark = row.ok === undefined ? ' ' : row.ok ? '✓' : '✗';
    return `${mark} ${row.label.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.target ?? ''}`.trimEnd();
  });
}

async function main(): Promise<void> {
  const root = projectRoot();
  const { rows, report } = runTermsBench(root);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
  process.stdout.write(`Hansa terminology bench — ${machine}\n${formatRows(rows).join('\n')}\n`);
  const out = path.join(root, '.cache', 'bench', 'terms.json');
  await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), machine, ...report }, null, 2)}\n`);
  process.stdout.write(`(JSON: ${path.relative(root, out)})\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
