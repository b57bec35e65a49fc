/**
 * The publish stage's bookkeeping over the project state: articles of deleted sources leave
 * `dist/<lang>/`, and the feed is rebuilt from the items it already holds, reading only the
 * articles that changed (DESIGN §7, §8.10).
 *
 * 1. The feed equals one made from scratch from the folder (`buildFeed`): an item for every
 *    Markdown file in `dist/<lang>/` that Hansa wrote, whichever run wrote it.
 * 2. The stored items are the feed file itself, trusted only while it holds the bytes Hansa
 *    wrote (its stamp), and an item only while its article holds the bytes the item was made
 *    from (`_hansa.contentHash` against the article's stamp). Anything else is read again.
 * 3. Nothing is written when nothing changed, and when nothing can have changed (no article
 *    written or removed, the same files, the same feed file) nothing is even read.
 * 4. Pruning touches only what Hansa wrote (frontmatter with `translationOf`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, rmdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { listFiles, temporarySuffix } from '../files/index.js';
import { PublishedItems, writeFeed, type FeedIndexEntry, type PlacedItem } from '../publish/feed-file.js';
import { feedItem, feedOf, isTranslatedArticle } from '../publish/index.js';
import type { LanguageStateData } from '../state/language.js';
import { checkStamp, openStamped, readStamped, type FileStamp } from '../state/stamp.js';
import { keyOf } from '../state/version.js';
import { mapLimited } from './plan.js';
import { cacheRoot, displayPath, type Project } from './project.js';

/**
 * The Markdown files of `dist/<lang>/`, `/`-separated, in listing order, after removing the
 * temporary files a killed run left there (a rename that never happened; the project lock says
 * no other run is writing): one listing of the folder does both.
 */
export async function listArticles(project: Project, lang: string): Promise<string[]> {
  const langDir = path.resolve(project.cwd, project.config.outDir, lang);
  const listed = (await listFiles(langDir, ['**/*.md', `**/*${temporarySuffix}`]).catch(() => [])).map((file) => file.split(path.sep).join('/'));
  const stale = listed.filter((file) => file.endsWith(temporarySuffix));
  await Promise.all(stale.map((file) => rm(path.join(langDir, file), { force: true })));
  return stale.length === 0 ? listed : listed.filter((file) => !file.endsWith(temporarySuffix));
}

/**
 * `dist/<lang>/` once a language's articles are written: leftovers of a killed run go, the
 * articles of sources not in `keep` leave (`keep` undefined: a run of named files, which knows
 * no other source), then the feed is brought up to date and recorded among `plan.written`.
 * Failures are told to `reported`, naming the file.
 */
export async function publishLanguage(
  project: Project,
  lang: string,
  plan: { readonly data: LanguageStateData; readonly key: string; readonly written: { push(item: { kind: 'feed'; file: string; absolute: string; hash: string; size: number }): unknown } },
  run: { readonly keep: ReadonlySet<string> | undefined; readonly published: PublishedItems; readonly verified: ReadonlySet<string>; readonly reported: (file: string, write: () => Promise<unknown>) => Promise<boolean> },
): Promise<void> {
  const outDir = path.resolve(project.cwd, project.config.outDir, lang);
  let listing: string[] = [];
  await run.reported(displayPath(project, outDir), async () => {
    listing = await listArticles(project, lang);
  });
  let removed = 0;
  if (run.keep !== undefined) {
    const keep = run.keep;
    await run.reported(displayPath(project, outDir), async () => {
      removed = (await pruneDeleted(project, lang, plan.data, keep, listing)).length;
      if (removed > 0) listing = await listArticles(project, lang);
    });
  }
  await run.reported(displayPath(project, path.join(outDir, 'index.json')), async () => {
    const feed = await publishFeed(project, lang, plan.data, { published: run.published, removed, listing, verified: run.verified, stateKey: plan.key });
    if (feed !== undefined) plan.written.push({ kind: 'feed', file: '', absolute: feed.absolute, hash: feed.hash, size: feed.size });
  });
}

function isSettled(status: string): boolean {
  return status === 'same' || status === 'same-content';
}

/**
 * Remove the articles of `dist/<lang>/` Hansa wrote for sources that are gone (`keep`: every
 * source of the run, failed ones included). A file the state knows as someone else's is not
 * read. Returns the removed files, relative to the project.
 */
