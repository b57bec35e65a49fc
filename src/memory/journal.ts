/**
 * Provider journal: every answer a paid provider gives is written here, durably, before it is
 * used (DESIGN §8, guarantee 2). A run killed at any moment loses nothing paid for; the rerun
 * looks each request up by `journalKey` and sends only what never came back.
 *
 * Principles:
 * 1. Append only. One provider answer is one `write()` of all its lines followed by `fsync`;
 *    the records join the in-memory map, and `append` resolves, only after `fsync` returns.
 * 2. Appends are serialized through one promise chain, so lines of two answers never interleave.
 * 3. Every line carries a checksum (`c`, the first 16 hex digits of the sha256 of the record's
 *    JSON) so a line damaged by a crash is caught even when it still parses as JSON.
 * 4. Only the tail may be damaged: a crash can tear the write in flight and nothing after it.
 *    On open, damaged lines after the last sound one are dropped and cut off the file, so the
 *    next append starts on a clean line. A damaged line before a sound one is not a crash but
 *    damage, and `open` rejects with an `InputError` naming the file and line.
 * 5. Records hold request and answer, never credentials: lines are built field by field from the
 *    record type, so an extra property on the object passed in is never written.
 * 6. The first answer for a key wins: appending a key already journaled writes nothing, so a
 *    rerun uses the very answer the killed run used.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, asIoError } from '../errors/index.js';

/** The fields of a request that decide its answer; `journalKey` hashes exactly these. */
export interface JournalRequest {
  /** Provider name as configured, e.g. `deepl`. */
  readonly provider: string;
  /** Model of the provider, when it has several. */
  readonly model?: string | undefined;
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
  /** Source text exactly as sent (after code protection). */
  readonly source: string;
  /** Version of the glossary sent with the request, when one was. */
  readonly glossaryVersion?: string | undefined;
}

const recordSchema = z.strictObject({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  provider: z.string(),
  model: z.string().optional(),
  sourceLanguage: z.string(),
  targetLanguage: z.string(),
  source: z.string(),
  target: z.string(),
  origin: z.string(),
  glossaryVersion: z.string().optional(),
  at: z.string().optional(),
});

/** One journaled provider answer for one segment. */
export type JournalRecord = z.infer<typeof recordSchema>;

/** Line layout: `{"c":"<16 hex>","r":<record JSON>}`; the checksum covers the record JSON. */
const linePrefix = '{"c":"';
const lineMiddle = '","r":';
const checksumLength = 16;
const recordOffset = linePrefix.length + checksumLength + lineMiddle.length;
const newline = 0x0a;

/**
 * The journal key of a request: sha256 hex of a canonical JSON array of its deciding fields.
 * An absent `model` or `glossaryVersion` differs from an empty one.
 */
