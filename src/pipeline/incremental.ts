/**
 * A language's run over the project state: what is due (`planLanguage`), the memory made
 * from the stored contributions (`languageMemory`), and what the run leaves behind
 * (`recordStore`, `commitLanguage`). `translate.ts` composes these with the other stages.
 *
 * 1. Work follows change (DESIGN §8.10): a pair is read, reconciled and written only when an
 *    input changed (`plan.ts`); a segment file of no article of the run is read only when its
 *    stamp changed, for the memory.
 * 2. The output equals a run from scratch: the memory is the same entries in the same order,
 *    an open segment anywhere is looked at again when a memory entry of an equal or similar
 *    source changed, and when anything is in doubt (a memory file changed by someone else, a
 *    state from another run or version) the pairs are due.
 * 3. What is recorded is what is on disk: stamps are taken after a language's files are
 *    written, by reading them back (`stamp.ts`); a file someone saved meanwhile is not
 *    recorded, so the next run reads it.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { listFiles, temporarySuffix, writeFileAtomic } from '../files/index.js';
import { segmentsOf, type SegmentFile, type StoreSegment } from '../formats/types.js';
import { plainText } from '../markdown/tagged.js';
import { countWords } from '../markdown/words.js';
import type { MemoryIndexEntry } from '../memory/tm.js';
import { contributionOf, changedSources, emptyMemoryState, memoryEntriesOf, readMemoryState, type Contribution, type MemoryStateData } from '../state/memory.js';
import { languageStateText, readLanguageState, stateDir, type ArticleState, type LanguageStateData, type SegmentCounts } from '../state/language.js';
import { checkStamp, contentHash, racyWindowMs, stampOfOwnFile, stampOfWritten, type FileStamp } from '../state/stamp.js';
import { hansaFingerprint, keyOf } from '../state/version.js';
import type { HansaConfig } from '../config/index.js';
import type { TranslationStatus } from '../publish/index.js';
import { checkPairs, mapLimited, memoryAffected, outputInputs, relativeTo, type PairCheck } from './plan.js';
import { extractContext } from './extract.js';
import { cacheRoot, type Project } from './project.js';
import { retiredPath } from './retired.js';
import { isOpen, readSegmentFile, segmentFileName } from './store.js';
import { bundledLocales } from './tags.js';
import type { ExtractedDocument } from '../markdown/types.js';

/** A source document of the run: path below the content folder and the hash of its bytes. */
export interface RunDocument {
  readonly file: string;
  readonly hash: string;
}

/** What a language's run knows of the state, and changes in it. */
export interface LanguagePlan {
  readonly lang: string;
  readonly key: string;
  readonly segmentKey: string;
  readonly outputKey: string | undefined;
  readonly data: LanguageStateData;
  readonly memory: MemoryStateData;
  readonly checks: ReadonlyMap<string, PairCheck>;
  /** Every segment file below `translations/<lang>/`, as listed (the memory's order for the rest). */
  readonly segmentFiles: readonly string[];
  /** Whether a killed run left temporary files among the segment files. */
  readonly temporaries: boolean;
  /** Sources whose memory entries changed since the state was written. */
  readonly changed: Set<string>;
  /** A memory file (TMX, retired) changed outside the state's knowledge: every open pair is due. */
  readonly memoryFilesChanged: boolean;
  /** Files written this run, stamped at the end. */
  readonly written: { readonly kind: 'segments' | 'output' | 'feed'; readonly file: string; readonly absolute: string; readonly hash: string; readonly size?: number; readonly inputs?: string; readonly status?: TranslationStatus }[];
  /** Sources of entries this run's own writes add to the memory (for the next run). */
  readonly carried: Set<string>;
}

/** Config keys a segment file depends on (the rest: outputs, limits of providers, workers). */
function segmentConfig(config: HansaConfig): unknown {
  const outside: ReadonlySet<string> = new Set(['targetLanguages', 'outDir', 'build', 'feed', 'workers', 'budget']);
  return Object.fromEntries(Object.entries(config).filter(([key]) => !outside.has(key)));
}

/** A hash of the tag resources of `lang` (Hansa's and the project's `content.json`). */
async function tagsKey(project: Project, lang: string): Promise<string> {
  const parts: string[] = [];
  for (const dir of [bundledLocales, path.join(project.cwd, 'locales')]) {
    const text = await readFile(path.join(dir, lang, 'content.json')).then((bytes) => contentHash(bytes), () => 'none');
    parts.push(text);
  }
  return parts.join(':');
}

