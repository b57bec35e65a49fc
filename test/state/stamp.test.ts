import { mkdtemp, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkStamp, contentHash, readStamped, stampOf, stampOfWritten, type FileStamp } from '../../src/state/stamp.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hansa-stamp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stamp taken long enough after the write not to be racy. */
async function settledStamp(file: string): Promise<FileStamp> {
  const read = await readStamped(file);
  if (read?.stamp === undefined) throw new Error('no stamp');
  return stampOf(await stat(file), read.stamp.hash, Date.now() + 10_000);
}

describe('file stamps', () => {
  it('trusts an unchanged file by its stat alone', async () => {
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'Ala ma kota.');
    const check = await checkStamp(file, await settledStamp(file));
    expect(check.status).toBe('same');
  });

  it('sees an edit that keeps the size and the modification time', async () => {
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'Ala ma kota.');
    // A round time, so setting it back is exact.
    await utimes(file, 1_700_000_000, 1_700_000_000);
    const before = await stat(file);
    const stamp = await settledStamp(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(file, 'Ola ma psa..');
    await utimes(file, 1_700_000_000, 1_700_000_000);
    const after = await stat(file);
    expect(after.size).toBe(before.size);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    const check = await checkStamp(file, stamp);
    expect(check.status).toBe('changed');
  });

  it('takes a file saved again with the same bytes (a new inode) as the same content', async () => {
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'Ala ma kota.');
    const stamp = await settledStamp(file);
    await writeFile(`${file}.tmp`, 'Ala ma kota.');
    await rename(`${file}.tmp`, file);
    const check = await checkStamp(file, stamp);
    expect(check.status).toBe('same-content');
  });

  it('verifies a racy stamp by its hash even when the stat matches', async () => {
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'Ala ma kota.');
    const read = await readStamped(file);
    expect(read?.stamp?.racy).toBe(true);
    // Same stat fields, other bytes: only the hash can tell (a write within one clock tick).
    const forged: FileStamp = { ...(read?.stamp as FileStamp), hash: contentHash('something else') };
    expect((await checkStamp(file, forged)).status).toBe('changed');
  });

  it('reports a file that is gone, and a file where the state knew none', async () => {
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'x');
    const stamp = await settledStamp(file);
    await rm(file);
    expect((await checkStamp(file, stamp)).status).toBe('missing');
    await writeFile(file, 'x');
    expect((await checkStamp(file, undefined)).status).toBe('changed');
  });

  it('remembers a written file only while it holds the bytes written', async () => {
    const file = path.join(dir, 'a.xlf');
    await writeFile(file, 'ours');
    expect((await stampOfWritten(file, contentHash('ours')))?.hash).toBe(contentHash('ours'));
    await writeFile(file, 'theirs');
    expect(await stampOfWritten(file, contentHash('ours'))).toBeUndefined();
  });
});
