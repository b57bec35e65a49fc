/**
 * The extraction stage over a whole project: which files changed, who parses them,
 * and the content-hash cache in `.hansa/extract/`.
 *
 * 1. A file whose size and modification time match the manifest is not even read.
 * 2. A file whose bytes hash to what the manifest holds is read but not parsed.
 * 3. Everything else is parsed, on worker threads when there is enough of it.
 * 4. A bad file becomes an error entry; the others go on.
 * 5. The cache can always be rebuilt: a damaged manifest or document is a miss, made again,
 *    with a warning naming it (`cache_damaged`), never an error.
 * 6. What the cache holds, in `.hansa/extract/`: `manifest.json` (each file's stat, content
 *    hash and counts), `docs/` (one extracted document a content hash) and `words.bin` (each
 *    document's word signature, by content hash: `extract-signatures.ts`). Signatures are made
 *    as documents are parsed and written when any was; a run reads them only when it asks for
 *    one (`signature`), and makes those the file lacks from the cached sources then, once.
 * 7. Files are their real paths: a symbolic link inside the content folder stands for its
 *    target (named or listed alike); one leading out is refused when named and skipped with
 *    a warning when listed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { HansaError, InputError, type Finding } from '../errors/index.js';
import { readCacheFile, realPathBelow, scanFiles, writeFileAtomicNow, type SkippedLink } from '../files/index.js';
import { collectGarbage, limitHeapGrowth } from '../files/heap.js';
import type { ExtractedDocument } from '../markdown/types.js';
import type { ExtractContext, FileOutcome } from './extract-file.js';
import type { SignatureStore } from './extract-signatures.js';
import { cacheRoot, contentRoot, displayPath, type Project } from './project.js';
import { racyWindowMs } from '../state/stamp.js';

/**
 * The parsing side (`extract-file.ts` → Markdown → remark, micromark, yaml) and the cached
 * documents' schema are loaded when first needed: a run whose manifest says that nothing
 * changed, and that loads no document, loads neither.
 */
const parsing = () => import('./extract-file.js');
const cachedDocuments = () => import('./extract-cache.js');
const signatureStores = () => import('./extract-signatures.js');

/** Bump when extraction output changes shape, so old caches are not trusted. */
const extractionVersion = '2';

/**
 * A fingerprint of the code that decides extraction (Markdown, segmentation rules), so a
 * cache written by another version of Hansa is never trusted, even when nobody bumped
 * `extractionVersion`: a changed abbreviation list must re-segment every file.
 */
const codeFingerprint: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const dir of [path.join(here, '..', 'markdown'), path.join(here, '..', 'segment')]) {
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(js|ts|json)$/.test(file)).sort();
    for (const file of files) hash.update(file).update(readFileSync(path.join(dir, file)));
  }
  // `..` then `pipeline`: the same file whether this code runs from its own module or from the bundle.
  hash.update(readFileSync(path.join(here, '..', 'pipeline', `extract-file${path.extname(fileURLToPath(import.meta.url))}`)));
  return hash.digest('hex');
})();

const manifestSchema = z.object({
  key: z.string(),
  files: z.record(
    z.string(),
    z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number().optional(), ino: z.number().optional(), racy: z.boolean().optional(), hash: z.string(), segments: z.number(), words: z.number() }),
  ),
});
type Manifest = z.infer<typeof manifestSchema>;

/** Progress of a long stage. */
export interface Progress {
  readonly done: number;
  readonly total: number;
}