/** The stamps of the files matching `globs` below the project, with what they were. */
async function stampsOf(cwd: string, files: readonly string[], known: Readonly<Record<string, FileStamp>>): Promise<{ stamps: Record<string, FileStamp>; changed: boolean }> {
  const stamps: Record<string, FileStamp> = {};
  let changed = Object.keys(known).some((file) => !files.includes(file));
  for (const file of files) {
    const check = await checkStamp(path.resolve(cwd, file), known[file]);
    if (check.status === 'missing') {
      // Gone since the state knew it; a file neither had is no change.
      if (known[file] !== undefined) changed = true;
      continue;
    }
    if (check.status === 'unreadable') {
      changed = true;
      continue;
    }
    if (check.status === 'changed') changed = true;
    if (check.stamp !== undefined) stamps[file] = check.stamp;
    else changed = true;
  }
  return { stamps, changed };
}

/** The version of the glossary for `lang`: recorded when its files did not change, else computed. */
async function glossaryOf(project: Project, known: LanguageStateData['glossary'], version: () => Promise<string | undefined>): Promise<{ files: Record<string, FileStamp>; version: string }> {
  const files = (await listFiles(project.cwd, project.config.glossary.files)).map((file) => file.split(path.sep).join('/')).sort();
  const { stamps, changed } = await stampsOf(project.cwd, files, known?.files ?? {});
  if (!changed && known !== undefined) return { files: stamps, version: known.version };
  return { files: stamps, version: (await version()) ?? 'none' };
}

/**
 * What is due in `lang`: every pair checked against the state, the segment files of no
 * article of the run read again where they changed (for the memory), memory files compared.
 */
export async function planLanguage(
  project: Project,
  lang: string,
  run: {
    readonly documents: readonly RunDocument[];
    readonly chain: readonly string[];
    /** Providers of the chain whose output is published but never stored. */
    readonly synthetic: readonly string[];
    readonly fillsOpen: boolean;
    readonly mode: 'translate' | 'extract';
    readonly glossaryVersion: () => Promise<string | undefined>;
    readonly onDamaged?: (file: string, reason: string) => void;
  },
): Promise<LanguagePlan> {
  const { config } = project;
  const cache = cacheRoot(project);
  const hansa = hansaFingerprint();
  const key = stateKeyOf(project);
  const stored = await readLanguageState(cache, lang, key, run.onDamaged);
  const storedMemory = stored.memory === undefined ? undefined : await readMemoryState(cache, lang, key, run.onDamaged);
  // A memory of another generation (a run stopped between the two writes): trust nothing.
  const trusted = storedMemory !== undefined && storedMemory.generation === stored.memory;
  const data: LanguageStateData = trusted ? stored : { ...stored, articles: {}, orphans: {}, memoryFiles: {}, foreign: {} };
  if (!trusted) delete data.feed;
  const memory: MemoryStateData = trusted ? storedMemory : emptyMemoryState(key);
  const glossary = await glossaryOf(project, data.glossary, run.glossaryVersion);
  data.glossary = glossary;
  const segmentKey = keyOf([hansa, segmentConfig(config), run.chain, glossary.version, await tagsKey(project, lang)]);
  const outputKey = run.mode === 'translate' ? outputKeyOf(project, run.synthetic) : undefined;
  const outDir = path.resolve(project.cwd, config.outDir, lang);
  const segmentDir = path.resolve(project.cwd, config.translationsDir, lang);
  // Thousands of pairs: paths by joining strings below two resolved folders.
  const below = (dir: string, file: string): string => `${dir}${path.sep}${path.sep === '/' ? file : file.split('/').join(path.sep)}`;
  const pairs = await checkPairs(
    run.documents.map((document) => ({ file: document.file, hash: document.hash, segmentFile: below(segmentDir, segmentFileName(document.file)), output: below(outDir, document.file) })),
    data.articles,
    { segments: segmentKey, output: outputKey, fillsOpen: run.fillsOpen },
  );
  const checks = new Map(pairs.map((pair) => [pair.file, pair]));
  refreshStamps(data, pairs);
  const changed = new Set<string>(memory.carried);
  const listed = await listFiles(segmentDir, ['**/*.xlf', `**/*${temporarySuffix}`]).catch(() => []);
  const segmentFiles = listed.filter((file) => file.endsWith('.xlf'));
  const ofRun = new Set(run.documents.map((document) => segmentFileName(document.file)));
  // Segment files of other articles (left out of this run, or deleted): their stamps are the
  // state's record of them, or of the orphan.
  const bySegmentFile = new Map<string, ArticleState>();
  for (const [file, record] of Object.entries(data.articles)) bySegmentFile.set(segmentFileName(file), record);
  const listedFiles = new Set(segmentFiles);
  const orphans: Record<string, FileStamp> = {};
  await mapLimited(segmentFiles.filter((file) => !ofRun.has(file)), 32, async (file) => {
    const absolute = path.join(segmentDir, file);
    const record = bySegmentFile.get(file);
    const check = await checkStamp(absolute, record?.segments ?? data.orphans[file]);
    if (check.status === 'missing') return;
    if (check.status === 'unreadable') {
      for (const source of changedSources(memory.files[file], undefined)) changed.add(source);
      delete memory.files[file];
      return;
    }
    if (check.status === 'same' || check.status === 'same-content') {
      if (record === undefined) orphans[file] = check.stamp;
      if (memory.files[file] !== undefined) return;
    }
    const read = await readSegmentFile(absolute, file).catch(() => undefined);
    const contribution = read === undefined ? undefined : contributionOf(read);
    for (const source of changedSources(memory.files[file], contribution)) changed.add(source);
    if (contribution === undefined) delete memory.files[file];
    else memory.files[file] = contribution;
    if (record === undefined && check.stamp !== undefined && read !== undefined) orphans[file] = check.stamp;
  });
  // A segment file that is gone takes its translations out of the memory.
  for (const file of Object.keys(memory.files)) {
    if (listedFiles.has(file)) continue;
    for (const source of changedSources(memory.files[file], undefined)) changed.add(source);
    delete memory.files[file];
  }
  data.orphans = orphans;
  const memoryFileList = [...(await listFiles(project.cwd, config.memory.files)).map((file) => file.split(path.sep).join('/')), relativeTo(project.cwd, retiredPath(project, lang))];
  const memoryFiles = await stampsOf(project.cwd, memoryFileList, data.memoryFiles);
  data.memoryFiles = memoryFiles.stamps;
  return { lang, key, segmentKey, outputKey, data, memory, checks, segmentFiles, temporaries: listed.length > segmentFiles.length, changed, memoryFilesChanged: memoryFiles.changed, written: [], carried: new Set() };
}

