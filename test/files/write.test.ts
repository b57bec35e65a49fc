/**
 * `writeFileIfUnchanged`: the compare-and-swap every writer of segment files goes through.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileIfUnchanged } from '../../src/files/index.js';

async function folder(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'hansa-write-'));
}

describe('writeFileIfUnchanged', () => {
  it('writes over the version it was given', async () => {
    const dir = await folder();
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'old');
    expect(await writeFileIfUnchanged(file, 'new', Buffer.from('old'))).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('new');
  });

  it('writes nothing over a version saved since, and leaves no temporary file', async () => {
    const dir = await folder();
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'saved by a translator');
    expect(await writeFileIfUnchanged(file, 'machine', Buffer.from('old'))).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('saved by a translator');
    expect(await readdir(dir)).toEqual(['a.xlf']);
  });

  it('creates a file only while there is none', async () => {
    const dir = await folder();
    const file = path.join(dir, 'sub', 'a.xlf');
    expect(await writeFileIfUnchanged(file, 'first', undefined)).toBe(true);
    expect(await writeFileIfUnchanged(file, 'second', undefined)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('first');
  });

  it('names the file when the system refuses the write', async () => {
    const dir = await folder();
    await writeFile(path.join(dir, 'blocker'), '');
    await expect(writeFileIfUnchanged(path.join(dir, 'blocker', 'a.xlf'), 'x', undefined)).rejects.toMatchObject({ code: 'io_error', file: path.join(dir, 'blocker', 'a.xlf'), data: { errno: 'ENOTDIR' } });
    expect(await readdir(dir)).toEqual(['blocker']);
  });

  it('writes a file whose name is as long as a file name may be', async () => {
    const dir = await folder();
    const file = path.join(dir, `${'ą'.repeat(125)}.md`);
    expect(Buffer.byteLength(path.basename(file))).toBe(253);
    expect(await writeFileIfUnchanged(file, 'tekst', undefined)).toBe(true);
    expect(await readdir(dir)).toEqual([path.basename(file)]);
  });
});
