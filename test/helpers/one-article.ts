/**
 * A project of one article (`content/pl/a.md`) and its Swedish segment file, for tests of
 * what imports do to single segments. Runs the built `hansa`.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { readXliff2, writeXliff2 } from '../../src/formats/xliff2.js';
import { segmentsOf, type SegmentFile, type StoreSegment } from '../../src/formats/types.js';
import { updateSegments } from '../../src/pipeline/store.js';
import { emptyProject, hansa, type CliResult } from './cli.js';

export const segmentFile = 'translations/sv/a.xlf';
export const poFile = 'export/sv/a.po';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** An empty project folder, removed after the test file. */
export async function scratchProject(): Promise<string> {
  const dir = await emptyProject();
  scratch.push(dir);
  return dir;
}

/** The article `# title` and one paragraph of `sentences`, extracted into Swedish, each segment then passed through `change`. */
export async function oneArticleProject(title: string, sentences: readonly string[], change: (segment: StoreSegment) => StoreSegment): Promise<string> {
  const dir = await scratchProject();
  await mkdir(path.join(dir, 'content/pl'), { recursive: true });
  await writeFile(path.join(dir, 'content/pl/a.md'), `# ${title}\n\n${sentences.join(' ')}\n`);
  await run(dir, ['extract', '--to', 'sv']);
  await writeFile(path.join(dir, segmentFile), writeXliff2(updateSegments(await read(dir), change)));
  return dir;
}

/** Run hansa and insist on the exit code, showing what it printed when it differs. */
export async function run(dir: string, args: readonly string[], code = 0): Promise<CliResult> {
  const result = await hansa(dir, args);
  expect(result.code, `hansa ${args.join(' ')}\n${result.stderr}\n${result.stdout}`).toBe(code);
  return result;
}

/** The Swedish segment file as it is now. */
export async function read(dir: string): Promise<SegmentFile> {
  return readXliff2(await readFile(path.join(dir, segmentFile), 'utf8'), segmentFile);
}

/** The segment of `file` whose source is `source`. */
export function segmentWith(file: SegmentFile, source: string): StoreSegment {
  const found = segmentsOf(file).find((segment) => segment.source === source);
  if (found === undefined) throw new Error(`no segment ${source}`);
  return found;
}
