/**
 * Listing files below a folder by globs, and where symbolic links really lead.
 *
 * 1. Globs are picomatch's, the matcher users know from other tools, over paths relative to
 *    the folder and `/`-separated on every system: `*`, `?`, `**`, `[abc]`, `[!abc]`, `{a,b}`,
 *    extglobs, and `\` escapes the next character (`\*` is a star), never a path separator.
 * 2. Dot files and dot folders are matched only by a glob that names the dot itself
 *    (`.drafts/**`, `**\/.*.md`), as shells and `.gitignore` users expect: `**` does not walk
 *    into `.git/` or a tool's hidden folder.
 * 3. A list of globs is read in order, like a `.gitignore`: `!glob` takes back what the globs
 *    before it matched. A list that starts with `!glob` starts from every file, so an
 *    include of `["!drafts/**"]` is every file but the drafts.
 * 4. Symbolic links are resolved to their real paths. A link to a file inside the folder
 *    stands for that file: it is listed under the target's path (once, however many links
 *    lead to it), so a file has one name and its outputs one place. A link to a folder is
 *    never walked into (a folder inside is walked under its own name anyway), so links
 *    cannot make loops. A link that leads out of the folder, or nowhere, is not followed:
 *    it is reported, for the caller to say so.
 */
import type { Dirent } from 'node:fs';
import { opendir, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/** picomatch's options for every glob of Hansa; see principles 1 and 2 above. */
const globOptions: picomatch.PicomatchOptions = {
  // Paths are `/`-separated everywhere, so a backslash always escapes (also on Windows).
  windows: false,
  // Dot files only when the glob says so.
  dot: false,
  // Brackets as in shells and `.gitignore`: `[!abc]` is any character but these, `[[:digit:]]` a class.
  posix: true,
};

/**
 * A test of `/`-separated relative paths against a list of globs read in order, where
 * `!glob` takes back what came before (a list starting with `!glob` starts from everything).
 */
export function globMatcher(globs: readonly string[]): (file: string) => boolean {
  const steps = globs.map((glob) => {
    // `!(a|b)` is picomatch's own negated extglob, not a negation of the list.
    const negated = glob.startsWith('!') && !glob.startsWith('!(');
    return { negated, test: picomatch(negated ? glob.slice(1) : glob, globOptions) };
  });
  const initial = steps[0]?.negated ?? false;
  return (file) => {
    let matched = initial;
    for (const step of steps) if (matched === step.negated && step.test(file)) matched = !step.negated;
    return matched;
  };
}

/** A symbolic link `scanFiles` did not follow. */
export interface SkippedLink {
  /** The link, relative to the folder, `/`-separated. */
  readonly file: string;
  /** `outside`: it leads out of the folder; `broken`: to nothing (or round in a loop). */
  readonly reason: 'outside' | 'broken';
  /** Where it leads: the real path when outside, what the link says when broken. */
  readonly target: string;
}

/** What `scanFiles` found. */
export interface FileListing {
  /** Files below the folder, relative, `/`-separated, sorted, each once. */
  readonly files: readonly string[];
  /** Links that match the globs (or lead to a folder that holds matching files) but were not followed. */
  readonly skipped: readonly SkippedLink[];
}

/** Where a path below a folder really leads. */
export type RealPath =
  | { readonly kind: 'inside'; readonly file: string; readonly isDirectory: boolean }
  | { readonly kind: 'outside'; readonly target: string; readonly isDirectory: boolean }
  | { readonly kind: 'missing'; readonly target: string };

/**
 * Resolve every symbolic link on the way from `root` to `relative` (`/`-separated, inside
 * `root` as written): where it really is, relative to `root`'s own real path when inside.
 */
export async function realPathBelow(root: string, relative: string): Promise<RealPath> {
  const absolute = path.join(root, ...relative.split('/'));
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(absolute), realpath(root)]);
  } catch {
    return { kind: 'missing', target: await readlink(absolute).catch(() => absolute) };
  }
  const isDirectory = await stat(real).then((info) => info.isDirectory(), () => false);
  const inside = path.relative(realRoot, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    return inside === '' ? { kind: 'inside', file: '', isDirectory } : { kind: 'outside', target: real, isDirectory };
  }
  return { kind: 'inside', file: inside.split(path.sep).join('/'), isDirectory };
}