/** Options of `extractProject`. */
export interface ExtractProjectOptions {
  /** Files to extract, relative to the content folder; default: all the config includes. */
  readonly files?: readonly string[];
  /** Worker threads; default from the config (`auto`: one per core, at most 4). 1 = main thread only. */
  readonly workers?: number;
  /** Called as files finish. */
  readonly onProgress?: (progress: Progress) => void;
  /** Stops the extraction between files; `extractProject` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The result of extracting a project. */
export interface ExtractRun {
  /** Every file's outcome, in path order. */
  readonly outcomes: readonly FileOutcome[];
  /** How many files were parsed (not served from the cache). */
  readonly parsed: number;
  /**
   * Load the extracted document of a successful file. A cached document found damaged is
   * made again from the source (with a warning among `findings`); a source that can no
   * longer be read then rejects with a `HansaError` naming it.
   */
  load(file: string): Promise<ExtractedDocument>;
  /** The segment sources of a successful file, read lightly from the cache (else from `load`). */
  sources(file: string): Promise<string[]>;
  /**
   * The word signature of a successful file (`memory/signature.ts`); `undefined` when it has
   * none (a source that cannot be tokenized) or it is not a successful file. The first call
   * reads `words.bin` and makes the signatures it lacks, of every successful file of the run,
   * from their cached sources (a damaged file: with a warning among `findings`), then writes
   * it back once.
   */
  signature(file: string): Promise<Uint32Array | undefined>;
  readonly context: ExtractContext;
  /**
   * Warnings of the run, none of which stops it: symbolic links not followed, damaged cache
   * entries rebuilt. `load` adds those it meets, so read this after loading.
   */
  readonly findings: readonly Finding[];
}

/** The context workers need, from a project. */
export function extractContext(project: Project): ExtractContext {
  const { sourceLanguage, frontmatter, limits } = project.config;
  // The limits decide which files are refused: a changed limit must not serve a stale cache.
  const key = createHash('sha256')
    .update(JSON.stringify({ extractionVersion, codeFingerprint, sourceLanguage, keys: frontmatter.translatable, limits }))
    .digest('hex');
  const root = contentRoot(project);
  return {
    root,
    displayRoot: displayPath(project, root),
    docsDir: path.join(cacheRoot(project), 'extract', 'docs'),
    key,
    lang: sourceLanguage,
    translatableKeys: frontmatter.translatable,
    limits: { maxFileBytes: limits.maxFileBytes, maxNesting: limits.maxNesting, maxSegmentCharacters: limits.maxSegmentCharacters, maxInlineMarkers: limits.maxInlineMarkers },
  };
}

/** Extract every file of the project, using and updating the cache. */
export async function extractProject(project: Project, options: ExtractProjectOptions = {}): Promise<ExtractRun> {
  const context = extractContext(project);
  const findings: Finding[] = [];
  const cacheDamaged = (file: string, reason: string): void => void findings.push(damagedCacheFinding(project, file, reason));
  // Named files are checked before anything else happens; one named twice (or also through
  // a link) is extracted once.
  const named = options.files === undefined ? undefined : [...new Set(await Promise.all(options.files.map((file) => realInsideContent(insideContent(file, context), context))))];
  const manifestFile = path.join(cacheRoot(project), 'extract', 'manifest.json');
  const manifest = await readManifest(manifestFile, context.key, cacheDamaged);
  let files: readonly string[];
  if (named === undefined) {
    const listing = await scanFiles(context.root, project.config.include, project.config.exclude);
    for (const link of listing.skipped) findings.push(skippedLinkFinding(link, context));
    files = listing.files;
  } else files = named;

  const outcomes = new Map<string, FileOutcome>();
  const work: { file: string; known?: string; size: number }[] = [];
  await Promise.all(
    files.map(async (file) => {
      const entry = manifest.files[file];
      let info;
      try {
        info = await stat(path.join(context.root, file));
      } catch {
        work.push({ file, size: 0 });
        return;
      }
      if (entry !== undefined && entry.racy !== true && entry.size === info.size && entry.mtimeMs === info.mtimeMs && entry.ctimeMs === info.ctimeMs && entry.ino === info.ino) {
        outcomes.set(file, { file, ok: true, size: entry.size, mtimeMs: entry.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino, hash: entry.hash, segments: entry.segments, words: entry.words, parsed: false });
      } else {
        work.push({ file, size: info.size, ...(entry === undefined ? {} : { known: entry.hash }) });
      }
    }),
  );

  let done = outcomes.size;
  // Aborting ends the work at the next file: the workers are given nothing more.
  const stopped = (): boolean => options.signal?.aborted === true;
  // Signatures of the documents parsed now, by content hash: kept apart from the outcomes.
  const made = new Map<string, Uint32Array | null>();
  const report = (outcome: FileOutcome): void => {
    if (outcome.ok && outcome.damaged !== undefined) cacheDamaged(outcome.damaged.file, outcome.damaged.reason);
    if (outcome.ok && outcome.signature !== undefined) {
      const { signature, ...rest } = outcome;
      made.set(rest.hash, signature ?? null);
      outcome = rest;
    }
    outcomes.set(outcome.file, outcome);
    done += 1;
    options.onProgress?.({ done, total: files.length });
  };
  const workers = Math.min(options.workers ?? configuredWorkers(project.config.workers), work.length);
  const bytes = work.reduce((sum, item) => sum + item.size, 0);
  // Workers take the biggest files first, so none is left with a long tail. One thread takes
  // them as `extractInOrder` says why.
  if (workers > 1 && bytes >= 256 * 1024 && existsSync(workerFile)) await extractOnWorkers(work.sort((a, b) => b.size - a.size), context, workers, report, stopped);
  else await extractInOrder(work.sort(byPathBigLast), context, report, stopped);
  options.signal?.throwIfAborted();

  const sorted = files.map((file) => outcomes.get(file)).filter((outcome): outcome is FileOutcome => outcome !== undefined);
  const manifestFiles = work.length > 0 ? writeManifest(manifestFile, context.key, manifest.files, sorted) : manifest.files;
  const signatures = signatureAccess(path.join(cacheRoot(project), 'extract', 'words.bin'), context, {
    outcomes: sorted,
    kept: new Set(Object.values(manifestFiles).map((entry) => entry.hash)),
    sources: (file) => run.sources(file),
    onDamaged: cacheDamaged,
  });
  if (made.size > 0) await signatures.record(made);
  const byFile = new Map(sorted.map((outcome) => [outcome.file, outcome]));
  const run: ExtractRun = {
    outcomes: sorted,
    parsed: sorted.filter((outcome) => outcome.ok && outcome.parsed).length,
    context,
    findings,
    async signature(file: string): Promise<Uint32Array | undefined> {
      const outcome = byFile.get(file);
      return outcome?.ok === true ? signatures.signature(outcome.hash) : undefined;
    },
    async sources(file: string): Promise<string[]> {
      const outcome = byFile.get(file);
      if (outcome === undefined || !outcome.ok) throw new Error(`no extraction for ${file}`);
      const [{ cachedDocumentPath }, { readCachedSources }] = await Promise.all([parsing(), cachedDocuments()]);
      const read = await readCachedSources(cachedDocumentPath(context, outcome.hash), outcome.hash);
      if (read.status === 'hit') return read.value;
      return (await run.load(file)).segments.map((segment) => segment.source);
    },
    async load(file: string): Promise<ExtractedDocument> {
      const outcome = byFile.get(file);
      if (outcome === undefined || !outcome.ok) throw new Error(`no extraction for ${file}`);
      const [{ cachedDocumentPath, extractFile }, { readCachedDocument }] = await Promise.all([parsing(), cachedDocuments()]);
      const cached = cachedDocumentPath(context, outcome.hash);
      const read = await readCachedDocument(cached, outcome.hash);
      if (read.status === 'hit') return read.value;
      // Gone or damaged since the manifest was written: a miss, made again from the source.
      if (read.status === 'damaged') cacheDamaged(cached, read.reason);
      const again = await extractFile(file, context);
      if (!again.ok) throw new HansaError(again.error.code, again.error.message, { file: `${context.displayRoot}/${file}`, data: again.error.data, ...(again.error.line === undefined ? {} : { line: again.error.line }) });
      const rebuilt = await readCachedDocument(cachedDocumentPath(context, again.hash), again.hash);
      if (rebuilt.status !== 'hit') throw new Error(`the extraction of ${file} was written but cannot be read back`);
      return rebuilt.value;
    },
  };
  return run;
}

/** The side of `words.bin` a run sees (principle 6). */
interface SignatureAccess {
  /** Store the signatures the extraction made (by content hash), and write the file. */
  record(made: ReadonlyMap<string, Uint32Array | null>): Promise<void>;
  /** The signature of a source of the run (by content hash); `undefined`: it has none. */
  signature(hash: string): Promise<Uint32Array | undefined>;
}

/**
 * `words.bin` for one run: read at most once, when first needed. The first `signature` makes
 * the signatures the file lacks for the run's successful `outcomes` from their `sources` and
 * writes it back; every write keeps the records of the hashes in `kept` (the manifest's).
 */
function signatureAccess(
  file: string,
  context: ExtractContext,
  run: { readonly outcomes: readonly FileOutcome[]; readonly kept: ReadonlySet<string>; readonly sources: (file: string) => Promise<string[]>; readonly onDamaged: (file: string, reason: string) => void },
): SignatureAccess {
  let opened: Promise<SignatureStore> | undefined;
  let complete: Promise<SignatureStore> | undefined;
  const open = (): Promise<SignatureStore> => (opened ??= signatureStores().then(({ SignatureStore }) => SignatureStore.open(file, { key: context.key, language: context.lang }, run.onDamaged)));
  const completed = async (): Promise<SignatureStore> => {
    const store = await open();
    const missing = new Map<string, string>();
    for (const outcome of run.outcomes) if (outcome.ok && store.get(outcome.hash) === undefined) missing.set(outcome.hash, outcome.file);
    if (missing.size === 0) return store;
    const [{ mapLimited }, { wordSignature }] = await Promise.all([import('./plan.js'), import('../memory/signature.js')]);
    await mapLimited([...missing], 16, async ([hash, source]) => {
      try {
        store.set(hash, wordSignature(await run.sources(source), context.lang) ?? null);
      } catch (error) {
        // A source gone with its cache: no record, so a caller loads it and meets the error.
        if (!(error instanceof HansaError)) throw error;
      }
    });
    await store.save(run.kept);
    return store;
  };
  return {
    async record(made) {
      const store = await open();
      for (const [hash, signature] of made) store.set(hash, signature);
      await store.save(run.kept);
    },
    async signature(hash) {
      return (await (complete ??= completed())).get(hash) ?? undefined;
    },
  };
}

/**
 * A file named by the caller (as `insideContent` gives it), with every symbolic link on its
 * way resolved, as a path below the content folder: a link inside the folder stands for its
 * target, as in a full run (so both runs write the same outputs); one that leads out of the
 * folder is refused like any path outside it, before anything is read. A path that does not
 * exist stays as it is, for the extraction to report.
 */
async function realInsideContent(file: string, context: Pick<ExtractContext, 'root' | 'displayRoot'>): Promise<string> {
  const real = await realPathBelow(context.root, file);
  if (real.kind === 'missing') return file;
  if (real.kind === 'inside' && real.file !== '') return real.file;
  const target = real.kind === 'outside' ? real.target : context.root;
  // `context: 'link'` picks the message that says the file is a link, and where it leads.
  throw new InputError('file_outside_content', `${file}: a symbolic link leads to ${target}, outside the content folder ${context.displayRoot}`, {
    file: `${context.displayRoot}/${file}`,
    data: { file, root: context.displayRoot, target, context: 'link' },
  });
}

/** A link a full run did not follow, as a warning naming it. */
function skippedLinkFinding(link: SkippedLink, context: Pick<ExtractContext, 'displayRoot'>): Finding {
  const code = link.reason === 'outside' ? 'link_outside_content' : 'link_broken';
  const message = link.reason === 'outside' ? `symbolic link to ${link.target}, outside the content folder ${context.displayRoot}: skipped` : `symbolic link to ${link.target}, which does not exist: skipped`;
  return { code, severity: 'warning', file: `${context.displayRoot}/${link.file}`, message, data: { target: link.target, root: context.displayRoot } };
}

/** A damaged cache entry in `.hansa/` (absolute `file`), rebuilt: a warning naming it, never an error. */
export function damagedCacheFinding(project: Project, file: string, reason: string): Finding {
  return { code: 'cache_damaged', severity: 'warning', file: displayPath(project, file), message: `damaged cache file, rebuilt: ${reason}`, data: { reason } };
}

/**
 * A file named by the caller, as a clean path below the content folder. Outputs are made
 * from this path (`dist/<lang>/<file>`, `translations/<lang>/<file>.xlf`), so a path that
 * steps out of the folder (`../../content/pl/a.md`, `/etc/x.md`) would write outside
 * `dist/` (even over the source itself): it is refused before anything is read or written.
 * A path that steps up and back in without leaving (`a/../b.md`) is brought to its plain form.
 */
export function insideContent(file: string, context: Pick<ExtractContext, 'root' | 'displayRoot'>): string {
  const normal = path.posix.normalize(file);
  const absolute = path.resolve(context.root, normal);
  const relative = path.relative(context.root, absolute);
  const escapes = (value: string, sep: string): boolean => value === '..' || value.startsWith(`..${sep}`);
  if (path.isAbsolute(file) || escapes(normal, '/') || relative === '' || escapes(relative, path.sep) || path.isAbsolute(relative)) {
    throw new InputError('file_outside_content', `${file} is outside the content folder ${context.displayRoot}`, { file, data: { file, root: context.displayRoot } });
  }
  return normal;
}

function configuredWorkers(setting: number | 'auto'): number {
  return setting === 'auto' ? autoWorkers(availableParallelism()) : setting;
}

/**
 * Extraction threads for `workers: 'auto'` on `cores` cores: one a core beside the main
 * thread's, at most 4, and none on two cores or fewer. On two cores, two workers took
 * 10.98–11.67 s for the bench's 565 articles where the main thread alone took 9.1–9.5 s:
 * each worker loads and compiles the parser anew, and their collectors and the main thread
 * compete for the same two cores.
 */
export function autoWorkers(cores: number): number {
  return cores <= 2 ? 1 : Math.min(4, cores - 1);
}

/**
 * One file after another on this thread, each read, parsed and written without awaiting
 * anything (`ExtractBatch`): on the bench's 565 articles, the same run awaiting each read
 * and write took 11.3–11.7 s where extracting the texts in memory takes 9.4 s. The event
 * loop gets a turn every `yieldEveryMs`, so Ctrl-C and the progress bar are not held up.
 * The order of `work` matters for speed and memory: the others by path, then the big files.
 */
async function extractInOrder(
  work: readonly { file: string; known?: string; size?: number }[],
  context: ExtractContext,
  report: (outcome: FileOutcome) => void,
  stopped: () => boolean,
): Promise<void> {
  if (work.length === 0) return;
  const { ExtractBatch } = await parsing();
  const batch = new ExtractBatch(context);
  let growth: { restore(): void } | undefined;
  let turn = performance.now();
  try {
    for (const item of work) {
      if (stopped()) break;
      // A big article's parse holds some hundred times its size at once (micromark's events,
      // then the tree): 150 MB for a 390 KB one. V8's own growth factor, set by the thousands
      // of small files before, let the heap pass 370 MB over the 24 big articles of a
      // 5,000-article project; bounded to 50 % while they parse, 247 MB. They come last
      // (`byPathBigLast`) so that the bound, and the work after big trees, spans only them:
      // first, each after a forced collection as before, the bench's 565 articles took 8.0 s
      // where this order takes 7.0 s (the parse alone: 5.9 s), at the same peak.
      if (growth === undefined && (item.size ?? 0) >= bigFileBytes) growth = limitHeapGrowth(bigFileHeapGrowthPercent);
      batch.add(item.file, item.known);
      if (batch.full) for (const outcome of batch.flush()) report(outcome);
      if (performance.now() - turn >= yieldEveryMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turn = performance.now();
      }
    }
  } finally {
    growth?.restore();
  }
  // Also when stopped: what was extracted is written and counted.
  for (const outcome of batch.flush()) report(outcome);
}

/** A source whose parse on the main thread runs with the heap's growth bounded. */
const bigFileBytes = 128 * 1024;

/** Heap growth after a collection while big files parse, in percent (25 %: 233 MB, 63.8 s at 5,000 articles; 50 %: 247 MB, 60.8 s). */
const bigFileHeapGrowthPercent = 50;

/** By path, the big files (`bigFileBytes`) last, the biggest last. */
function byPathBigLast(a: { file: string; size: number }, b: { file: string; size: number }): number {
  const big = (item: { size: number }): number => (item.size >= bigFileBytes ? item.size : 0);
  return big(a) - big(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}

/** How long extraction on the main thread holds it before letting signals and timers through. */
const yieldEveryMs = 50;

const workerFile = fileURLToPath(new URL('./extract-worker.js', import.meta.url));

/** Hand batches of files to a pool of workers, the biggest files first. */
async function extractOnWorkers(
  work: readonly { file: string; known?: string; size: number }[],
  context: ExtractContext,
  count: number,
  report: (outcome: FileOutcome) => void,
  stopped: () => boolean,
): Promise<void> {
  // Batches of about 64 KB: big files go alone, small ones travel together, and no
  // worker is left with a long tail while the others idle.
  let next = 0;
  const takeBatch = (): { file: string; known?: string }[] => {
    const batch: { file: string; known?: string }[] = [];
    let bytes = 0;
    while (!stopped() && next < work.length && (batch.length === 0 || bytes + (work[next]?.size ?? 0) <= 64 * 1024) && batch.length < 32) {
      const item = work[next];
      if (item === undefined) break;
      batch.push(item.known === undefined ? { file: item.file } : { file: item.file, known: item.known });
      bytes += item.size;
      next += 1;
    }
    return batch;
  };
  // A worker's heap is capped, so its garbage is collected long before it holds hundreds of
  // megabytes (V8 would otherwise let it grow); a file too big for the cap is extracted on
  // the main thread instead.
  const leftovers: { file: string; known?: string; size: number }[] = [];
  // The main thread waits while the workers run, so nothing would collect what starting up
  // left in its heap (some 40 MB resident at 5,000 articles, beside the workers' own heaps).
  collectGarbage();
  await Promise.all(
    Array.from({ length: count }, async () => {
      const worker = new Worker(workerFile, { workerData: context, resourceLimits: workerHeap });
      let inFlight: { file: string; known?: string }[] = [];
      try {
        await new Promise<void>((resolve, reject) => {
          const send = (): void => {
            const batch = takeBatch();
            inFlight = batch;
            if (batch.length === 0) resolve();
            else worker.postMessage({ files: batch });
          };
          worker.on('message', (outcomes: FileOutcome[]) => {
            for (const outcome of outcomes) report(outcome);
            send();
          });
          worker.on('error', (error: NodeJS.ErrnoException) => {
            if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') return reject(error);
            for (const item of inFlight) leftovers.push({ ...item, size: 0 });
            resolve();
          });
          send();
        });
      } finally {
        await worker.terminate();
      }
    }),
  );
  // Files of a batch whose worker ran out of its heap, and any left when no worker was.
  while (!stopped() && next < work.length) {
    const item = work[next++];
    if (item !== undefined) leftovers.push(item);
  }
  if (leftovers.length > 0) await extractInOrder(leftovers, context, report, stopped);
}

/** The heap of an extraction worker: a few big articles at a time fit many times over. */
const workerHeap = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

/** The manifest of the cache made with `key`; missing, damaged (said to `onDamaged`) or of another key: empty. */
async function readManifest(file: string, key: string, onDamaged: (file: string, reason: string) => void): Promise<Manifest> {
  const read = await readCacheFile(file, manifestSchema);
  if (read.status === 'damaged') onDamaged(file, read.reason);
  return read.status === 'hit' && read.value.key === key ? read.value : { key, files: {} };
}

/** Write the manifest of `outcomes` over `previous`; its files. */
function writeManifest(file: string, key: string, previous: Manifest['files'], outcomes: readonly FileOutcome[]): Manifest['files'] {
  const files: Manifest['files'] = { ...previous };
  const now = Date.now();
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      delete files[outcome.file];
      continue;
    }
    // A file changed within a clock tick of being read may change again with the same times:
    // its entry is checked by hash next time (the "racy" entries of git's index).
    const racy = Math.max(outcome.mtimeMs, outcome.ctimeMs) > now - racyWindowMs;
    files[outcome.file] = { size: outcome.size, mtimeMs: outcome.mtimeMs, ctimeMs: outcome.ctimeMs, ino: outcome.ino, ...(racy ? { racy } : {}), hash: outcome.hash, segments: outcome.segments, words: outcome.words };
  }
  // On this thread, as the documents were: the run waits for it, and awaiting gave it idle turns.
  writeFileAtomicNow(file, JSON.stringify({ key, files }));
  return files;
}
