/**
 * Files on disk: listing articles, reading them strictly as UTF-8, and writing
 * atomically (temporary name, then rename), so no reader ever sees half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asIoError, InputError } from '../errors/index.js';

/** Ending of the temporary files `writeFileAtomic` renames into place. */
export const temporarySuffix = '.hansa-tmp';

/**
 * Remove temporary files a killed run left below `dir` (a rename never happened), so they
 * do not pile up next to the outputs. Returns how many were removed.
 */
export async function removeStaleTemporaries(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  const stale = entries.filter((entry) => entry.isFile() && entry.name.endsWith(temporarySuffix));
  await Promise.all(stale.map((entry) => rm(path.join(entry.parentPath, entry.name), { force: true })));
  return stale.length;
}

/**
 * Write `data` to `file` through a temporary file in the same folder and a rename. A refusal
 * of the system (disk full, read-only, a folder in the way) is an `IoError` naming `file`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const written = await writeFileIfUnchanged(file, data, anyVersion);
  if (!written) throw new Error('unreachable: a write over any version is never refused');
}

/**
 * `writeFileAtomic` without leaving the thread: for extraction, where the next file's parse
 * waits for nothing else, and where awaiting each step of each write cost a fifth of the run.
 */
export function writeFileAtomicNow(file: string, data: string | Uint8Array): void {
  const temporary = temporaryNameOf(file);
  try {
    // The folder is made only when it is missing: asking every time cost a system call a file.
    try {
      writeFileSync(temporary, data);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(temporary, data);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The error that matters is the write's.
    }
    throw asIoError(error, file);
  }
}

/** `writeFileIfUnchanged`'s expectation that accepts whatever is on disk. */
export const anyVersion = Symbol('any version');

/**
 * Write `data` to `file` atomically, but only if `file` still holds `expected` (its bytes when
 * it was read; `undefined`: it must not exist). Returns false, writing nothing, when somebody
 * changed it since: the caller re-reads, reconciles and tries again, so a person's save made
 * during a run is never replaced by the run's older view (DESIGN §8.9). The comparison is
 * made after the temporary file is complete, right before the rename and on this thread with
 * it, which keeps the window in which a save can still be lost to the time of one read.
 */
export async function writeFileIfUnchanged(file: string, data: string | Uint8Array, expected: Uint8Array | undefined | typeof anyVersion): Promise<boolean> {
  const temporary = temporaryNameOf(file);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, data);
    if (expected === anyVersion) {
      await rename(temporary, file);
      return true;
    }
    // The check and the rename back to back on this thread: awaited, they were apart by
    // whatever else the run did meanwhile (tens of milliseconds on a busy machine, and a
    // translator's save landing then was lost); now by the time of one read of the file.
    if (!sameBytes(readCurrentNow(file), expected)) {
      await rm(temporary, { force: true });
      return false;
    }
    renameSync(temporary, file);
    return true;
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw asIoError(error, file);
  }
}

/** Where a streamed file's bytes go: buffered, hashed and counted as they are written. */
export interface ByteSink {
  /** Take `bytes`, which must not change afterwards (they may wait in the buffer). */
  write(bytes: Uint8Array): Promise<void>;
  /** Write `bytes` to the file before returning: the caller may then reuse them. */
  writeThrough(bytes: Uint8Array): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
}

/** Bytes a sink gathers before one write to the file. */
const sinkBuffer = 1 << 20;

/**
 * Write `file` atomically from a stream of bytes (`produce` writes them into the sink), for a
 * file too big to hold as one buffer. Renamed into place only when `keep` accepts the SHA-256
 * of the bytes (hex); else the temporary file goes. Returns the hash, the size and whether the
 * file was written. A refusal of the system is an `IoError` naming `file`.
 */
export async function writeStreamAtomic(file: string, produce: (sink: ByteSink) => Promise<void>, keep: (hash: string) => boolean = () => true): Promise<{ hash: string; size: number; written: boolean }> {
  const temporary = temporaryNameOf(file);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(temporary, 'w');
    const hash = createHash('sha256');
    let size = 0;
    try {
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const bytes = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await handle.write(bytes, 0, bytes.length);
      };
      const sink: ByteSink = {
        async write(bytes) {
          hash.update(bytes);
          size += bytes.length;
          pending.push(bytes);
          pendingBytes += bytes.length;
          if (pendingBytes >= sinkBuffer) await flush();
        },
        async writeThrough(bytes) {
          await flush();
          hash.update(bytes);
          size += bytes.length;
          await handle.write(bytes, 0, bytes.length);
        },
        get size() {
          return size;
        },
      };
      await produce(sink);
      await flush();
    } finally {
      await handle.close();
    }
    const digest = hash.digest('hex');
    if (!keep(digest)) {
      await rm(temporary, { force: true });
      return { hash: digest, size, written: false };
    }
    await rename(temporary, file);
    return { hash: digest, size, written: true };
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw asIoError(error, file);
  }
}

const processTag = randomBytes(6).toString('hex');
let temporaryCount = 0;

/**
 * A temporary name beside `file`: its own name plus a random part, or, when that would pass
 * the 255 bytes a file name may have, a short hidden name (a long article name stays writable).
 */
function temporaryNameOf(file: string): string {
  // Unique to this process (a random part drawn once) and to this write (a counter): drawing
  // random bytes for each of thousands of cache entries cost more than writing some of them.
  const random = `${processTag}${(temporaryCount++).toString(36)}`;
  const named = `${path.basename(file)}.${random}${temporarySuffix}`;
  return path.join(path.dirname(file), Buffer.byteLength(named) <= 255 ? named : `.${random}${temporarySuffix}`);
}

/** The bytes of `file` now, `undefined` when there is none. */
function readCurrentNow(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    return absentAsUndefined(error);
  }
}

/** A read's error as `undefined` when the file is not there; any other error is thrown again. */
export function absentAsUndefined(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}

/** The same bytes, or both absent. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export { globMatcher, listFiles, realPathBelow, scanFiles, type FileListing, type RealPath, type SkippedLink } from './list.js';
export { readCacheFile, readCacheFileNow, type CacheCheck, type CacheRead } from './cache.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decode bytes as UTF-8; anything else is an `InputError` naming the line of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line += 1;
    throw new InputError('not_utf8', 'the file is not valid UTF-8', { file, line, data: { offset: at } });
  }
}

/**
 * Offset of the first byte of the first ill-formed sequence, or `bytes.length` when all of
 * `bytes` is well-formed UTF-8 — the same bytes `TextDecoder` with `fatal` refuses.
 *
 * Follows the Unicode table of well-formed byte sequences (Unicode §3.9, Table 3-7): C0, C1
 * and F5..FF never occur; after E0 the second byte is A0..BF (no overlong forms), after ED
 * 80..9F (no surrogates), after F0 90..BF (no overlong forms), after F4 80..8F (nothing past
 * U+10FFFF); every other continuation byte is 80..BF.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}
