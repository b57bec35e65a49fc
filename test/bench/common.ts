/** Shared by the bench driver and its child processes. */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** 1 MB in the bench's tables: 2^20 bytes. */
export const MB = 1024 * 1024;

/** The project root: the nearest folder above this file holding package.json. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the project root (package.json)');
    dir = parent;
  }
  return dir;
}

/** The bench project folder (it has content/pl and hansa.config.json). */
export function benchProject(root = projectRoot()): string {
  return path.join(root, '.cache', 'corpus', 'bench');
}

/** Every Markdown file below `dir`, relative, `/`-separated, sorted. */
export async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** What a child process prints as its last stdout line. */
export interface ChildResult {
  readonly mode: string;
  /** The figure the mode reports: best of the runs, or the single run. */
  readonly seconds: number;
  /** Every timed run, in order. */
  readonly runs: readonly number[];
  readonly files: number;
  readonly bytes: number;
  /** Files parsed by the (last) extraction run. */
  readonly parsed?: number;
  /** Files whose extraction failed. */
  readonly failed?: number;
  /** Worker threads used. */
  readonly workers?: number;
  /** CPU time (user + system, all threads) of each timed run, seconds. */
  readonly cpuSeconds: readonly number[];
  /** Peak resident set size of the process, KB. */
  readonly maxRssKB: number;
}