/**
 * The key of the whole state of a project: a state of another key is empty. The extraction's
 * own key is part of it, as the segments of a source depend on it (translatable frontmatter
 * keys, limits), not only on the source's bytes.
 */
export function stateKeyOf(project: Project): string {
  const { config } = project;
  return keyOf(['state', hansaFingerprint(), extractContext(project).key, config.sourceLanguage, config.contentDir, config.translationsDir, config.outDir]);
}

/**
 * The key of what a `dist/` article depends on beyond its source and segment file: build
 * options, the target languages (its frontmatter names them), and the providers whose output is
 * published without being stored (copy, pseudo); `build` has none of them.
 */
export function outputKeyOf(project: Project, synthetic: readonly string[]): string {
  return keyOf([hansaFingerprint(), project.config.build, project.config.targetLanguages, synthetic]);
}

/**
 * Stamps of files found unchanged by their hash (a racy stamp, a copy with new times) take the
 * file's stat now, so the next run trusts them by stat again instead of hashing every time.
 */
function refreshStamps(data: LanguageStateData, pairs: readonly PairCheck[]): void {
  for (const pair of pairs) {
    const record = data.articles[pair.file];
    if (record === undefined || pair.due !== undefined) continue;
    let next = record;
    if (pair.segments.status === 'same-content') next = { ...next, segments: pair.segments.stamp };
    if (pair.output?.status === 'same-content' && next.output !== undefined) next = { ...next, output: { ...next.output, stamp: pair.output.stamp } };
    if (next !== record) data.articles[pair.file] = next;
  }
}

/** Whether the pair must be processed before the memory is looked at (its own inputs changed). */
export function dueOnItsOwn(plan: LanguagePlan, file: string): boolean {
  const check = plan.checks.get(file);
  return check === undefined || check.due !== undefined || check.outputDue;
}

/**
 * What the stores read for this run change in the memory: their reconciled contributions
 * against the stored ones, and what they retire.
 */
