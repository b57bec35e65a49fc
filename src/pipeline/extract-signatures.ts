/**
 * The word signatures of the extracted documents (`memory/signature.ts`), all in one binary
 * file beside the manifest, `.hansa/extract/words.bin`: what the search for the articles a
 * changed memory entry may fill reads instead of every article's cached document.
 *
 * 1. A record is keyed by the content hash of its source, as the cached documents are, so it
 *    can never be stale; a rewrite keeps only the hashes the manifest names.
 * 2. The header says what the signatures were made with: the extraction key, the source
 *    language (it decides folding) and a fingerprint of the folding code. A file made with
 *    anything else is a plain miss; one cut short or garbled (its CRC-32 does not match) or
 *    that cannot be read is a miss with a warning (`cache_damaged`), never an error.
 * 3. Layout (integers are unsigned 32-bit little-endian):
 *      bytes 0–7    `HANSAWRD`
 *      bytes 8–11   CRC-32 (zlib's) of every byte from 12 to the end
 *      bytes 12–15  h, the length of the header in bytes (a multiple of 4)
 *      16 … 16 + h  the header, JSON in UTF-8, padded with spaces:
 *                   `{"version":1,"key":…,"language":…,"folding":…,"records":r}`
 *      then r records, by ascending source hash, each: the source's SHA-256 (32 bytes), the
 *      number c of words (0xFFFFFFFF: the document has no signature), then c word hashes,
 *      ascending. The file ends with the last record.
 * 4. Read at most once per run, when first needed, and written (atomically) only when a record
 *    was added, changed or dropped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { writeFileAtomicNow, type CacheRead } from '../files/index.js';

/** What the signatures in a file were made for. */
export interface SignatureFileKey {
  /** The extraction key (`ExtractContext.key`). */
  readonly key: string;
  /** The source language: it decides how words are folded. */
  readonly language: string;
}

/** Signatures by content hash of the source; `null`: the document has none (any may match it). */
export type SignatureRecords = Map<string, Uint32Array | null>;

const magic = 'HANSAWRD';
const formatVersion = 1;
/** The count of a record without a signature. */
const noSignature = 0xffffffff;
const prefixBytes = 16;
const hashBytes = 32;
const sha256Hex = /^[0-9a-f]{64}$/;

const headerSchema = z.object({
  version: z.number().int(),
  key: z.string(),
  language: z.string(),
  folding: z.string(),
  records: z.number().int().nonnegative(),
});

let fingerprint: string | undefined;

/**
 * A hash of the code that decides a signature (tokens, folding, hashing), so signatures made
 * by another version of it are never trusted.
 */
export function foldingFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = fileURLToPath(import.meta.url);
  const hash = createHash('sha256').update(String(formatVersion));
  for (const name of ['fuzzy', 'signature']) hash.update(readFileSync(path.join(path.dirname(here), '..', 'memory', `${name}${path.extname(here)}`)));
  fingerprint = hash.digest('hex').slice(0, 32);
  return fingerprint;
}