/**
 * Files below `root` that match `include` and not `exclude`, with the symbolic links that
 * were not followed (see the principles above). A missing `root` has no files.
 */
export async function scanFiles(root: string, include: readonly string[], exclude: readonly string[] = []): Promise<FileListing> {
  const included = globMatcher(include);
  const excluded = exclude.length === 0 ? () => false : globMatcher(exclude);
  const wanted = (file: string): boolean => included(file) && !excluded(file);
  let entries: Dirent[];
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], skipped: [] };
    throw error;
  }
  const files = new Set<string>();
  const links: string[] = [];
  // A listing of thousands of files: the relative path by slicing, not `path.relative` each.
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const relativeOf = (entry: Dirent): string => {
    const parent = entry.parentPath;
    const dir = parent === root || `${parent}${path.sep}` === prefix ? '' : parent.startsWith(prefix) ? parent.slice(prefix.length) : path.relative(root, parent);
    const relative = dir === '' ? entry.name : `${dir}${path.sep}${entry.name}`;
    return path.sep === '/' ? relative : relative.split(path.sep).join('/');
  };
  for (const entry of entries) {
    const relative = relativeOf(entry);
    if (entry.isSymbolicLink()) links.push(relative);
    else if (entry.isFile() && wanted(relative)) files.add(relative);
  }
  const skipped: SkippedLink[] = [];
  for (const link of links) {
    const real = await realPathBelow(root, link);
    if (real.kind === 'inside') {
      if (!real.isDirectory && real.file !== '' && wanted(link)) files.add(real.file);
    } else if (real.kind === 'missing') {
      if (wanted(link)) skipped.push({ file: link, reason: 'broken', target: real.target });
    } else if (real.isDirectory ? await holdsWanted(real.target, link, wanted) : wanted(link)) {
      skipped.push({ file: link, reason: 'outside', target: real.target });
    }
  }
  return { files: [...files].sort(), skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) };
}

/** Files below `root` (relative, `/`-separated, sorted) that match `include` and not `exclude`. */
export async function listFiles(root: string, include: readonly string[], exclude: readonly string[] = []): Promise<string[]> {
  const bases = include.map((glob) => picomatch.scan(glob));
  // Globs below a folder (`glossary/**/*.csv`, `memory/**/*.tmx`) are looked for in that folder
  // only: a project's `translations/` and `dist/` hold thousands of files no such glob wants.
  if (exclude.length > 0 || bases.some((scan) => scan.negated || scan.base === '' || scan.base.includes('..') || /[\\*?[\]{}()!]/.test(scan.base))) return [...(await scanFiles(root, include, exclude)).files];
  const found = new Set<string>();
  for (const scan of bases) {
    if (!scan.isGlob) {
      if (await isFile(path.join(root, scan.base))) found.add(scan.base);
      continue;
    }
    for (const file of (await scanFiles(path.join(root, scan.base), [scan.glob])).files) found.add(`${scan.base}/${file}`);
  }
  return [...found].sort();
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Entries of an outside folder looked at, at most, to decide whether its link matters. */
const outsideLookLimit = 10_000;

/**
 * Whether a folder outside, reached by the link `link`, holds a file the globs would have
 * taken through the link: a linked folder of images is not worth a warning, one of articles
 * is. Only names are read, at most `outsideLookLimit` of them (past that: assume it does).
 */
async function holdsWanted(folder: string, link: string, wanted: (file: string) => boolean): Promise<boolean> {
  let seen = 0;
  try {
    for await (const entry of await opendir(folder, { recursive: true })) {
      if (++seen > outsideLookLimit) return true;
      if (entry.isDirectory()) continue;
      const relative = path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      if (wanted(`${link}/${relative}`)) return true;
    }
  } catch {
    return true; // unreadable: say so rather than guess it holds nothing
  }
  return false;
}
