/**
 * The project state of one target language: `.hansa/state/<lang>/articles.json`, what the last
 * run saw of every (article, language) pair, so the next one reads, reconciles and writes only
 * the pairs whose inputs changed (DESIGN §8.10).
 *
 * 1. An entry is a claim: "the segment file and the `dist/` article are what these inputs
 *    make". Its inputs are the source's hash, a key of everything else the segment file
 *    depends on (config keys, glossary and tag resources of the language, Hansa's version), and
 *    the stamps of the files (see `stamp.ts`). A run trusts the claim only when every input is
 *    unchanged and each stamp still matches the file on disk.
 * 2. The state can always be thrown away. A missing, damaged, foreign (another version or
 *    config key) state file is an empty state: every pair is due, and the run writes the same
 *    bytes as any other run (its files are only rewritten where their content differs).
 * 3. It is written atomically, under the project lock, once per language after that language's
 *    files are written: a run stopped earlier leaves the old state, whose stamps then disagree
 *    with the files written since, so the next run looks at them again.
 */
import path from 'node:path';
import { z } from 'zod';
import { readCacheFile, writeFileAtomic } from '../files/index.js';
import { fileStampSchema, type FileStamp } from './stamp.js';

/** Bump when the shape or the meaning of an entry changes. */
const stateVersion = 2;

const countsSchema = z.object({
  segments: z.number(),
  words: z.number(),
  new: z.number(),
  translated: z.number(),
  reviewed: z.number(),
  final: z.number(),
  newWords: z.number(),
  translatedWords: z.number(),
  reviewedWords: z.number(),
  finalWords: z.number(),
});

/** Per-state counts of one segment file, as `hansa status` shows them. */
export type SegmentCounts = z.infer<typeof countsSchema>;

const articleSchema = z.object({
  /** SHA-256 of the source bytes the segment file was made from. */
  source: z.string(),
  /** Key of every other input of the segment file (see `pipeline/plan.ts`). */
  inputs: z.string(),
  /** The segment file as the run left it; absent when there is none. */
  segments: fileStampSchema.optional(),
  /** Segments without a translation: what the memory may fill later. */
  open: z.number(),
  counts: countsSchema,
  /** The `dist/` article: the key of its inputs, its stamp and the status it was published with. */
  output: z.object({ inputs: z.string(), stamp: fileStampSchema, status: z.enum(['complete', 'partial', 'machine', 'reviewed']).optional() }).optional(),
});

/** What the state knows of one (article, language) pair. */
export type ArticleState = z.infer<typeof articleSchema>;

export const languageStateSchema = z.object({
  version: z.literal(stateVersion),
  /** Hansa's version and the config keys the whole language depends on. */
  key: z.string(),
  /** By path below the content folder (`aktualnosci/a.md`). */
  articles: z.record(z.string(), articleSchema),
  /** Segment files below `translations/<lang>/` of no current document: memory only. */
  orphans: z.record(z.string(), fileStampSchema),
  /** Memory files (TMX, `retired.tmx`) by project path. */
  memoryFiles: z.record(z.string(), fileStampSchema),
  /** The glossary files by project path, and the version of the glossary for this language. */
  glossary: z.object({ files: z.record(z.string(), fileStampSchema), version: z.string() }).optional(),
  /** `dist/<lang>/index.json` as last written, and the key of the feed options it was made with. */
  feed: fileStampSchema.optional(),
  feedKey: z.string().optional(),
  /**
   * Where each item stands in that feed file, by path below `dist/<lang>/`: `[start, length,
   * date_published or null, contentHash]` (byte offsets). Trusted only with the file's stamp.
   */
  feedItems: z.record(z.string(), z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.string().nullable(), z.string()])).optional(),
  /** Markdown files in `dist/<lang>/` that no article of the state wrote (the feed has read them). */
  foreign: z.record(z.string(), fileStampSchema),
  /**
   * The generation of `memory.json` written with this state (a random id): a memory of another
   * generation (a run stopped between the two writes) is not trusted, and every pair is due.
   */
  memory: z.string().optional(),
});