export function absorbStores(project: Project, plan: LanguagePlan, stores: readonly { readonly file: string; readonly current: SegmentFile; readonly retired: readonly StoreSegment[] }[]): void {
  for (const store of stores) {
    const file = segmentFileName(store.file);
    for (const source of changedSources(plan.memory.files[file], contributionOf(store.current))) plan.changed.add(source);
    // Only what the memory keeps of them: a retired segment without a translation changes nothing.
    for (const segment of store.retired) if (segment.target !== undefined && segment.target !== '' && segment.state !== 'initial') plan.changed.add(segment.source);
  }
}

/**
 * The articles of the run not yet due whose open segments the changed memory may fill or
 * suggest for: every one with open segments when a memory file changed behind the state's back.
 * `load` gives an article's segment sources, `options.signature` its word signature (read
 * only when a memory entry changed: see `memoryAffected`).
 */
export async function dueByMemory(
  plan: LanguagePlan,
  documents: readonly RunDocument[],
  load: (file: string) => Promise<readonly string[]>,
  options: { readonly threshold: number; readonly language: string; readonly signature?: (file: string) => Promise<Uint32Array | undefined> },
): Promise<Set<string>> {
  const candidates = documents.filter((document) => !dueOnItsOwn(plan, document.file) && (plan.data.articles[document.file]?.open ?? 0) > 0).map((document) => document.file);
  if (plan.memoryFilesChanged) return new Set(candidates);
  return memoryAffected(candidates, load, [...plan.changed], options);
}

/**
 * The memory entries of the run, in the order a run from scratch adds them: after the memory
 * files and what the run retires (added by the caller), the run's documents in order (what the
 * reconciled file gives where it was read for the memory, else the stored contribution, which
 * is that of the file as it is), then the other segment files as listed.
 */
export function* contributionsInOrder(project: Project, plan: LanguagePlan, documents: readonly RunDocument[], reconciled: ReadonlyMap<string, Contribution>, unreadable: ReadonlySet<string>): Generator<MemoryIndexEntry> {
  const ofRun = new Set<string>();
  for (const document of documents) {
    const file = segmentFileName(document.file);
    ofRun.add(file);
    if (unreadable.has(document.file)) continue;
    const contribution = reconciled.get(document.file) ?? plan.memory.files[file];
    if (contribution !== undefined) yield* memoryEntriesOf(contribution);
  }
  for (const file of plan.segmentFiles) {
    if (ofRun.has(file)) continue;
    const contribution = plan.memory.files[file];
    if (contribution !== undefined) yield* memoryEntriesOf(contribution);
  }
}

/** Per-state counts of a segment file, as `hansa status` shows them. */
export function countsOf(file: SegmentFile): SegmentCounts {
  const counts = { segments: 0, words: 0, new: 0, translated: 0, reviewed: 0, final: 0, newWords: 0, translatedWords: 0, reviewedWords: 0, finalWords: 0 };
  for (const segment of segmentsOf(file)) {
    const words = countWords(plainText(segment.source));
    counts.segments += 1;
    counts.words += words;
    // A draft target in state `initial` is not a translation: build does not publish it.
    if (segment.target === undefined || segment.target === '' || segment.state === 'initial') {
      counts.new += 1;
      counts.newWords += words;
    } else if (segment.state === 'final') {
      counts.final += 1;
      counts.finalWords += words;
    } else if (segment.state === 'reviewed') {
      counts.reviewed += 1;
      counts.reviewedWords += words;
    } else {
      counts.translated += 1;
      counts.translatedWords += words;
    }
  }
  return counts;
}

/** Record a store the run wrote (or found up to date): its article entry and memory contribution. */
export function recordStore(
  project: Project,
  plan: LanguagePlan,
  store: { readonly file: string; readonly absolute: string; readonly current: SegmentFile; readonly document: ExtractedDocument },
  updated: SegmentFile,
  text: string,
): void {
  const file = segmentFileName(store.file);
  const written = contributionOf(updated);
  for (const source of changedSources(contributionOf(store.current), written)) plan.carried.add(source);
  plan.memory.files[file] = written;
  const open = segmentsOf(updated).filter((segment) => isOpen(segment)).length;
  const previous = plan.data.articles[store.file];
  plan.data.articles[store.file] = {
    source: store.document.sourceHash,
    inputs: plan.segmentKey,
    open,
    counts: countsOf(updated),
    // Stamped at the end of the language (`commitLanguage`), once the file has settled.
    ...(previous?.output === undefined ? {} : { output: previous.output }),
  };
  plan.written.push({ kind: 'segments', file: store.file, absolute: store.absolute, hash: contentHash(text) });
}

