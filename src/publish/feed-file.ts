/**
 * The feed file (`dist/<lang>/index.json`) written as a stream, so that neither its time nor
 * the run's memory grows with the whole feed when one article changed. A feed holds every
 * article's text: megabytes per language, tens of megabytes in a labour office's archive.
 *
 * 1. The bytes are exactly `feedText(feedOf(items))`: the head, the items newest first and
 *    then by path, the closing lines. An item's text is the same wherever it stands
 *    (`itemText`), so the file is put together from item texts without parsing any of them.
 * 2. An item's text is copied from where it already is: the feed file as last written (byte
 *    ranges the caller trusts — the state records them with the file's stamp) or the spool,
 *    where the items of the articles a run wrote go as they are written (`PublishedItems`).
 *    Memory holds the items' places, never their texts.
 * 3. The file is written to a temporary name and renamed, and only when its bytes change (its
 *    hash is taken as it is written); the temporary file goes when anything fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { writeStreamAtomic, type ByteSink } from '../files/index.js';
import type { Feed, FeedItem } from './index.js';

/** Where an item's text is: a byte range of the old feed file or of the spool. */
export interface PlacedItem {
  /** Path below `dist/<lang>/`. */
  readonly file: string;
  /** `date_published`, which orders the feed. */
  readonly date: string | undefined;
  /** The item's `_hansa.contentHash`: the SHA-256 of the article it was made from. */
  readonly contentHash: string;
  readonly from: 'feed' | 'spool';
  readonly start: number;
  readonly length: number;
}

/** What the state keeps of a written feed's item: `[start, length, date or null, contentHash]`. */
export type FeedIndexEntry = [number, number, string | null, string];

