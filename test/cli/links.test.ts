import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProject, filesBelow, hansa } from '../helpers/cli.js';

/** A word only the file outside the project holds: found anywhere in the project, it leaked. */
const secret = 'Tajemnicaxyz';

/**
 * A project beside a folder outside it: `project/content/pl/news/a.md` and, outside,
 * `outside/secret.md` and `outside/arts/x.md` (articles too, with the secret word).
 */
async function projectBesideOutside(): Promise<{ dir: string; outside: string }> {
  const base = await emptyProject();
  const dir = path.join(base, 'project');
  const outside = path.join(base, 'outside');
  await mkdir(path.join(dir, 'content/pl/news'), { recursive: true });
  await mkdir(path.join(outside, 'arts'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl/news/a.md'), '# Nowości\n\nAla ma kota. Kot ma Alę.\n');
  await writeFile(path.join(outside, 'secret.md'), `# ${secret}\n\nTo jest ${secret}.\n`);
  await writeFile(path.join(outside, 'arts/x.md'), `# ${secret} w folderze\n`);
  return { dir, outside };
}

/** Every file of the project that mentions the secret word. */
async function leaks(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesBelow(dir)) {
    if ((await readFile(path.join(dir, file), 'utf8').catch(() => '')).includes(secret)) found.push(file);
  }
  return found;
}

const pseudo = ['--provider', 'pseudo', '--to', 'en'];

describe('symbolic links out of the content folder', () => {
  it('a full run warns of a link to a file outside, naming it, and neither reads nor follows it', { timeout: 60_000 }, async () => {
    const { dir, outside } = await projectBesideOutside();
    await symlink('../../../outside/secret.md', path.join(dir, 'content/pl/link.md'));
    const run = await hansa(dir, ['translate', ...pseudo, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`content/pl/link.md: warning: symbolic link to ${path.join(outside, 'secret.md')}, outside the content folder content/pl: skipped`);
    const summary = JSON.parse(run.stdout) as { files: { file: string }[]; findings: { code: string; severity: string; file: string }[] };
    expect(summary.files.map((file) => file.file)).toEqual(['content/pl/news/a.md']);
    expect(summary.findings).toContainEqual(expect.objectContaining({ code: 'link_outside_content', severity: 'warning', file: 'content/pl/link.md' }));
    expect(await leaks(dir)).toEqual([]);
    // extract, build and status list the content too, and say so as well (a warning: exit 0).
    for (const command of [['extract', '--to', 'en'], ['build', '--to', 'en'], ['status', '--to', 'en']]) {
      const other = await hansa(dir, command);
      expect(other.code, `${command.join(' ')}: ${other.stderr}`).toBe(0);
      expect(other.stderr.match(/content\/pl\/link\.md: warning: symbolic link to /g)).toHaveLength(1);
    }
    const status = JSON.parse((await hansa(dir, ['status', '--to', 'en', '--json'])).stdout) as { warnings: { code: string; file: string }[] };
    expect(status.warnings).toEqual([expect.objectContaining({ code: 'link_outside_content', file: 'content/pl/link.md' })]);
  });

  it('translate of a link to a file outside exits 2, reading and writing nothing', { timeout: 60_000 }, async () => {
    const { dir, outside } = await projectBesideOutside();
    await symlink('../../../outside/secret.md', path.join(dir, 'content/pl/link.md'));
    for (const named of ['content/pl/link.md', 'link.md']) {
      const run = await hansa(dir, ['translate', ...pseudo, named]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${named === 'link.md' ? 'content/pl/' : ''}link.md: error: a symbolic link leads to ${path.join(outside, 'secret.md')}, outside the content folder content/pl; nothing was read or written`);
      expect(await filesBelow(dir)).toEqual(['content/pl/news/a.md']);
    }
    const polish = await hansa(dir, ['--ui-lang', 'pl', 'extract', 'content/pl/link.md']);
    expect(polish.code, polish.stderr).toBe(2);
    expect(polish.stderr).toContain('błąd: dowiązanie symboliczne prowadzi do');
    expect(await filesBelow(dir)).toEqual(['content/pl/news/a.md']);
  });

  it('through a linked folder: a full run warns of the folder link, a named file in it exits 2', { timeout: 60_000 }, async () => {
    const { dir, outside } = await projectBesideOutside();
    await symlink('../../../outside/arts', path.join(dir, 'content/pl/arts'));
    const full = await hansa(dir, ['translate', ...pseudo]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toContain(`content/pl/arts: warning: symbolic link to ${path.join(outside, 'arts')}, outside the content folder content/pl: skipped`);
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(['index.json', 'news/a.md']);
    const named = await hansa(dir, ['translate', ...pseudo, 'content/pl/arts/x.md']);
    expect(named.code, named.stderr).toBe(2);
    expect(named.stderr).toContain(`content/pl/arts/x.md: error: a symbolic link leads to ${path.join(outside, 'arts/x.md')}`);
    expect(await leaks(dir)).toEqual([]);
  });
});

describe('symbolic links inside the content folder', () => {
  it('a link to an article inside stands for it: a named run and the next full run write the same outputs', { timeout: 60_000 }, async () => {
    const { dir } = await projectBesideOutside();
    await symlink('news/a.md', path.join(dir, 'content/pl/latest.md'));
    const named = await hansa(dir, ['translate', ...pseudo, 'content/pl/latest.md']);
    expect(named.code, named.stderr).toBe(0);
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(['index.json', 'news/a.md']);
    const article = await readFile(path.join(dir, 'dist/en/news/a.md'), 'utf8');
    // The next full run neither deletes nor duplicates it, and has nothing to warn about.
    const full = await hansa(dir, ['translate', ...pseudo]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).not.toContain('warning');
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(['index.json', 'news/a.md']);
    expect(await readFile(path.join(dir, 'dist/en/news/a.md'), 'utf8')).toBe(article);
    expect(await filesBelow(path.join(dir, 'translations/en'))).toEqual(['news/a.xlf']);
  });

  it('links that loop (a folder linking to its parent, a link to itself) end; a path through the loop is its target', { timeout: 60_000 }, async () => {
    const { dir } = await projectBesideOutside();
    await symlink('..', path.join(dir, 'content/pl/news/up'));
    await symlink('self.md', path.join(dir, 'content/pl/self.md'));
    const full = await hansa(dir, ['translate', ...pseudo]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toContain('content/pl/self.md: warning: symbolic link to self.md, which does not exist: skipped');
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(['index.json', 'news/a.md']);
    const named = await hansa(dir, ['translate', ...pseudo, 'content/pl/news/up/news/up/news/a.md']);
    expect(named.code, named.stderr).toBe(0);
    expect(await filesBelow(path.join(dir, 'dist/en'))).toEqual(['index.json', 'news/a.md']);
    expect(await filesBelow(path.join(dir, 'translations/en'))).toEqual(['news/a.xlf']);
  });
});
