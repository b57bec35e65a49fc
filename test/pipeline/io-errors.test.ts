/**
 * Files the system refuses (issue 9, item 5): a folder where a segment file belongs, a
 * read-only `translations/<lang>/`, a full disk under `dist/<lang>/`. Each is reported as
 * `file: error: reason` with exit 2, nothing else is lost, and the other files and
 * languages are still processed. Read-only and full file systems are real: small tmpfs
 * mounts (root only; skipped where the machine allows no mounts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyProject, hansa, sampleProject } from '../helpers/cli.js';
import { writeTmx, type TmxEntry } from '../../src/formats/tmx.js';

const article = 'aktualnosci/2021-11-10-europejski-lider';

/** Whether this process may mount a tmpfs (root in a machine that allows it). */
function canMount(): boolean {
  const probe = path.join(tmpdir(), `hansa-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('rm', ['-rf', probe]);
  }
}

const mounting = canMount();
const mounted: string[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
});

/** Mount a tmpfs of `size` at `dir` holding what `dir` held. */
async function tmpfsAt(dir: string, size: string): Promise<void> {
  const keep = await mkdtemp(path.join(tmpdir(), 'hansa-keep-'));
  await mkdir(dir, { recursive: true });
  await cp(dir, keep, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounted.push(dir);
  await cp(keep, dir, { recursive: true });
  await rm(keep, { recursive: true, force: true });
}

async function touchSources(dir: string): Promise<void> {
  // A new sentence in every article: every segment file must be rewritten.
  for (const entry of await readdir(path.join(dir, 'content/pl'), { recursive: true })) {
    if (!entry.endsWith('.md')) continue;
    const file = path.join(dir, 'content/pl', entry);
    await writeFile(file, `${await readFile(file, 'utf8')}\nDopisane zdanie do artykułu.\n`);
  }
}

describe('files the system refuses', () => {
  it('a folder where a segment file belongs: named, exit 2, the rest translated', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'translations/sv', `${article}.xlf`), { recursive: true });
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'en,sv,de']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`translations/sv/${article}.xlf: error: a folder is where a file should be (EISDIR)`);
    expect(result.stderr).not.toMatch(/unexpected error/);
    // Every other article of sv, and every article of the languages after it, was done.
    expect(existsSync(path.join(dir, 'dist/de', `${article}.md`))).toBe(true);
    expect(existsSync(path.join(dir, 'dist/sv/aktualnosci/2022-03-15-targi-pracy.md'))).toBe(true);
    expect(existsSync(path.join(dir, 'translations/sv/aktualnosci/2022-03-15-targi-pracy.xlf'))).toBe(true);
    // The folder is left as it is.
    expect(await readdir(path.join(dir, 'translations/sv', `${article}.xlf`))).toEqual([]);
  });

  it('a folder where an article of dist/ belongs: named, exit 2, the rest published', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'dist/sv', `${article}.md`, 'x'), { recursive: true });
    const result = await hansa(dir, ['build', '--to', 'sv,de']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`dist/sv/${article}\\.md: error: .*\\((EISDIR|ENOTEMPTY|EEXIST)\\)`));
    expect(existsSync(path.join(dir, 'dist/de', `${article}.md`))).toBe(true);
    expect(existsSync(path.join(dir, 'dist/sv/index.json'))).toBe(true);
  });

  it.skipIf(!mounting)('a read-only translations/<lang>/: every file named, exit 2, nothing there changed, other languages done', async () => {
    const dir = await sampleProject();
    expect((await hansa(dir, ['extract', '--to', 'sv,de'])).code).toBe(0);
    const svDir = path.join(dir, 'translations/sv');
    await tmpfsAt(svDir, '4m');
    const before = await snapshot(svDir);
    execFileSync('mount', ['-o', 'remount,ro', svDir]);
    await touchSources(dir);
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'sv,de']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`translations/sv/${article}.xlf: error: the file system is read-only (EROFS)`);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(await snapshot(svDir)).toEqual(before);
    // German went on: its segment files hold the new sentence.
    expect(await readFile(path.join(dir, 'translations/de', `${article}.xlf`), 'utf8')).toContain('Dopisane zdanie');
  });

  it.skipIf(!mounting)('a full disk under dist/<lang>/: the article named, exit 2, other languages published, nothing half-written', async () => {
    const dir = await sampleProject();
    const svDist = path.join(dir, 'dist/sv');
    await tmpfsAt(svDist, '64k');
    // Fill the file system to the last block.
    await writeFile(path.join(svDist, 'filler.bin'), Buffer.alloc(60 * 1024)).catch(() => undefined);
    for (let n = 0; ; n++) {
      const ok = await writeFile(path.join(svDist, `pad-${n}`), Buffer.alloc(1024)).then(() => true, () => false);
      if (!ok) break;
    }
    const result = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'sv,de']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dist\/sv\/[^:]+\.md: error: no space left on the device \(ENOSPC\)/);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(existsSync(path.join(dir, 'dist/de', `${article}.md`))).toBe(true);
    // The segment files of sv were written (another file system); no temporary file is left anywhere.
    expect(existsSync(path.join(dir, 'translations/sv', `${article}.xlf`))).toBe(true);
    const left = (await readdir(dir, { recursive: true })).filter((name) => name.endsWith('.hansa-tmp'));
    expect(left).toEqual([]);
  });

  it('says the reason in Polish with --ui-lang pl', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, 'translations/sv', `${article}.xlf`), { recursive: true });
    const result = await hansa(dir, ['--ui-lang', 'pl', 'translate', '--provider', 'pseudo', '--to', 'sv']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`translations/sv/${article}.xlf: błąd: w miejscu pliku jest folder (EISDIR)`);
  });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((item) => item.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = await readFile(file, 'utf8');
  }
  return out;
}

describe('nothing lost when a run cannot finish', () => {
  it('a reviewed translation of a deleted paragraph is never dropped before it reaches retired.tmx', async () => {
    const dir = await sampleProject();
    const kept = 'Ett granskat stycke som författaren sedan strök.';
    await writeFile(path.join(dir, 'content/pl/usuniety.md'), 'Pierwszy akapit zostaje.\n\nDrugi akapit zostanie usunięty.\n');
    expect((await hansa(dir, ['extract', '--to', 'sv'])).code).toBe(0);
    const segmentFile = path.join(dir, 'translations/sv/usuniety.xlf');
    const xml = await readFile(segmentFile, 'utf8');
    // A translator reviewed the second paragraph …
    const reviewed = xml.replace(/<segment id="([^"]+)" state="initial">(\s*<source>Drugi akapit zostanie usunięty\.<\/source>)/, `<segment id="$1" state="reviewed">$2<target>${kept}</target>`);
    expect(reviewed).not.toBe(xml);
    await writeFile(segmentFile, reviewed);
    // … then the author deleted it, and retired.tmx cannot be written this time.
    await writeFile(path.join(dir, 'content/pl/usuniety.md'), 'Pierwszy akapit zostaje.\n');
    await mkdir(path.join(dir, 'translations/sv/retired.tmx'));
    const blocked = await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'sv']);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('translations/sv/retired.tmx: error: a folder is where a file should be (EISDIR)');
    // The segment file still holds it: it waits for a run that can keep it.
    expect(await readFile(segmentFile, 'utf8')).toContain(kept);
    await rm(path.join(dir, 'translations/sv/retired.tmx'), { recursive: true });
    expect((await hansa(dir, ['translate', '--provider', 'pseudo', '--to', 'sv'])).code).toBe(0);
    expect(await readFile(segmentFile, 'utf8')).not.toContain(kept);
    expect(await readFile(path.join(dir, 'translations/sv/retired.tmx'), 'utf8')).toContain(kept);
  });

  it('temporary files a killed run left among the segment files are removed by the next run', async () => {
    const dir = await sampleProject();
    expect((await hansa(dir, ['extract', '--to', 'sv'])).code).toBe(0);
    const leftover = path.join(dir, 'translations/sv', `${article}.xlf.0a1b2c3d4e5f.hansa-tmp`);
    await writeFile(leftover, '<?xml version="1.0"?><xliff');
    expect((await hansa(dir, ['extract', '--to', 'sv'])).code).toBe(0);
    expect(existsSync(leftover)).toBe(false);
  });
});

describe('the project lock and the system', () => {
  it('a folder where the lock file belongs: named, exit 2', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, '.hansa/lock'), { recursive: true });
    const result = await hansa(dir, ['build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\.hansa\/lock: error: /m);
    expect(result.stderr).not.toMatch(/unexpected error/);
  });

  it.skipIf(!mounting)('a read-only .hansa/: the lock file named, exit 2', async () => {
    const dir = await sampleProject();
    const cache = path.join(dir, '.hansa');
    await tmpfsAt(cache, '1m');
    execFileSync('mount', ['-o', 'remount,ro', cache]);
    const result = await hansa(dir, ['build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('.hansa/lock: error: the file system is read-only (EROFS)');
  });

  it('an empty lock file dated in the future (a crash, a clock set back) is taken over, not waited on forever', async () => {
    const dir = await sampleProject();
    await mkdir(path.join(dir, '.hansa'), { recursive: true });
    await writeFile(path.join(dir, '.hansa/lock'), '');
    const future = new Date(Date.now() + 3_600_000);
    await utimes(path.join(dir, '.hansa/lock'), future, future);
    const result = await hansa(dir, ['build', '--to', 'sv']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('export refuses an --out that is one of the project\'s own folders', async () => {
    const dir = await sampleProject();
    expect((await hansa(dir, ['extract', '--to', 'sv'])).code).toBe(0);
    const before = await snapshot(path.join(dir, 'translations'));
    for (const out of ['translations', '.', 'content/pl', 'dist/x', '.hansa']) {
      const result = await hansa(dir, ['export', '--format', 'xliff2', '--to', 'sv', '--out', out]);
      expect(result.code, out).toBe(2);
      expect(result.stderr, out).toMatch(/overlaps the project's own folder/);
    }
    expect(await snapshot(path.join(dir, 'translations'))).toEqual(before);
  });
});

describe('a TMX import the system stops halfway', () => {
  it.skipIf(!mounting)('says what was already filled and that importing again fills the rest', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl/sub'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/a.md'), 'Pierwsze zdanie.\n');
    await writeFile(path.join(dir, 'content/pl/sub/b.md'), 'Drugie zdanie.\n');
    await writeFile(path.join(dir, 'hansa.config.json'), JSON.stringify({ targetLanguages: ['sv'] }));
    expect((await hansa(dir, ['extract'])).code).toBe(0);
    const entry = (source: string, target: string): TmxEntry => ({ source, target, sourceLanguage: 'pl', targetLanguage: 'sv' });
    await writeFile(path.join(dir, 'pl-sv.tmx'), writeTmx([entry('Pierwsze zdanie.', 'Första meningen.'), entry('Drugie zdanie.', 'Andra meningen.')]));
    const sub = path.join(dir, 'translations/sv/sub');
    await tmpfsAt(sub, '1m');
    execFileSync('mount', ['-o', 'remount,ro', sub]);
    const result = await hansa(dir, ['import', 'pl-sv.tmx']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('translations/sv/sub/b.xlf: error: the file system is read-only; from pl-sv.tmx, the memory memory/pl-sv.tmx is in place and 1 segments in 1 segment files were already filled');
    expect(result.stderr).not.toContain('nothing was imported');
    expect(await readFile(path.join(dir, 'translations/sv/a.xlf'), 'utf8')).toContain('Första meningen.');
  });
});
