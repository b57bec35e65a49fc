/**
 * File trees of a project for comparisons: bytes (is this output the same as that one?),
 * identities (was anything rewritten?) and a copy that leaves some folders out.
 */
import { copyFile, mkdir, readdir, readFile, readlink, stat, symlink } from 'node:fs/promises';
import path from 'node:path';

/** `/`-separated path relative to the tree's root → content. */
export type Tree = ReadonlyMap<string, Buffer>;

/** What says whether a file was written again: a rename gives a new inode, any write a new ctime. */
export interface FileIdentity {
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** Every file below the folders `dirs` of `root` (absent folders are empty): folder by folder, in path order within each. */
export async function filesBelow(root: string, dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs) {
    let entries;
    try {
      entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    out.push(...entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')).sort());
  }
  return out;
}

/** The files below `dirs` of `root`, with their bytes. */
export async function readTree(root: string, dirs: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const file of await filesBelow(root, dirs)) out.set(file, await readFile(path.join(root, file)));
  return out;
}

/** The files below `dirs` of `root`, with what changes when one is written. */
export async function statTree(root: string, dirs: readonly string[]): Promise<Map<string, FileIdentity>> {
  const out = new Map<string, FileIdentity>();
  for (const file of await filesBelow(root, dirs)) {
    const info = await stat(path.join(root, file), { bigint: true });
    out.set(file, { ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs });
  }
  return out;
}

/**
 * Copy the tree at `from` to `to` (which must not exist), leaving out the paths (relative to
 * `from`, `/`-separated) in `skip` and everything below them. Copies get fresh times; a
 * symbolic link is copied as a link to the same target.
 */
export async function copyTree(from: string, to: string, skip: readonly string[] = []): Promise<void> {
  const skipped = (relative: string): boolean => skip.some((item) => relative === item || relative.startsWith(`${item}/`));
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(from, absolute).split(path.sep).join('/');
    if (skipped(relative)) continue;
    if (entry.isDirectory()) await mkdir(path.join(to, relative), { recursive: true });
    else if (entry.isSymbolicLink()) {
      await mkdir(path.dirname(path.join(to, relative)), { recursive: true });
      await symlink(await readlink(absolute), path.join(to, relative));
    } else if (entry.isFile()) {
      await mkdir(path.dirname(path.join(to, relative)), { recursive: true });
      await copyFile(absolute, path.join(to, relative));
    }
  }
}

/**
 * How `actual` differs from `expected`: paths only in one of them, and for each file that
 * differs, a short diff of the lines around the change. `undefined` when they are equal.
 */
export function treeDifference(expected: Tree, actual: Tree, labels: { readonly expected: string; readonly actual: string } = { expected: 'expected', actual: 'actual' }, limit = 4): string | undefined {
  const problems: string[] = [];
  // In the order of the trees (folder by folder, as read), files only in `actual` last.
  const paths = [...new Set([...expected.keys(), ...actual.keys()])];
  for (const file of paths) {
    const a = expected.get(file);
    const b = actual.get(file);
    if (a !== undefined && b !== undefined && a.equals(b)) continue;
    if (a === undefined) problems.push(`${file}: only in ${labels.actual}`);
    else if (b === undefined) problems.push(`${file}: only in ${labels.expected}`);
    else problems.push(`${file}: differs\n${shortDiff(a.toString('utf8'), b.toString('utf8'), labels)}`);
  }
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, limit);
  if (problems.length > limit) shown.push(`… and ${problems.length - limit} more`);
  return shown.join('\n');
}

/**
 * A short line diff of two texts: the changed lines (`-` expected, `+` actual) with a line of
 * context around each change, at most `maxLines` of them.
 */
export function shortDiff(expected: string, actual: string, labels: { readonly expected: string; readonly actual: string }, maxLines = 12): string {
  const ops = lineDiff(expected.split('\n'), actual.split('\n'));
  const clip = (line: string): string => (line.length > 200 ? `${line.slice(0, 200)}…` : line);
  const isChange = (index: number): boolean => (ops[index]?.mark ?? ' ') !== ' ';
  const changed = ops.filter((op) => op.mark !== ' ').length;
  const out = [`  (- ${labels.expected}, + ${labels.actual}; ${changed} lines changed)`];
  let shown = 0;
  let printed = 0;
  let previous = -2;
  for (const [index, op] of ops.entries()) {
    // A changed line, or one next to a change (context).
    if (!(isChange(index) || isChange(index - 1) || isChange(index + 1))) continue;
    if (printed >= maxLines) break;
    if (index !== previous + 1) out.push(`  @@ line ${op.line}`);
    out.push(`  ${op.mark} ${clip(op.text)}`);
    previous = index;
    printed += 1;
    if (op.mark !== ' ') shown += 1;
  }
  if (shown < changed) out.push(`  … ${changed - shown} more changed lines`);
  return out.join('\n');
}

interface DiffOp {
  readonly mark: ' ' | '-' | '+';
  readonly text: string;
  /** Line number in the expected text (in the actual one for `+`). */
  readonly line: number;
}

/** A longest-common-subsequence line diff (the texts are small: segment files, articles, feeds). */
function lineDiff(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS of a[i..] and b[j..], in one flat array.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  const cell = (i: number, j: number): number => lengths[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) lengths[i * (m + 1) + j] = a[i] === b[j] ? cell(i + 1, j + 1) + 1 : Math.max(cell(i + 1, j), cell(i, j + 1));
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ mark: ' ', text: a[i] ?? '', line: i + 1 });
      i += 1;
      j += 1;
    } else if (i < n && (j >= m || cell(i + 1, j) >= cell(i, j + 1))) {
      ops.push({ mark: '-', text: a[i] ?? '', line: i + 1 });
      i += 1;
    } else {
      ops.push({ mark: '+', text: b[j] ?? '', line: j + 1 });
      j += 1;
    }
  }
  return ops;
}
