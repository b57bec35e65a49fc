/**
 * File stamps: what the project state remembers of a file, to tell without reading it whether
 * it is still the file a run saw.
 *
 * 1. A stamp is the file's size, modification and change times, inode and the SHA-256 of its
 *    bytes. Stat is only a shortcut: the change time (`ctime`) cannot be set by a program, so an
 *    edit that restores size and mtime (a CAT tool, `touch -r`) still differs from the stamp,
 *    and a save by rename changes the inode. When the stat differs, the bytes are hashed, and
 *    only a different hash means a changed file.
 * 2. Timestamps are coarse (a kernel tick, or whole seconds on some filesystems): a write in the
 *    same tick as the stamp was taken can leave every stat field as it was. A stamp taken within
 *    `racyWindowMs` of the file's own times is "racy" (as git calls it) and is verified by its
 *    hash next time, whatever the stat says.
 * 3. The bytes are read between two stats that agree, so the hash belongs to the stat it is
 *    stored with: a save in between makes the stamp unreadable for this run (`undefined`),
 *    never a stamp that claims the old bytes.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { statSync, type Stats } from 'node:fs';
import { z } from 'zod';

export const fileStampSchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  ctimeMs: z.number(),
  ino: z.number(),
  hash: z.string(),
  racy: z.boolean().optional(),
});

/** What the state remembers of one file. */
export type FileStamp = z.infer<typeof fileStampSchema>;

/**
 * How close to the file's own times a stamp is racy. Linux timestamps move by kernel ticks
 * (up to 10 ms); whole-second filesystems are caught by `isCoarse`.
 */
export const racyWindowMs = 50;

/** The SHA-256 of bytes or text, hex. */
export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sameStat(a: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>, b: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** Times on a filesystem that keeps whole seconds only: any stamp on it is racy for a second. */
function isCoarse(stats: Pick<Stats, 'mtimeMs' | 'ctimeMs'>): boolean {
  return stats.mtimeMs % 1000 === 0 && stats.ctimeMs % 1000 === 0;
}

function racy(stats: Pick<Stats, 'mtimeMs' | 'ctimeMs'>, now: number): boolean {
  const window = isCoarse(stats) ? 2000 : racyWindowMs;
  return Math.max(stats.mtimeMs, stats.ctimeMs) > now - window;
}

function statSyncOrUndefined(file: string): Stats | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats;
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * The stamp of `file` with its bytes, or `undefined` when there is no such file. When the file
 * keeps changing while it is read, the last bytes read come back without a stamp (`stamp`
 * undefined): use them, but do not remember them.
 */
export async function readStamped(file: string): Promise<{ bytes: Buffer; stamp: FileStamp | undefined } | undefined> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const before = await statOrUndefined(file);
    if (before === undefined) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const after = await statOrUndefined(file);
    if (after === undefined || !sameStat(before, after) || after.size !== bytes.length) {
      if (attempt === 2) return { bytes, stamp: undefined };
      continue;
    }
    return { bytes, stamp: stampOf(after, contentHash(bytes)) };
  }
  return undefined;
}

/** A stamp from a stat and the hash of the bytes read under it. */
export function stampOf(stats: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>, hash: string, now = Date.now()): FileStamp {
  const stamp: FileStamp = { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, hash };
  return racy(stats, now) ? { ...stamp, racy: true } : stamp;
}

/**
 * `file` opened for reading when it is still what `stamp` says (by stat on the open file, or,
 * when that does not settle it, by the hash of its bytes), with the stamp to keep; `undefined`
 * when it is not, or cannot be opened. Reading through the handle reads the very bytes checked:
 * a file renamed over it meanwhile is another inode.
 */
export async function openStamped(file: string, stamp: FileStamp): Promise<{ handle: FileHandle; stamp: FileStamp } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (stamp.racy !== true && sameStat(stats, stamp)) return { handle, stamp };
    const bytes = await handle.readFile();
    const after = await handle.stat();
    if (sameStat(stats, after) && contentHash(bytes) === stamp.hash) return { handle, stamp: stampOf(after, stamp.hash) };
  } catch {
    // Unreadable: not the file the stamp speaks of.
  }
  await handle.close().catch(() => undefined);
  return undefined;
}

/** What checking a file against its stamp found. */
export type StampCheck =
  /** Stat matches a stamp that is not racy: the file was not read. */
  | { readonly status: 'same'; readonly stamp: FileStamp }
  /** The file was read; its bytes hash as the stamp says (the stamp may have new stat fields). */
  | { readonly status: 'same-content'; readonly stamp: FileStamp; readonly bytes: Buffer }
  | { readonly status: 'changed'; readonly stamp: FileStamp | undefined; readonly bytes: Buffer }
  | { readonly status: 'missing' }
  /** Something the system will not read as a file (a folder, no permission): whoever reads it next reports it. */
  | { readonly status: 'unreadable'; readonly error: unknown };

/**
 * Whether `file` is still what `stamp` says (`undefined`: the state knows no file there). Reads
 * the file only when the stat does not settle it.
 */
export async function checkStamp(file: string, stamp: FileStamp | undefined): Promise<StampCheck> {
  try {
    return await compareStamp(file, stamp);
  } catch (error) {
    return { status: 'unreadable', error };
  }
}

async function compareStamp(file: string, stamp: FileStamp | undefined): Promise<StampCheck> {
  if (stamp !== undefined && stamp.racy !== true) {
    // A warm run checks tens of thousands of stamps: a synchronous stat of a cached inode takes
    // microseconds, a round trip through the thread pool ten times that.
    const stats = statSyncOrUndefined(file);
    if (stats === undefined) return { status: 'missing' };
    if (sameStat(stats, stamp)) return { status: 'same', stamp };
  }
  const read = await readStamped(file);
  if (read === undefined) return { status: 'missing' };
  if (stamp !== undefined && read.stamp !== undefined && read.stamp.hash === stamp.hash) return { status: 'same-content', stamp: read.stamp, bytes: read.bytes };
  return { status: 'changed', stamp: read.stamp, bytes: read.bytes };
}

/**
 * The stamp of a file a run wrote with bytes hashing to `hash` (`undefined`: the file on disk
 * is no longer those bytes, or changed while read: it is not remembered, so the next run reads it).
 */
export async function stampOfWritten(file: string, hash: string): Promise<FileStamp | undefined> {
  const read = await readStamped(file);
  if (read?.stamp === undefined) return undefined;
  return read.stamp.hash === hash ? read.stamp : undefined;
}

/**
 * The stamp of a file only Hansa writes (a feed, under the project lock), from its stat and the
 * hash of the bytes written, without reading megabytes back; `undefined` when its size is not
 * what was written.
 */
export async function stampOfOwnFile(file: string, hash: string, size: number): Promise<FileStamp | undefined> {
  const stats = await statOrUndefined(file);
  return stats?.size === size ? stampOf(stats, hash) : undefined;
}