export async function pruneDeleted(project: Project, lang: string, data: LanguageStateData, keep: ReadonlySet<string>, listing: readonly string[]): Promise<string[]> {
  const langDir = path.resolve(project.cwd, project.config.outDir, lang);
  const removed: string[] = [];
  for (const file of listing) {
    if (keep.has(file)) continue;
    const absolute = path.join(langDir, file);
    const foreign = data.foreign[file];
    if (foreign !== undefined && isSettled((await checkStamp(absolute, foreign)).status)) continue;
    const text = await readFile(absolute, 'utf8').catch(() => undefined);
    if (text === undefined || !isTranslatedArticle(text)) continue;
    await rm(absolute, { force: true });
    removed.push(displayPath(project, absolute));
    for (let dir = path.dirname(absolute); dir !== langDir && dir.startsWith(langDir + path.sep); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }
  return removed;
}

/** Where the items of a language's written articles wait for its feed (`publish/feed-file.ts`). */
export function publishedItems(project: Project, lang: string): PublishedItems {
  return new PublishedItems(path.join(cacheRoot(project), 'spool'), lang);
}

/**
 * The old feed file opened for copying items from, with where its items stand: only when the
 * state's stamp says it holds the bytes Hansa wrote, and the state knows its items' places.
 */
async function trustedFeed(absolute: string, data: LanguageStateData, feedKey: string): Promise<{ handle: FileHandle; index: Record<string, FeedIndexEntry> } | undefined> {
  if (data.feedKey !== feedKey || data.feed === undefined || data.feedItems === undefined) return undefined;
  const opened = await openStamped(absolute, data.feed);
  return opened === undefined ? undefined : { handle: opened.handle, index: data.feedItems };
}

/**
 * Bring `dist/<lang>/index.json` up to date from the items it holds and the articles this run
 * wrote (`published`, spooled); `verified`: articles whose stamps the plan found unchanged.
 * Writes it only when its bytes change; updates `data.foreign` and `data.feedItems`, and
 * `data.feedKey`; `data.feed` is the caller's to record from the returned hash.
 */
export async function publishFeed(
  project: Project,
  lang: string,
  data: LanguageStateData,
  run: { readonly published: PublishedItems; readonly removed: number; readonly listing: readonly string[]; readonly verified: ReadonlySet<string>; readonly stateKey: string },
): Promise<{ hash: string; written: boolean; absolute: string; size: number } | undefined> {
  const { config } = project;
  const langDir = path.resolve(project.cwd, config.outDir, lang);
  const absolute = path.join(langDir, 'index.json');
  const feedKey = keyOf([run.stateKey, config.feed]);
  const known = new Set([...Object.entries(data.articles).filter(([, record]) => record.output !== undefined).map(([file]) => file), ...Object.keys(data.foreign)]);
  const sameFiles = run.listing.length === known.size && run.listing.every((file) => known.has(file));
  if (run.published.size === 0 && run.removed === 0 && sameFiles && data.feedKey === feedKey && data.feed !== undefined && data.feedItems !== undefined) {
    const check = await checkStamp(absolute, data.feed);
    if (check.status === 'same') return undefined;
    if (check.status === 'same-content') {
      // The same bytes under a stamp that was racy (or new times): trusted by stat from now on.
      data.feed = check.stamp;
      return undefined;
    }
  }
  const old = await trustedFeed(absolute, data, feedKey);
  try {
    const foreign: Record<string, FileStamp> = {};
    const placed = await mapLimited(run.listing, 32, async (file): Promise<PlacedItem | undefined> => {
      if (run.published.has(file)) return run.published.get(file);
      const path_ = path.join(langDir, file);
      const other = data.foreign[file];
      if (other !== undefined) {
        const check = await checkStamp(path_, other);
        if (check.status === 'same' || check.status === 'same-content') {
          foreign[file] = check.stamp;
          return undefined;
        }
      }
      const output = data.articles[file]?.output?.stamp;
      const stored = old?.index[file];
      if (output !== undefined && stored !== undefined && stored[3] === output.hash && (run.verified.has(file) || isSettled((await checkStamp(path_, output)).status))) {
        return { file, start: stored[0], length: stored[1], date: stored[2] ?? undefined, contentHash: stored[3], from: 'feed' };
      }
      // Anything else is read again, and its item joins the spool.
      const read = await readStamped(path_).catch(() => undefined);
      if (read === undefined) return undefined;
      const made = feedItem(read.bytes.toString('utf8'), file, lang, config.feed.baseUrl);
      if (made === undefined) {
        if (read.stamp !== undefined) foreign[file] = read.stamp;
        return undefined;
      }
      await run.published.add(file, made);
      return run.published.get(file);
    });
    data.foreign = foreign;
    data.feedKey = feedKey;
    const items = placed.filter((item): item is PlacedItem => item !== undefined);
    const current = data.feed !== undefined && old !== undefined ? data.feed.hash : await hashOfFile(absolute);
    const written = await writeFeed(absolute, feedOf([], lang, config.feed), items, { feed: old?.handle, spool: await run.published.handle(), unchanged: current });
    data.feedItems = written.index;
    return { hash: written.hash, written: written.written, absolute, size: written.size };
  } finally {
    await old?.handle.close().catch(() => undefined);
  }
}

/** The SHA-256 of a file's bytes, read a piece at a time; `undefined` when there is none. */
async function hashOfFile(file: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}