export type LanguageStateData = z.infer<typeof languageStateSchema>;

/** Where the state of `lang` lives. */
export function stateDir(cacheRoot: string, lang: string): string {
  return path.join(cacheRoot, 'state', lang);
}

/** An empty state: every pair is due. */
export function emptyState(key: string): LanguageStateData {
  return { version: stateVersion, key, articles: {}, orphans: {}, memoryFiles: {}, foreign: {} };
}

/**
 * The state of `lang`, or an empty one when there is none, it belongs to another key, or it is
 * damaged (then `onDamaged` is told why, for a warning: the run rebuilds it).
 */
export async function readLanguageState(cacheRoot: string, lang: string, key: string, onDamaged?: (file: string, reason: string) => void): Promise<LanguageStateData> {
  const file = path.join(stateDir(cacheRoot, lang), 'articles.json');
  const read = await readCacheFile(file, languageStateSchema);
  if (read.status === 'damaged') onDamaged?.(file, read.reason);
  if (read.status !== 'hit' || read.value.key !== key) return emptyState(key);
  return read.value;
}

/**
 * The text of a state: its keys in the schema's order (the order a state read back has), so the
 * same state always gives the same bytes and an unchanged one is not written again. Ordered by
 * hand rather than by the schema's parse: a state holds thousands of entries, written per run.
 */
export function languageStateText(state: LanguageStateData): string {
  const ordered: LanguageStateData = {
    version: state.version,
    key: state.key,
    articles: mapValues(state.articles, orderedArticle),
    orphans: mapValues(state.orphans, orderedStamp),
    memoryFiles: mapValues(state.memoryFiles, orderedStamp),
    ...(state.glossary === undefined ? {} : { glossary: { files: mapValues(state.glossary.files, orderedStamp), version: state.glossary.version } }),
    ...(state.feed === undefined ? {} : { feed: orderedStamp(state.feed) }),
    ...(state.feedKey === undefined ? {} : { feedKey: state.feedKey }),
    ...(state.feedItems === undefined ? {} : { feedItems: state.feedItems }),
    foreign: mapValues(state.foreign, orderedStamp),
    ...(state.memory === undefined ? {} : { memory: state.memory }),
  };
  return `${JSON.stringify(ordered)}\n`;
}

function mapValues<T, R>(record: Readonly<Record<string, T>>, map: (value: T) => R): Record<string, R> {
  const result: Record<string, R> = {};
  for (const key of Object.keys(record)) result[key] = map(record[key] as T);
  return result;
}

function orderedStamp(stamp: FileStamp): FileStamp {
  return { size: stamp.size, mtimeMs: stamp.mtimeMs, ctimeMs: stamp.ctimeMs, ino: stamp.ino, hash: stamp.hash, ...(stamp.racy === undefined ? {} : { racy: stamp.racy }) };
}

function orderedArticle(article: ArticleState): ArticleState {
  const { counts, output } = article;
  return {
    source: article.source,
    inputs: article.inputs,
    ...(article.segments === undefined ? {} : { segments: orderedStamp(article.segments) }),
    open: article.open,
    counts: {
      segments: counts.segments,
      words: counts.words,
      new: counts.new,
      translated: counts.translated,
      reviewed: counts.reviewed,
      final: counts.final,
      newWords: counts.newWords,
      translatedWords: counts.translatedWords,
      reviewedWords: counts.reviewedWords,
      finalWords: counts.finalWords,
    },
    ...(output === undefined ? {} : { output: { inputs: output.inputs, stamp: orderedStamp(output.stamp), ...(output.status === undefined ? {} : { status: output.status }) } }),
  };
}

/** Write the state of `lang` atomically. Call it under the project lock. */
export async function writeLanguageState(cacheRoot: string, lang: string, state: LanguageStateData): Promise<void> {
  await writeFileAtomic(path.join(stateDir(cacheRoot, lang), 'articles.json'), `${JSON.stringify(state)}\n`);
}
