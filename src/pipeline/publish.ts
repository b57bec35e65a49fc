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
import path from 'node:path';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { z } from 'zod';
import { listFiles, writeFileAtomic } from '../files/index.js';
import { feedItem, feedOf, feedText, isTranslatedArticle, type FeedItem } from '../publish/index.js';
import type { LanguageStateData } from '../state/language.js';
import { checkStamp, contentHash, readStamped, type FileStamp } from '../state/stamp.js';
import { keyOf } from '../state/version.js';
import { mapLimited } from './plan.js';
import { displayPath, type Project } from './project.js';

/** The Markdown files of `dist/<lang>/`, `/`-separated, in listing order. */
export async function listArticles(project: Project, lang: string): Promise<string[]> {
  const langDir = path.resolve(project.cwd, project.config.outDir, lang);
  return (await listFiles(langDir, ['**/*.md']).catch(() => [])).map((file) => file.split(path.sep).join('/'));
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

const storedFeedSchema = z.object({ items: z.array(z.object({ _hansa: z.object({ path: z.string(), contentHash: z.string() }).loose() }).loose()) }).loose();

/** The items of the feed file when it is the one Hansa wrote (by its stamp), by path below `dist/<lang>/`. */
async function storedItems(absolute: string, stamp: FileStamp | undefined, lang: string): Promise<Map<string, FeedItem>> {
  const items = new Map<string, FeedItem>();
  if (stamp === undefined) return items;
  const check = await checkStamp(absolute, stamp);
  if (!isSettled(check.status)) return items;
  const bytes = 'bytes' in check ? check.bytes : await readFile(absolute).catch(() => undefined);
  if (bytes === undefined || contentHash(bytes) !== stamp.hash) return items;
  const json: unknown = JSON.parse(bytes.toString('utf8'));
  if (!storedFeedSchema.safeParse(json).success) return items;
  const prefix = `${lang}/`;
  // The file is Hansa's own bytes (its hash is the one recorded when it was written): its items
  // are FeedItems, taken as written (zod's copy would order their keys differently).
  for (const item of (json as { items: FeedItem[] }).items) if (item._hansa.path.startsWith(prefix)) items.set(item._hansa.path.slice(prefix.length), item);
  return items;
}

/**
 * The feed with the items of `published` replaced in place, when that is all that changed: the
 * feed file is the one Hansa wrote (its stamp), every published article already has an item
 * there and keeps its place in the order (same date). The text is what `feedText` would make
 * of the whole feed — an item's text is the same wherever it stands — without parsing the
 * feed's other items: a feed holds every article's text, megabytes per language. `undefined`
 * when the feed must be made whole; `text` undefined when nothing changed.
 */
async function splicedFeed(absolute: string, stamp: FileStamp, lang: string, published: ReadonlyMap<string, string>, baseUrl: string | undefined): Promise<{ text: Buffer | undefined; hash: string; size: number } | undefined> {
  const check = await checkStamp(absolute, stamp);
  if (check.status !== 'same') return undefined;
  // Bytes, not text: decoding and encoding megabytes for one item would cost more than the rest.
  const old = await readFile(absolute).catch(() => undefined);
  if (old === undefined) return undefined;
  let bytes = old;
  for (const [file, article] of published) {
    const item = feedItem(article, file, lang, baseUrl);
    if (item === undefined) return undefined;
    // Items are written two levels deep: `    {` opens one, `    }` closes it, and JSON escapes
    // every newline inside strings, so these lines are found nowhere else.
    const start = bytes.indexOf(`\n    {\n      "id": ${JSON.stringify(item.id)},\n`);
    if (start < 0) return undefined;
    const end = bytes.indexOf('\n    }', start + 1);
    if (end < 0) return undefined;
    const before = JSON.parse(bytes.subarray(start + 1, end + 6).toString('utf8')) as Partial<FeedItem>;
    if (before.date_published !== item.date_published) return undefined;
    bytes = Buffer.concat([bytes.subarray(0, start + 1), Buffer.from(itemText(item)), bytes.subarray(end + 6)]);
  }
  if (bytes.equals(old)) return { text: undefined, hash: stamp.hash, size: old.length };
  return { text: bytes, hash: contentHash(bytes), size: bytes.length };
}

/** An item as `JSON.stringify(feed, null, 2)` writes it inside the feed's `items`. */
function itemText(item: FeedItem): string {
  return JSON.stringify(item, null, 2)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/**
 * Rebuild `dist/<lang>/index.json` from the items it holds and the articles this run wrote
 * (`published`: texts by path below `dist/<lang>/`); `verified`: articles whose stamps the plan
 * found unchanged. Writes it only when its text changed; updates `data.foreign`, `data.feed`
 * is the caller's to record from the returned hash.
 */
export async function publishFeed(
  project: Project,
  lang: string,
  data: LanguageStateData,
  run: { readonly published: ReadonlyMap<string, string>; readonly removed: number; readonly listing: readonly string[]; readonly verified: ReadonlySet<string>; readonly stateKey: string },
): Promise<{ hash: string; written: boolean; absolute: string; size: number } | undefined> {
  const { config } = project;
  const langDir = path.resolve(project.cwd, config.outDir, lang);
  const absolute = path.join(langDir, 'index.json');
  const feedKey = keyOf([run.stateKey, config.feed]);
  const known = new Set([...Object.entries(data.articles).filter(([, record]) => record.output !== undefined).map(([file]) => file), ...Object.keys(data.foreign)]);
  const sameFiles = run.listing.length === known.size && run.listing.every((file) => known.has(file));
  if (run.published.size === 0 && run.removed === 0 && sameFiles && data.feedKey === feedKey && data.feed !== undefined) {
    const check = await checkStamp(absolute, data.feed);
    if (check.status === 'same') return undefined;
    if (check.status === 'same-content') {
      // The same bytes under a stamp that was racy (or new times): trusted by stat from now on.
      data.feed = check.stamp;
      return undefined;
    }
  }
  if (data.feedKey === feedKey && run.removed === 0 && sameFiles && data.feed !== undefined) {
    const spliced = await splicedFeed(absolute, data.feed, lang, run.published, config.feed.baseUrl);
    if (spliced !== undefined) {
      if (spliced.text !== undefined) await writeFileAtomic(absolute, spliced.text);
      return { hash: spliced.hash, written: spliced.text !== undefined, absolute, size: spliced.size };
    }
  }
  const stored = data.feedKey === feedKey ? await storedItems(absolute, data.feed, lang) : new Map<string, FeedItem>();
  const foreign: Record<string, FileStamp> = {};
  const found = await mapLimited(run.listing, 32, async (file): Promise<FeedItem | undefined> => {
    const text = run.published.get(file);
    if (text !== undefined) return feedItem(text, file, lang, config.feed.baseUrl);
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
    const item = stored.get(file);
    if (output !== undefined && item !== undefined && item._hansa.contentHash === output.hash && (run.verified.has(file) || isSettled((await checkStamp(path_, output)).status))) return item;
    const read = await readStamped(path_).catch(() => undefined);
    if (read === undefined) return undefined;
    const made = feedItem(read.bytes.toString('utf8'), file, lang, config.feed.baseUrl);
    if (made === undefined && read.stamp !== undefined) foreign[file] = read.stamp;
    return made;
  });
  data.foreign = foreign;
  data.feedKey = feedKey;
  const text = feedText(feedOf(found.filter((item): item is FeedItem => item !== undefined), lang, config.feed));
  const hash = contentHash(text);
  const current = await readFile(absolute).catch(() => undefined);
  const written = current === undefined || contentHash(current) !== hash;
  if (written) await writeFileAtomic(absolute, text);
  return { hash, written, absolute, size: Buffer.byteLength(text) };
}