/** An item as `JSON.stringify(feed, null, 2)` writes it inside the feed's `items`. */
export function itemText(item: FeedItem): string {
  return JSON.stringify(item, null, 2)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The feed's order (`feedOf`): newest first, then by path. */
function compareItems(lang: string): (a: PlacedItem, b: PlacedItem) => number {
  // `feedOf` compares `_hansa.path`, which is `<lang>/<file>`: the same prefix for all.
  return (a, b) => (b.date ?? '').localeCompare(a.date ?? '') || `${lang}/${a.file}`.localeCompare(`${lang}/${b.file}`);
}

/**
 * The items of the articles a run wrote, spooled to a file in `dir` as they come (the texts
 * are not kept in memory); a run keeps one per language and removes it at the end.
 */
export class PublishedItems {
  readonly #dir: string;
  readonly #prefix: string;
  readonly #items = new Map<string, PlacedItem | undefined>();
  #handle: Promise<FileHandle> | undefined;
  #file: string | undefined;
  #size = 0;

  constructor(dir: string, lang: string) {
    this.#dir = dir;
    this.#prefix = `feed-${lang}-`;
  }

  /** Articles recorded, Hansa's or not. */
  get size(): number {
    return this.#items.size;
  }

  has(file: string): boolean {
    return this.#items.has(file);
  }

  /** The placed item of a recorded article; `undefined` for a file that makes no item. */
  get(file: string): PlacedItem | undefined {
    return this.#items.get(file);
  }

  /** Record the article written at `file` (below `dist/<lang>/`): its item, or none. */
  async add(file: string, item: FeedItem | undefined): Promise<void> {
    if (item === undefined) {
      this.#items.set(file, undefined);
      return;
    }
    const bytes = Buffer.from(itemText(item));
    const handle = await this.#open();
    const start = this.#size;
    this.#size += bytes.length;
    await handle.write(bytes, 0, bytes.length, start);
    this.#items.set(file, { file, date: item.date_published, contentHash: item._hansa.contentHash, from: 'spool', start, length: bytes.length });
  }

  /** The spool file to read items from, when any was written. */
  async handle(): Promise<FileHandle | undefined> {
    return this.#handle === undefined ? undefined : await this.#handle;
  }

  /** Close and remove the spool. */
  async dispose(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await (await handle).close().catch(() => undefined);
    if (this.#file !== undefined) await rm(this.#file, { force: true });
  }

  #open(): Promise<FileHandle> {
    if (this.#handle === undefined) {
      this.#file = path.join(this.#dir, `${this.#prefix}${randomBytes(6).toString('hex')}`);
      const file = this.#file;
      this.#handle = (async () => {
        await mkdir(this.#dir, { recursive: true });
        // A spool of the same language left by a killed run: the project lock says nobody uses it.
        const stale = (await readdir(this.#dir).catch(() => [] as string[])).filter((name) => name.startsWith(this.#prefix));
        await Promise.all(stale.map((name) => rm(path.join(this.#dir, name), { force: true })));
        return open(file, 'w+');
      })();
    }
    return this.#handle;
  }
}

/** The feed's text before its items, `"items": ` included (the items of `head` do not count). */
function headText(head: Omit<Feed, 'items'>): string {
  const whole = JSON.stringify({ ...head, items: [] }, null, 2);
  return whole.slice(0, whole.length - '[]\n}'.length);
}

/** What writing a feed found. */
export interface WrittenFeed {
  readonly hash: string;
  readonly size: number;
  /** False when the file already held these bytes (nothing was written). */
  readonly written: boolean;
  /** Where each item stands in the file, for the state. */
  readonly index: Record<string, FeedIndexEntry>;
}

/**
 * Write the feed of `items` (in any order) to `target`: their texts copied from the old feed
 * (`sources.feed`, the file as it was when the ranges were recorded) or the spool. Nothing is
 * written when the result hashes to `unchanged`.
 */
export async function writeFeed(
  target: string,
  head: Omit<Feed, 'items'>,
  items: readonly PlacedItem[],
  sources: { readonly feed?: FileHandle | undefined; readonly spool?: FileHandle | undefined; readonly unchanged?: string | undefined },
): Promise<WrittenFeed> {
  const sorted = [...items].sort(compareItems(head.language));
  const index: Record<string, FeedIndexEntry> = {};
  const buffer = Buffer.allocUnsafe(chunkBytes);
  const result = await writeStreamAtomic(
    target,
    async (sink) => {
      await sink.write(Buffer.from(headText(head)));
      if (sorted.length === 0) await sink.write(Buffer.from('[]\n}\n'));
      else {
        await sink.write(Buffer.from('[\n'));
        for (const run of runsOf(sorted)) {
          if (run.first > 0) await sink.write(separator);
          const from = run.from === 'feed' ? sources.feed : sources.spool;
          if (from === undefined) throw new Error(`feed: no ${run.from} to copy ${sorted[run.first]?.file ?? ''} from`);
          const offset = sink.size - run.start;
          for (let at = run.first; at < run.end; at++) {
            const item = sorted[at] as PlacedItem;
            index[item.file] = [offset + item.start, item.length, item.date ?? null, item.contentHash];
          }
          await copyRange(from, run.start, run.length, sink, buffer);
        }
        await sink.write(Buffer.from('\n  ]\n}\n'));
      }
    },
    (hash) => hash !== sources.unchanged,
  );
  return { ...result, index };
}

const separator = Buffer.from(',\n');

/** Items `first` to `end` (excluded) of the sorted list, whose texts and separators stand as one range of one source. */
interface CopyRun {
  readonly first: number;
  readonly end: number;
  readonly from: PlacedItem['from'];
  readonly start: number;
  readonly length: number;
}

/**
 * The sorted items as ranges to copy: items that follow each other in the old feed (or the
 * spool) with only the separator between them are one range, so an unchanged stretch of the
 * feed is copied in big reads rather than an item at a time.
 */
function runsOf(sorted: readonly PlacedItem[]): CopyRun[] {
  const runs: CopyRun[] = [];
  for (let at = 0; at < sorted.length; ) {
    const first = sorted[at] as PlacedItem;
    let end = at + 1;
    let last = first;
    for (let next = sorted[end]; next !== undefined && next.from === first.from && next.start === last.start + last.length + separator.length; next = sorted[end]) {
      last = next;
      end += 1;
    }
    runs.push({ first: at, end, from: first.from, start: first.start, length: last.start + last.length - first.start });
    at = end;
  }
  return runs;
}

/** Ranges shorter than this are read whole and buffered; longer ones go through the reused buffer. */
const smallRange = 64 * 1024;

/** Bytes read from a source at a time. */
const chunkBytes = 1 << 20;

/**
 * Copy a range through one reused buffer: megabytes of fresh buffers per language would count
 * as external memory and bring on full collections.
 */
async function copyRange(from: FileHandle, start: number, length: number, sink: ByteSink, buffer: Buffer): Promise<void> {
  if (length < smallRange) {
    // An item or two (a spooled article): buffered with its neighbours, one write for many.
    const small = Buffer.allocUnsafe(length);
    const { bytesRead } = await from.read(small, 0, length, start);
    if (bytesRead < length) throw new Error(`feed: an item's bytes end early (at ${start + bytesRead} of ${start + length})`);
    await sink.write(small);
    return;
  }
  let done = 0;
  while (done < length) {
    const size = Math.min(buffer.length, length - done);
    const { bytesRead } = await from.read(buffer, 0, size, start + done);
    if (bytesRead === 0) throw new Error(`feed: an item's bytes end early (at ${start + done} of ${start + length})`);
    await sink.writeThrough(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
}
