/**
 * Child process for the crash test of `ProviderJournal`: appends the records `crashRecord(0..total)`
 * that the journal lacks, `concurrency` answers at a time, and prints each key to stdout (with a
 * synchronous write) right after its append resolves. The parent kills it with SIGKILL.
 *
 * Usage: node journal-crash-child.js <file> <total> <batch> <concurrency>
 * Prints `ready` once open and about to append, and `done` after close.
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { journalRecord, ProviderJournal, type JournalRecord } from '../../src/memory/journal.js';

/** The deterministic record number `index`; sources are long and multibyte so writes are large. */
export function crashRecord(index: number): JournalRecord {
  return journalRecord(
    {
      provider: 'deepl',
      model: index % 2 === 0 ? undefined : 'next-gen',
      sourceLanguage: 'pl',
      targetLanguage: 'de',
      source: `Zdanie ${index}: ${'zażółć gęślą jaźń '.repeat(8)}`,
      glossaryVersion: index % 3 === 0 ? 'g1' : undefined,
    },
    { target: `Satz ${index}`, origin: 'deepl' },
  );
}

async function main(argv: readonly string[]): Promise<void> {
  const [file, totalText, batchText, concurrencyText] = argv;
  if (file === undefined) throw new Error('Expected a journal file as the first argument');
  const total = Number(totalText ?? 1000);
  const batch = Number(batchText ?? 10);
  const concurrency = Number(concurrencyText ?? 4);
  const journal = await ProviderJournal.open(file);
  const missing: JournalRecord[] = [];
  for (let index = 0; index < total; index += 1) {
    const record = crashRecord(index);
    if (!journal.has(record.key)) missing.push(record);
  }
  writeSync(1, 'ready\n');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const records = missing.slice(next, next + batch);
      next += batch;
      await journal.append(records);
      writeSync(1, `${records.map((record) => record.key).join('\n')}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await journal.close();
  writeSync(1, 'done\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