/** The bytes of a file holding `records` (those keyed by a SHA-256), made for `key`. */
export function signatureFileBytes(key: SignatureFileKey, records: ReadonlyMap<string, Uint32Array | null>): Buffer {
  const hashes = [...records.keys()].filter((hash) => sha256Hex.test(hash)).sort();
  const json = Buffer.from(JSON.stringify({ version: formatVersion, key: key.key, language: key.language, folding: foldingFingerprint(), records: hashes.length }));
  const headerLength = Math.ceil(json.length / 4) * 4;
  let size = prefixBytes + headerLength;
  for (const hash of hashes) size += hashBytes + 4 + 4 * (records.get(hash)?.length ?? 0);
  const bytes = Buffer.alloc(size, 0x20);
  bytes.write(magic, 0, 'latin1');
  bytes.writeUInt32LE(headerLength, 12);
  json.copy(bytes, prefixBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = prefixBytes + headerLength;
  for (const hash of hashes) {
    bytes.write(hash, at, 'hex');
    at += hashBytes;
    const signature = records.get(hash) ?? null;
    view.setUint32(at, signature === null ? noSignature : signature.length, true);
    at += 4;
    for (const word of signature ?? []) {
      view.setUint32(at, word, true);
      at += 4;
    }
  }
  bytes.writeUInt32LE(crc32(bytes.subarray(12)), 8);
  return bytes;
}

/**
 * The records of a file's bytes: `missing` when it was made for another key, language,
 * folding code or format version; `damaged` (with the reason) when it is not such a file, is
 * cut short or garbled.
 */
export function parseSignatureFile(bytes: Buffer, key: SignatureFileKey): CacheRead<SignatureRecords> {
  const damaged = (reason: string): CacheRead<SignatureRecords> => ({ status: 'damaged', reason });
  if (bytes.length < prefixBytes || bytes.toString('latin1', 0, magic.length) !== magic) return damaged('not a word signature file');
  if (bytes.readUInt32LE(8) !== crc32(bytes.subarray(12))) return damaged('checksum mismatch: the file is cut short or garbled');
  const headerLength = bytes.readUInt32LE(12);
  const end = prefixBytes + headerLength;
  if (headerLength % 4 !== 0 || end > bytes.length) return damaged(`header length ${headerLength} out of range`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8', prefixBytes, end));
  } catch (error) {
    return damaged(`header: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = headerSchema.safeParse(json);
  if (!header.success) {
    const issue = header.error.issues[0];
    return damaged(`header: ${issue === undefined ? 'unexpected content' : `${issue.path.map(String).join('.') || 'top level'}: ${issue.message}`}`);
  }
  const { version, records: count } = header.data;
  if (version !== formatVersion || header.data.key !== key.key || header.data.language !== key.language || header.data.folding !== foldingFingerprint()) return { status: 'missing' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: SignatureRecords = new Map();
  let at = end;
  for (let record = 0; record < count; record++) {
    if (at + hashBytes + 4 > bytes.length) return damaged(`record ${record + 1} of ${count} cut short`);
    const hash = bytes.toString('hex', at, at + hashBytes);
    const words = view.getUint32(at + hashBytes, true);
    at += hashBytes + 4;
    if (words === noSignature) {
      records.set(hash, null);
      continue;
    }
    if (at + 4 * words > bytes.length) return damaged(`record ${record + 1} of ${count} cut short`);
    const signature = new Uint32Array(words);
    for (let i = 0; i < words; i++) signature[i] = view.getUint32(at + 4 * i, true);
    records.set(hash, signature);
    at += 4 * words;
  }
  if (at !== bytes.length) return damaged(`${bytes.length - at} bytes after the last record`);
  return { status: 'hit', value: records };
}

/** Read the file (see `parseSignatureFile`); one that is not there is `missing`, one that cannot be read `damaged`. */
export async function readSignatureFile(file: string, key: SignatureFileKey): Promise<CacheRead<SignatureRecords>> {
  let bytes: Buffer;
  try {
    // Read and written without leaving the thread: the end of an extraction waits for them,
    // and each await there let the run idle for milliseconds while the collector swept.
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'damaged', reason: error instanceof Error ? error.message : String(error) };
  }
  return parseSignatureFile(bytes, key);
}

/**
 * The signatures of `words.bin` as a run uses them: read once (`open`), added to (`set`), and
 * written back (`save`) only when they changed.
 */
export class SignatureStore {
  readonly #file: string;
  readonly #key: SignatureFileKey;
  readonly #records: SignatureRecords;
  /** Whether the records differ from the file's (or the file is not one to keep). */
  #changed: boolean;

  private constructor(file: string, key: SignatureFileKey, records: SignatureRecords, changed: boolean) {
    this.#file = file;
    this.#key = key;
    this.#records = records;
    this.#changed = changed;
  }

  /**
   * The store of `file`: its records, or none when it is missing, of another key or damaged
   * (said to `onDamaged` with the absolute path and the reason).
   */
  static async open(file: string, key: SignatureFileKey, onDamaged: (file: string, reason: string) => void): Promise<SignatureStore> {
    const read = await readSignatureFile(file, key);
    if (read.status === 'damaged') onDamaged(file, read.reason);
    return read.status === 'hit' ? new SignatureStore(file, key, read.value, false) : new SignatureStore(file, key, new Map(), true);
  }

  /** The signature of a source (`null`: it has none; `undefined`: no record). */
  get(hash: string): Uint32Array | null | undefined {
    return this.#records.get(hash);
  }

  /** Record the signature of a source. */
  set(hash: string, signature: Uint32Array | null): void {
    const known = this.#records.get(hash);
    if (known !== undefined && sameSignature(known, signature)) return;
    this.#records.set(hash, signature);
    this.#changed = true;
  }

  /** Write the records of the hashes in `kept` (the manifest's), when anything changed. */
  async save(kept: ReadonlySet<string>): Promise<void> {
    for (const hash of this.#records.keys()) {
      if (kept.has(hash)) continue;
      this.#records.delete(hash);
      this.#changed = true;
    }
    if (!this.#changed) return;
    writeFileAtomicNow(this.#file, signatureFileBytes(this.#key, this.#records));
    this.#changed = false;
  }
}

function sameSignature(a: Uint32Array | null, b: Uint32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((word, i) => word === b[i]);
}
