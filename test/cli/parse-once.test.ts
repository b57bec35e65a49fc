import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../src/cli/main.js';
import { emptyProject } from '../helpers/cli.js';

// The CLI runs here, in this process, from build/ (main.ts finds package.json from there),
// so that a counter can stand in front of the parser; `npm run build` first, as for every CLI test.
type ExtractDocument = (source: string, options?: { readonly file?: string }) => unknown;

/** Every call of `extractDocument`, by the file it was given. */
const parsed = vi.hoisted(() => new Map<string, number>());

vi.mock('../../build/src/markdown/index.js', async (importOriginal) => {
  const actual = await importOriginal<{ extractDocument: ExtractDocument }>();
  return {
    ...actual,
    extractDocument: (source: string, options?: { readonly file?: string }) => {
      const file = options?.file ?? '';
      parsed.set(file, (parsed.get(file) ?? 0) + 1);
      return actual.extractDocument(source, options);
    },
  };
});

const built = '../../build/src/cli/main.js';
const { main } = (await import(built)) as { main: (argv: readonly string[], io: CliIo) => Promise<number> };

/** Run the CLI in this process; exit code and what it printed. */
async function run(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(args, { stdout, stderr: stderr as unknown as NodeJS.WriteStream, stdin: new PassThrough(), env: { LANG: 'C.UTF-8' }, cwd });
  return { code, stdout: out, stderr: err };
}

describe('hansa extract', () => {
  it('parses (and reports) a failing file once, not once per pass', async () => {
    const dir = await emptyProject();
    await mkdir(path.join(dir, 'content/pl'), { recursive: true });
    await writeFile(path.join(dir, 'content/pl/ok.md'), 'Ala ma kota.\n');
    await writeFile(path.join(dir, 'content/pl/bad.md'), `Wstęp.\n\n${'- '.repeat(1000)}x\n`);
    parsed.clear();
    const result = await run(dir, ['extract', '--json', '--workers', '1']);
    expect(result.code, result.stderr).toBe(2);
    expect(Object.fromEntries(parsed)).toEqual({ 'content/pl/bad.md': 1, 'content/pl/ok.md': 1 });
    expect(result.stderr.split('\n').filter((line) => line.startsWith('content/pl/bad.md'))).toEqual([
      'content/pl/bad.md:3: error: nested 1000 levels deep (block quotes, lists, footnotes, brackets or emphasis inside one another), over the limit of 32 (limits.maxNesting); the file was skipped',
    ]);
    const report = JSON.parse(result.stdout) as { files: { file: string; ok: boolean }[]; errors: unknown[] };
    expect(report.files.map((file) => [file.file, file.ok])).toEqual([
      ['content/pl/bad.md', false],
      ['content/pl/ok.md', true],
    ]);
  });
});