export function journalKey(request: JournalRequest): string {
  const canonical = JSON.stringify([
    'hansa-journal/1',
    request.provider,
    request.model ?? null,
    request.sourceLanguage,
    request.targetLanguage,
    request.source,
    request.glossaryVersion ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Build a record from a request and its answer, with the key filled in. */
export function journalRecord(
  request: JournalRequest,
  answer: { readonly target: string; readonly origin: string; readonly at?: string | undefined },
): JournalRecord {
  return pickRecord({ ...request, ...answer, key: journalKey(request) });
}

/** Copy the known fields only, in a fixed order, so nothing else reaches the disk. */
function pickRecord(record: JournalRecord): JournalRecord {
  // Same order as `recordSchema`, so a record reads back with its properties in the same order.
  return {
    key: record.key,
    provider: record.provider,
    ...(record.model === undefined ? {} : { model: record.model }),
    sourceLanguage: record.sourceLanguage,
    targetLanguage: record.targetLanguage,
    source: record.source,
    target: record.target,
    origin: record.origin,
    ...(record.glossaryVersion === undefined ? {} : { glossaryVersion: record.glossaryVersion }),
    ...(record.at === undefined ? {} : { at: record.at }),
  };
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, checksumLength);
}

function formatLine(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${linePrefix}${checksum(json)}${lineMiddle}${json}}\n`;
}

/** A record, or why the line is not one. */
type ParsedLine = { readonly record: JournalRecord } | { readonly reason: string };

function parseLine(line: string): ParsedLine {
  if (!line.startsWith(linePrefix) || line.slice(recordOffset - lineMiddle.length, recordOffset) !== lineMiddle) {
    return { reason: 'not a journal line' };
  }
  if (!line.endsWith('}')) return { reason: 'not a journal line' };
  const json = line.slice(recordOffset, -1);
  if (line.slice(linePrefix.length, linePrefix.length + checksumLength) !== checksum(json)) {
    return { reason: 'checksum mismatch' };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { reason: 'invalid JSON' };
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) return { reason: `invalid record: ${parsed.error.issues[0]?.message ?? 'unknown'}` };
  return { record: parsed.data };
}

/** Append-only, crash-safe journal of provider answers in one JSON Lines file. */
export class ProviderJournal {
  readonly #file: string;
  readonly #handle: FileHandle;
  readonly #records = new Map<string, JournalRecord>();
  /** Tail of the append chain; never rejects. */
  #chain: Promise<void> = Promise.resolve();
  /** Set when a write or fsync failed: the file end is unknown, so later appends refuse. */
  #failure: unknown;
  #isClosed = false;

  private constructor(file: string, handle: FileHandle) {
    this.#file = file;
    this.#handle = handle;
  }

  /**
   * Open (or create) the journal at `file`. Damaged lines at the end are dropped and cut off;
   * a damaged line before a sound one rejects with `InputError` (`file_unreadable`, with `file`,
   * `line` and `data.reason`).
   */
  static async open(file: string): Promise<ProviderJournal> {
    try {
      return await ProviderJournal.#open(file);
    } catch (error) {
      throw asIoError(error, file);
    }
  }

  static async #open(file: string): Promise<ProviderJournal> {
    const { bytes, records, goodLength } = await ProviderJournal.#read(file);
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'a');
    try {
      if (bytes === undefined) {
        await syncDirectory(path.dirname(file));
      } else if (goodLength < bytes.length) {
        await handle.truncate(goodLength);
        await handle.sync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    const journal = new ProviderJournal(file, handle);
    for (const record of records) if (!journal.#records.has(record.key)) journal.#records.set(record.key, record);
    return journal;
  }

  /**
   * The journal's answers without opening it for writing (a dry run writes nothing, not even
   * a repaired tail): the first answer of each key, as `open` would serve it.
   */
  static async peek(file: string): Promise<ReadonlyMap<string, JournalRecord>> {
    const { records } = await ProviderJournal.#read(file);
    const map = new Map<string, JournalRecord>();
    for (const record of records) if (!map.has(record.key)) map.set(record.key, record);
    return map;
  }

  static async #read(file: string): Promise<{ bytes: Buffer | undefined; records: JournalRecord[]; goodLength: number }> {
    let bytes: Buffer | undefined;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw asIoError(error, file);
    }
    const records: JournalRecord[] = [];
    let goodLength = 0;
    if (bytes !== undefined) {
      let start = 0;
      let lineNumber = 0;
      let damage: { line: number; reason: string } | undefined;
      while (start < bytes.length) {
        lineNumber += 1;
        const end = bytes.indexOf(newline, start);
        const isTerminated = end !== -1;
        const lineEnd = isTerminated ? end : bytes.length;
        const parsed: ParsedLine = isTerminated
          ? parseLine(bytes.toString('utf8', start, lineEnd))
          : { reason: 'torn line' };
        if ('reason' in parsed) {
          damage ??= { line: lineNumber, reason: parsed.reason };
        } else {
          if (damage !== undefined) {
            throw new InputError(
              'file_unreadable',
              `Provider journal ${file} is damaged at line ${damage.line} (${damage.reason}) before sound records`,
              { file, line: damage.line, data: { reason: damage.reason } },
            );
          }
          records.push(parsed.record);
          goodLength = lineEnd + 1;
        }
        start = lineEnd + 1;
      }
    }
    return { bytes, records, goodLength };
  }

  /** Path of the journal file. */
  get file(): string {
    return this.#file;
  }

  /** Number of distinct keys journaled. */
  get size(): number {
    return this.#records.size;
  }

  /** The journaled answer for a key (see `journalKey`). */
  get(key: string): JournalRecord | undefined {
    return this.#records.get(key);
  }

  has(key: string): boolean {
    return this.#records.has(key);
  }

  /** Every journaled record, in the order written. */
  records(): IterableIterator<JournalRecord> {
    return this.#records.values();
  }

  /**
   * Journal the records of one provider answer: one write, one fsync, then they are visible
   * through `get`. Records whose key is already journaled (or repeated in `records`) are skipped.
   * Resolves with the number of records written; rejects when the write or fsync fails, and
   * so do all later appends (reopen to repair). Throws at once when the journal is closed or a
   * record's `key` is not the `journalKey` of its fields.
   */
  append(records: readonly JournalRecord[]): Promise<number> {
    if (this.#isClosed) throw new Error(`Provider journal ${this.#file} is closed`);
    const picked = records.map((record) => {
      const expected = journalKey(record);
      if (record.key !== expected) {
        throw new TypeError(`Expected \`key\` to be the journalKey of the record, got \`${record.key}\``);
      }
      return pickRecord(record);
    });
    const result = this.#chain.then(() => this.#write(picked));
    this.#chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #write(records: readonly JournalRecord[]): Promise<number> {
    if (this.#failure !== undefined) {
      throw new Error(`Provider journal ${this.#file} failed an earlier write; reopen it`, { cause: this.#failure });
    }
    const fresh = new Map<string, JournalRecord>();
    for (const record of records) {
      if (!this.#records.has(record.key) && !fresh.has(record.key)) fresh.set(record.key, record);
    }
    if (fresh.size === 0) return 0;
    const buffer = Buffer.from([...fresh.values()].map(formatLine).join(''), 'utf8');
    try {
      let written = 0;
      // A regular file takes the whole buffer in one write; the loop only guards a short write.
      while (written < buffer.length) {
        const { bytesWritten } = await this.#handle.write(buffer, written, buffer.length - written);
        written += bytesWritten;
      }
      await this.#handle.sync();
    } catch (error) {
      this.#failure = error;
      throw asIoError(error, this.#file);
    }
    for (const [key, record] of fresh) this.#records.set(key, record);
    return fresh.size;
  }

  /** Wait for pending appends, then close the file. Appends after this reject. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.#chain;
    await this.#handle.close();
  }
}

/** fsync a directory so a newly created file's name survives a power loss. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
