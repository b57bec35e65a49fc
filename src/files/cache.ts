/**
 * Reading cache entries in `.hansa/`: everything there can be rebuilt, so a damaged entry
 * (cut short by a full disk, garbled, written by something else) is a miss to rebuild,
 * never an error that stops a run. Entries are written with `writeFileAtomic`, so Hansa
 * itself never leaves half of one.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** What reading a cache entry found: its value, nothing, or something unusable. */
export type CacheRead<T> =
  | { readonly status: 'hit'; readonly value: T }
  | { readonly status: 'missing' }
  | { readonly status: 'damaged'; readonly reason: string };

/**
 * What checks an entry: a zod schema, or anything with a `safeParse` of the same shape (the
 * extraction workers check theirs without zod, which doubles a worker's heap).
 */
export interface CacheCheck<T> {
  safeParse(value: unknown): { readonly success: true; readonly data: T } | { readonly success: false; readonly error: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] } };
}

/**
 * Read the JSON cache entry `file` and check it with `schema`. A file that is not there is
 * `missing`; one that cannot be read, is not JSON or does not pass the check is `damaged`,
 * with the reason (for a warning that names the file).
 */
export async function readCacheFile<T>(file: string, schema: CacheCheck<T>): Promise<CacheRead<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return unreadable(error);
  }
  return checkedEntry(text, schema);
}

/** `readCacheFile` without leaving the thread: for extraction, which waits for nothing else. */
export function readCacheFileNow<T>(file: string, schema: CacheCheck<T>): CacheRead<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return unreadable(error);
  }
  return checkedEntry(text, schema);
}

function unreadable(error: unknown): CacheRead<never> {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
  return { status: 'damaged', reason: error instanceof Error ? error.message : String(error) };
}

function checkedEntry<T>(text: string, schema: CacheCheck<T>): CacheRead<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { status: 'damaged', reason: error instanceof Error ? error.message : String(error) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { status: 'damaged', reason: issue === undefined ? 'unexpected content' : `${issue.path.map(String).join('.') || 'top level'}: ${issue.message}` };
  }
  return { status: 'hit', value: parsed.data };
}
