/**
 * Files on disk: listing articles, reading them strictly as UTF-8, and writing
 * atomically (temporary name, then rename), so no reader ever sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/index.js';

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

/** Write `data` to `file` through a temporary file in the same folder and a rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}${temporarySuffix}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Turn a glob (`**`, `*`, `?`, `{a,b}`) into a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        pattern += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else pattern += '[^/]*';
    } else if (c === '?') pattern += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) pattern += '\\{';
      else {
        pattern += `(?:${glob.slice(i + 1, close).split(',').map(escapeRegExp).join('|')})`;
        i = close;
      }
    } else pattern += escapeRegExp(c);
  }
  return new RegExp(`^${pattern}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Files below `root` (relative, `/`-separated, sorted) that match `include` and not `exclude`. */
export async function listFiles(root: string, include: readonly string[], exclude: readonly string[] = []): Promise<string[]> {
  const includes = include.map(globToRegExp);
  const excludes = exclude.map(globToRegExp);
  let entries;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const relative = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (includes.some((re) => re.test(relative)) && !excludes.some((re) => re.test(relative))) files.push(relative);
  }
  return files.sort();
}

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

/** Offset of the first byte that breaks UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return bytes.length;
}
