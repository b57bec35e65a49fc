import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, scanFiles } from '../../src/files/index.js';

/** A temporary folder holding `files` (relative, `/`-separated), each with a little text. */
async function folderWith(files: readonly string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'hansa-list-'));
  for (const file of files) {
    const absolute = path.join(root, ...file.split('/'));
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, `# ${file}\n`);
  }
  return root;
}

describe('listFiles: globs as picomatch reads them', () => {
  it('character classes: [abc], ranges and [!…]', async () => {
    const root = await folderWith(['a.md', 'b.md', 'c.md', 'd.md', 'x1.md', 'x9.md']);
    expect(await listFiles(root, ['[ab].md'])).toEqual(['a.md', 'b.md']);
    expect(await listFiles(root, ['x[0-5].md'])).toEqual(['x1.md']);
    expect(await listFiles(root, ['[!abx]*.md'])).toEqual(['c.md', 'd.md']);
  });

  it('a backslash escapes the next character: \\* is a star, \\[ a bracket', async () => {
    const root = await folderWith(['*.md', 'all.md', '[draft] a.md', 'd a.md']);
    expect(await listFiles(root, ['\\*.md'])).toEqual(['*.md']);
    expect(await listFiles(root, ['\\[draft\\]*.md'])).toEqual(['[draft] a.md']);
  });

  it('!glob in exclude takes back what the excludes before it matched', async () => {
    const root = await folderWith(['drafts/a.md', 'drafts/ready.md', 'news/b.md']);
    expect(await listFiles(root, ['**/*.md'], ['drafts/**', '!drafts/ready.md'])).toEqual(['drafts/ready.md', 'news/b.md']);
  });

  it('!glob in include leaves files out; an include of only !globs starts from every file', async () => {
    const root = await folderWith(['drafts/a.md', 'news/b.md', 'news/c.txt']);
    expect(await listFiles(root, ['**/*.md', '!drafts/**'])).toEqual(['news/b.md']);
    expect(await listFiles(root, ['!drafts/**'])).toEqual(['news/b.md', 'news/c.txt']);
  });

  it('dot files and dot folders only when the glob names the dot', async () => {
    const root = await folderWith(['a.md', '.hidden.md', '.git/x.md', 'news/.draft.md', '.drafts/b.md']);
    expect(await listFiles(root, ['**/*.md'])).toEqual(['a.md']);
    expect(await listFiles(root, ['.drafts/**/*.md'])).toEqual(['.drafts/b.md']);
    expect(await listFiles(root, ['**/.*.md'])).toEqual(['.hidden.md', 'news/.draft.md']);
  });

  it('{a,b} alternatives hold globs of their own', async () => {
    const root = await folderWith(['2023/a.md', '2024-01/b.md', '2024-02/c.md', '2025/d.md', 'e.txt', 'f.markdown']);
    expect(await listFiles(root, ['{2023,2024-*}/*.md'])).toEqual(['2023/a.md', '2024-01/b.md', '2024-02/c.md']);
    expect(await listFiles(root, ['*.{txt,mark*}'])).toEqual(['e.txt', 'f.markdown']);
  });

  it('** crosses any number of folders, none included, but not into dot folders; * stays in one', async () => {
    const root = await folderWith(['a.md', 'x/b.md', 'x/y/z/c.md', 'x/.cache/d.md']);
    expect(await listFiles(root, ['**/*.md'])).toEqual(['a.md', 'x/b.md', 'x/y/z/c.md']);
    expect(await listFiles(root, ['x/**'])).toEqual(['x/b.md', 'x/y/z/c.md']);
    expect(await listFiles(root, ['*.md'])).toEqual(['a.md']);
  });
});

describe('scanFiles: symbolic links', () => {
  it('a link to a file inside stands for its target; one out of the folder, or to nothing, is reported, not followed', async () => {
    const base = await folderWith(['root/a.md', 'root/sub/b.md', 'outside/secret.md', 'outside/arts/x.md', 'outside/images/p.png']);
    const root = path.join(base, 'root');
    await symlink('../a.md', path.join(root, 'sub', 'alias.md'));
    await symlink('../outside/secret.md', path.join(root, 'link.md'));
    await symlink('../outside/arts', path.join(root, 'arts'));
    await symlink('../outside/images', path.join(root, 'images'));
    await symlink('nowhere.md', path.join(root, 'broken.md'));
    await symlink('..', path.join(root, 'sub', 'loop'));
    const listing = await scanFiles(root, ['**/*.md']);
    expect(listing.files).toEqual(['a.md', 'sub/b.md']);
    expect(listing.skipped).toEqual([
      { file: 'arts', reason: 'outside', target: path.join(base, 'outside', 'arts') },
      { file: 'broken.md', reason: 'broken', target: 'nowhere.md' },
      { file: 'link.md', reason: 'outside', target: path.join(base, 'outside', 'secret.md') },
    ]);
  });
});