/** Record a `dist/` article the run wrote (or found with the same bytes). */
export function recordOutput(plan: Pick<LanguagePlan, 'written'>, file: string, output: { absolute: string; text: string; status: TranslationStatus }, inputs?: string): void {
  plan.written.push({ kind: 'output', file, absolute: output.absolute, hash: contentHash(output.text), status: output.status, ...(inputs === undefined ? {} : { inputs }) });
}

/** Forget a pair (its document is gone, or its files could not be read or written). */
export function forgetPair(plan: LanguagePlan, file: string): void {
  delete plan.data.articles[file];
}

/** Wait until files written before now are out of the racy window (`stamp.ts`). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, racyWindowMs + 5));
}

/**
 * Stamp what the language's run wrote, after its files settled (so no stamp is racy), into
 * the state's entries; an entry whose file someone saved since is dropped (the next run reads it).
 */
async function stampWritten(plan: LanguagePlan, settled: boolean): Promise<void> {
  if (plan.written.length === 0) return;
  // Waiting out the clock's tick makes the stamps trusted by stat alone.
  if (!settled) await settle();
  // A feed (megabytes, written by Hansa alone, under the lock) is stamped by its stat and the
  // hash of what was written; anything people may save is read back.
  const stamps = await mapLimited(plan.written, 32, async (item) => (item.kind === 'feed' && item.size !== undefined ? stampOfOwnFile(item.absolute, item.hash, item.size) : stampOfWritten(item.absolute, item.hash)));
  // Segment files first: an output's inputs name its segment file's hash.
  plan.written.forEach((item, index) => {
    const stamp = stamps[index];
    const record = plan.data.articles[item.file];
    if (item.kind === 'feed') {
      if (stamp === undefined) delete plan.data.feed;
      else plan.data.feed = stamp;
    } else if (item.kind === 'segments' && record !== undefined) {
      if (stamp === undefined) delete plan.data.articles[item.file];
      else plan.data.articles[item.file] = { ...record, segments: stamp };
    }
  });
  plan.written.forEach((item, index) => {
    const stamp = stamps[index];
    const record = plan.data.articles[item.file];
    if (item.kind !== 'output' || record === undefined) return;
    if (stamp === undefined) {
      const rest = { ...record };
      delete rest.output;
      plan.data.articles[item.file] = rest;
      return;
    }
    plan.data.articles[item.file] = { ...record, output: { inputs: item.inputs ?? outputInputs(plan.outputKey ?? 'none', record.source, record.segments?.hash), stamp, ...(item.status === undefined ? {} : { status: item.status }) } };
  });
}

/**
 * Stamp what the language's run wrote, then write the memory and the state, the memory first:
 * a state always names a memory of its own generation. `full`: the run covered every article
 * (the carried sources are then used up).
 */
export async function commitLanguage(project: Project, plan: LanguagePlan, options: { full: boolean; settled?: boolean }): Promise<void> {
  await stampWritten(plan, options.settled === true);
  const carried = options.full ? plan.carried : new Set([...plan.carried, ...plan.changed]);
  const cache = cacheRoot(project);
  const memory = { ...plan.memory, generation: '', carried: [...carried].sort() };
  // The generation is the memory's own hash: an unchanged memory and state are not written again.
  const generation = contentHash(JSON.stringify(memory)).slice(0, 32);
  await writeIfChanged(path.join(stateDir(cache, plan.lang), 'memory.json'), `${JSON.stringify({ ...memory, generation })}\n`);
  await writeIfChanged(path.join(stateDir(cache, plan.lang), 'articles.json'), languageStateText({ ...plan.data, memory: generation }));
}

/** Stamp the outputs a build wrote and write the state; the memory (and its generation) stays. */
export async function commitOutputs(project: Project, plan: Pick<LanguagePlan, 'lang' | 'data' | 'written' | 'outputKey'>, options: { settled?: boolean } = {}): Promise<void> {
  await stampWritten(plan as LanguagePlan, options.settled === true);
  await writeIfChanged(path.join(stateDir(cacheRoot(project), plan.lang), 'articles.json'), languageStateText(plan.data));
}

/** Write a state file atomically unless it already holds `text`. */
async function writeIfChanged(file: string, text: string): Promise<void> {
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before !== text) await writeFileAtomic(file, text);
}
