import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { journalKey, journalRecord, ProviderJournal, type JournalRecord } from '../../src/memory/journal.js';
import { crashRecord } from './journal-crash-child.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'hansa-journal-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let fileCount = 0;
function freshFile(): string {
  fileCount += 1;
  return path.join(directory, `journal-${fileCount}`, 'answers.jsonl');
}

function record(index: number, target = `Satz ${index}`): JournalRecord {
  return journalRecord(
    { provider: 'deepl', sourceLanguage: 'pl', targetLanguage: 'de', source: `Zdanie ${index}.` },
    { target, origin: 'deepl' },
  );
}

/** Keys of the file's lines, in order, read without the journal. */
async function rawKeys(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { r: { key: string } }).r.key);
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

async function openError(file: string): Promise<unknown> {
  try {
    const journal = await ProviderJournal.open(file);
    await journal.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('journalKey', () => {
  const request = { provider: 'deepl', sourceLanguage: 'pl', targetLanguage: 'de', source: 'Ala ma kota.' };

  it('is sha256 hex and ignores property order', () => {
    const key = journalKey(request);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(journalKey({ source: 'Ala ma kota.', targetLanguage: 'de', sourceLanguage: 'pl', provider: 'deepl' })).toBe(
      key,
    );
  });

  it('changes with every deciding field, and absent differs from empty', () => {
    const keys = [
      journalKey(request),
      journalKey({ ...request, provider: 'google' }),
      journalKey({ ...request, model: '' }),
      journalKey({ ...request, model: 'next-gen' }),
      journalKey({ ...request, sourceLanguage: 'en' }),
      journalKey({ ...request, targetLanguage: 'sv' }),
      journalKey({ ...request, source: 'Ala ma psa.' }),
      journalKey({ ...request, glossaryVersion: '' }),
      journalKey({ ...request, glossaryVersion: 'g1' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is injective over the fields (no separator ambiguity)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (a, b, c, d) => {
        fc.pre(a !== c || b !== d);
        const one = journalKey({ provider: 'p', sourceLanguage: a, targetLanguage: b, source: 's' });
        const two = journalKey({ provider: 'p', sourceLanguage: c, targetLanguage: d, source: 's' });
        expect(one).not.toBe(two);
      }),
    );
  });
});

describe('ProviderJournal', () => {
  it('has no place for credentials in a record', () => {
    expectTypeOf<JournalRecord>().toEqualTypeOf<{
      key: string;
      provider: string;
      model?: string | undefined;
      sourceLanguage: string;
      targetLanguage: string;
      source: string;
      target: string;
      origin: string;
      glossaryVersion?: string | undefined;
      at?: string | undefined;
    }>();
  });

  it('round-trips appended records through a reopen', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    expect(journal.size).toBe(0);
    const withAll = journalRecord(
      { provider: 'openai', model: 'gpt', sourceLanguage: 'pl', targetLanguage: 'lt', source: 'Żółw\n"x"', glossaryVersion: 'g7' },
      { target: 'Vėžlys', origin: 'openai', at: '2025-01-01T00:00:00Z' },
    );
    expect(await journal.append([record(1), record(2)])).toBe(2);
    expect(await journal.append([withAll])).toBe(1);
    expect(journal.get(record(1).key)).toEqual(record(1));
    await journal.close();

    const reopened = await ProviderJournal.open(file);
    expect(reopened.size).toBe(3);
    expect(reopened.has(record(2).key)).toBe(true);
    expect(reopened.get(withAll.key)).toEqual(withAll);
    expect([...reopened.records()]).toEqual([record(1), record(2), withAll]);
    await reopened.close();
  });

  it('writes only the record fields, whatever else the object carries', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    const leaky = { ...record(1), apiKey: 'secret-key' };
    await journal.append([leaky]);
    await journal.close();
    expect(await readFile(file, 'utf8')).not.toContain('secret-key');
  });

  it('keeps the first answer for a key and writes nothing for a repeat', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    expect(await journal.append([record(1), record(1, 'other')])).toBe(1);
    expect(await journal.append([record(1, 'later')])).toBe(0);
    expect(journal.get(record(1).key)?.target).toBe('Satz 1');
    await journal.close();
    expect(await lines(file)).toHaveLength(1);
  });

  it('throws at once for a key that is not the journalKey of the record', async () => {
    const journal = await ProviderJournal.open(freshFile());
    expect(() => journal.append([{ ...record(1), source: 'changed' }])).toThrow(TypeError);
    await journal.close();
    expect(() => journal.append([record(1)])).toThrow(/closed/);
  });

  it('ignores a torn last line and cuts it off, so the next append starts clean', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    await journal.append([record(1), record(2)]);
    await journal.close();
    const sound = await readFile(file, 'utf8');
    const torn = (await lines(file))[0]?.slice(0, 40) ?? '';
    await appendFile(file, torn);

    const reopened = await ProviderJournal.open(file);
    expect(reopened.size).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(sound);
    await reopened.append([record(3)]);
    await reopened.close();
    expect(await rawKeys(file)).toEqual([record(1).key, record(2).key, record(3).key]);
  });

  it('ignores a last line whose checksum does not match even though it parses', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    await journal.append([record(1), record(2)]);
    await journal.close();
    const [first, second] = await lines(file);
    const damaged = second?.replace('Satz 2', 'Satz 9') ?? '';
    expect(() => JSON.parse(damaged) as unknown).not.toThrow();
    await writeFile(file, `${first}\n${damaged}\n`);

    const reopened = await ProviderJournal.open(file);
    expect(reopened.size).toBe(1);
    expect(reopened.has(record(2).key)).toBe(false);
    await reopened.close();
    expect(await readFile(file, 'utf8')).toBe(`${first}\n`);
  });

  it('rejects a damaged line before sound ones with the file and line', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    await journal.append([record(1), record(2), record(3)]);
    await journal.close();
    const [first, second, third] = await lines(file);
    await writeFile(file, `${first}\n${second?.replace('Satz 2', 'Satz 9')}\n${third}\n`);

    const error = await openError(file);
    expect(error).toBeInstanceOf(InputError);
    const { code, data, line } = error as InputError;
    expect({ code, file: (error as InputError).file === file, line, data }).toMatchInlineSnapshot(`
      {
        "code": "file_unreadable",
        "data": {
          "reason": "checksum mismatch",
        },
        "file": true,
        "line": 2,
      }
    `);
  });

  it('rejects a line that is not a journal line, or not a record, in the middle', async () => {
    const file = freshFile();
    const journal = await ProviderJournal.open(file);
    await journal.append([record(1)]);
    await journal.close();
    const [first] = await lines(file);
    const json = '{"key":"x"}';
    const checksum = createHash('sha256').update(json).digest('hex').slice(0, 16);

    await writeFile(file, `{"plain":"json"}\n${first}\n`);
    expect(((await openError(file)) as InputError).data).toEqual({ reason: 'not a journal line' });
    await writeFile(file, `${first}\n{"c":"${checksum}","r":${json}}\n${first}\n`);
    const error = (await openError(file)) as InputError;
    expect({ line: error.line, reason: error.data.reason }).toMatchObject({ line: 2, reason: /^invalid record/ });
  });

  it('serializes concurrent appends: lines never interleave and a reopen sees them all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat({ max: 400 }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 40 }),
        async (batches) => {
          const file = freshFile();
          const journal = await ProviderJournal.open(file);
          await Promise.all(batches.map((batch) => journal.append(batch.map((index) => record(index)))));
          const expected = new Set(batches.flat().map((index) => record(index).key));
          expect(journal.size).toBe(expected.size);
          await journal.close();

          const keys = await rawKeys(file);
          expect(new Set(keys)).toEqual(expected);
          expect(keys).toHaveLength(expected.size);
          const reopened = await ProviderJournal.open(file);
          expect(reopened.size).toBe(expected.size);
          await reopened.close();
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('ProviderJournal under kill -9', () => {
  const total = 12_000;
  const rounds = 20;
  const out = path.join(root, 'build', '.journal-crash-test');
  const child = path.join(out, 'test', 'memory', 'journal-crash-child.js');

  /** Compile the child and the modules it imports from the current sources, next to node_modules. */
  beforeAll(async () => {
    for (const source of ['src/errors/index.ts', 'src/memory/journal.ts', 'test/memory/journal-crash-child.ts']) {
      const { outputText } = ts.transpileModule(await readFile(path.join(root, source), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
        fileName: source,
      });
      const target = path.join(out, source.replace(/\.ts$/, '.js'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }
  });

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  /** Run the child; kill it `delay` ms after it reports `ready`, unless it finishes first. */
  function runChild(file: string, delay: number | undefined): Promise<{ printed: string[]; isDone: boolean; signal: string | null }> {
    return new Promise((resolve, reject) => {
      const subprocess = spawn('node', [child, file, String(total), '3', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      let timer: NodeJS.Timeout | undefined;
      subprocess.stdout.setEncoding('utf8');
      subprocess.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (delay !== undefined && timer === undefined && stdout.startsWith('ready\n')) {
          timer = setTimeout(() => subprocess.kill('SIGKILL'), delay);
        }
      });
      subprocess.on('error', reject);
      subprocess.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal === null && code !== 0) reject(new Error(`child exited with ${code}`));
        const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n');
        const printed = complete.filter((line) => /^[0-9a-f]{64}$/.test(line));
        resolve({ printed, isDone: complete.includes('done'), signal });
      });
    });
  }

  it('keeps every acknowledged answer, opens cleanly, and a resumed run completes exactly once', async () => {
    const file = freshFile();
    const expected = new Map<string, string>();
    for (let index = 0; index < total; index += 1) {
      const wanted = crashRecord(index);
      expected.set(wanted.key, JSON.stringify(wanted));
    }
    const acknowledged = new Set<string>();
    const stats = { killedMidRun: 0, tornTails: 0, writtenButUnacknowledged: 0 };

    for (let round = 0; round < rounds; round += 1) {
      const delay = 5 + Math.round((round * 195) / (rounds - 1));
      const run = await runChild(file, delay);
      if (run.signal === 'SIGKILL' && !run.isDone) stats.killedMidRun += 1;
      for (const key of run.printed) acknowledged.add(key);

      const sizeBefore = (await stat(file)).size;
      const journal = await ProviderJournal.open(file);
      if ((await stat(file)).size < sizeBefore) stats.tornTails += 1;
      // Plain loops collect the problems; one `expect` per kind keeps 20 rounds of 12k records fast.
      const lost = [...acknowledged].filter((key) => !journal.has(key));
      expect(lost, `round ${round}: acknowledged answers lost`).toEqual([]);
      const wrong = [...journal.records()].filter((found) => expected.get(found.key) !== JSON.stringify(found));
      expect(wrong, `round ${round}: damaged records returned`).toEqual([]);
      const keys = await rawKeys(file);
      expect(new Set(keys).size, `round ${round}: duplicate lines`).toBe(keys.length);
      expect(keys).toHaveLength(journal.size);
      stats.writtenButUnacknowledged = journal.size - acknowledged.size;
      await journal.close();
    }

    const last = await runChild(file, undefined);
    expect(last.isDone).toBe(true);
    const journal = await ProviderJournal.open(file);
    expect(journal.size).toBe(total);
    await journal.close();
    const keys = await rawKeys(file);
    expect(keys).toHaveLength(total);
    expect(new Set(keys)).toEqual(new Set(expected.keys()));

    console.info('journal crash test', { rounds, total, acknowledgedBeforeFinal: acknowledged.size, ...stats });
    expect(stats.killedMidRun).toBeGreaterThan(rounds / 2);
  });
});
