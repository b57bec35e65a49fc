/**
 * One file through parse → extract → cache. Shared by the main thread and the
 * extraction workers, so both do exactly the same work.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { HansaError, InputError, type ErrorCode } from '../errors/index.js';
import { decodeUtf8, readCacheFileNow, writeFileAtomicNow, type CacheRead } from '../files/index.js';
import { extractDocument, type ExtractedDocument, type MarkdownLimits } from '../markdown/index.js';
import { wordSignature } from '../memory/signature.js';

/** What the workers need to know. */
export interface ExtractContext {
  /** Absolute folder of the source articles. */
  readonly root: string;
  /** Path prefix for messages (`content/pl`). */
  readonly displayRoot: string;
  /** Absolute folder of cached documents. */
  readonly docsDir: string;
  /** Hash of everything besides the file that decides the result (options, Hansa version). */
  readonly key: string;
  readonly lang: string;
  readonly translatableKeys: readonly string[];
  /** The config's `limits`: a file over one is refused with its line, never parsed or sent whole. */
  readonly limits: MarkdownLimits & { readonly maxFileBytes: number };
}

/** The outcome for one file, small enough to send between threads. */
export type FileOutcome =
  | {
      readonly file: string;
      readonly ok: true;
      readonly size: number;
      readonly mtimeMs: number;
      /** Change time and inode: a save that keeps size and mtime still changes one of them. */
      readonly ctimeMs: number;
      readonly ino: number;
      readonly hash: string;
      readonly segments: number;
      readonly words: number;
      readonly parsed: boolean;
      /** The cached extraction was damaged (absolute path, why): it was made again. */
      readonly damaged?: { readonly file: string; readonly reason: string };
      /**
       * The word signature of a document parsed now (`memory/signature.ts`), for
       * `.hansa/extract/words.bin`; `null`: its sources cannot be tokenized, so it has none.
       */
      readonly signature?: Uint32Array | null;
    }
  | {
      readonly file: string;
      readonly ok: false;
      readonly error: { readonly code: ErrorCode; readonly message: string; readonly line?: number; readonly data: Record<string, string | number> };
    };

/** Where the cached extraction of a source with this hash lives. */
export function cachedDocumentPath(context: Pick<ExtractContext, 'docsDir' | 'key'>, hash: string): string {
  return path.join(context.docsDir, `${context.key.slice(0, 12)}-${hash}.json`);
}

/** A file's bytes, and its stat when it was read. */
export type SourceRead = [Buffer, { size: number; mtimeMs: number; ctimeMs: number; ino: number }];

/** A file's bytes and stat, being read. */
export type FileRead = Promise<SourceRead>;

/** `readSourceNow`, for callers that read while other work goes on (`hansa build`). */
export function readSource(file: string, context: ExtractContext): FileRead {
  return (async () => readSourceNow(file, context))();
}

/**
 * A file's bytes and stat. A file over `limits.maxFileBytes` is refused (`file_too_large`)
 * without being read whole, also when it grows while it is read or is no regular file.
 */
export function readSourceNow(file: string, context: ExtractContext): SourceRead {
  const absolute = path.join(context.root, file);
  const limit = context.limits.maxFileBytes;
  const tooLarge = (size: number): InputError =>
    new InputError('file_too_large', `${size} bytes, over the limit of ${limit} (limits.maxFileBytes)`, { file: `${context.displayRoot}/${file}`, data: { size, limit } });
  const descriptor = openSync(absolute, 'r');
  try {
    const info = fstatSync(descriptor);
    if (info.size > limit) throw tooLarge(info.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // Room for the whole file as stat saw it and one byte more: a short read of a regular
      // file is its end (one read a file), a full one means it grew, and the loop reads on.
      const chunk = Buffer.allocUnsafe(Math.min(total < info.size ? info.size - total + 1 : 65536, limit + 1 - total));
      const bytesRead = readSync(descriptor, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(total);
      if (bytesRead < chunk.length && info.isFile()) break;
    }
    return [chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks), { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino }];
  } finally {
    closeSync(descriptor);
  }
}

/** `extractFileNow` as a promise, for callers on the main thread's async paths. */
export async function extractFile(file: string, context: ExtractContext, known?: string): Promise<FileOutcome> {
  return extractFileNow(file, context, known);
}

/**
 * Read, decode, extract and cache one file; `known` is the hash the cache already holds for
 * it. Synchronous on purpose: the thread that extracts does nothing else meanwhile, and
 * awaiting every step of every read and write (open, stat, read, close, mkdir, write,
 * rename) cost a fifth of a cold run in event-loop turns and the garbage they leave.
 */
export function extractFileNow(file: string, context: ExtractContext, known?: string, write: (file: string, data: string) => void = writeFileAtomicNow): FileOutcome {
  const shown = `${context.displayRoot}/${file}`;
  try {
    const [bytes, info] = readSourceNow(file, context);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const cached = cachedDocumentPath(context, hash);
    let damaged: { file: string; reason: string } | undefined;
    if (hash === known) {
      const read = readCachedSummary(cached, hash);
      if (read.status === 'hit') return { file, ok: true, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino, hash, ...read.value, parsed: false };
      if (read.status === 'damaged') damaged = { file: cached, reason: read.reason };
    }
    const source = decodeUtf8(bytes, shown);
    const document = extractDocument(source, { lang: context.lang, translatableKeys: context.translatableKeys, file: shown, sourceHash: hash, limits: context.limits });
    write(cached, JSON.stringify(document));
    // Made here, on the worker, while the sources are at hand: the main thread only stores it.
    const signature = wordSignature(document.segments.map((segment) => segment.source), context.lang) ?? null;
    return { file, ok: true, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino, hash, ...summarize(document), parsed: true, signature, ...(damaged === undefined ? {} : { damaged }) };
  } catch (error) {
    return failedOutcome(file, error);
  }
}

/** The outcome of a file whose extraction threw `error`. */
function failedOutcome(file: string, error: unknown): FileOutcome {
  if (error instanceof HansaError) {
    return { file, ok: false, error: { code: error.code, message: error.message, ...(error.line === undefined ? {} : { line: error.line }), data: { ...error.data } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { file, ok: false, error: { code: 'file_unreadable', message, data: { reason: message } } };
}

/**
 * Files extracted one after another whose documents are written together, in bursts: on the
 * bench's 565 articles, writing each document as soon as it was made cost 0.25–0.6 s, the
 * same writes in bursts of 20 0.12–0.15 s (creating files back to back is cheaper for the
 * kernel than between long stretches of parsing). A batch holds about `maxBatchBytes` of
 * documents or `maxBatchFiles` files; `full` says when to `flush` it.
 */
export class ExtractBatch {
  readonly #context: ExtractContext;
  readonly #entries: { outcome: FileOutcome; document?: { file: string; data: Buffer } }[] = [];
  #bytes = 0;

  constructor(context: ExtractContext) {
    this.#context = context;
  }

  /** Extract `file` (`known`: the hash the cache holds for it); its outcome comes with the batch's. */
  add(file: string, known?: string): void {
    let document: { file: string; data: Buffer } | undefined;
    const outcome = extractFileNow(file, this.#context, known, (cached, data) => {
      // Held as UTF-8 outside the heap: a waiting string was copied by every collection of
      // the young generation it lived through.
      document = { file: cached, data: Buffer.from(data) };
    });
    this.#entries.push(document === undefined ? { outcome } : { outcome, document });
    this.#bytes += document?.data.length ?? 0;
  }

  get full(): boolean {
    return this.#bytes >= maxBatchBytes || this.#entries.length >= maxBatchFiles;
  }

  /** Write the documents; the outcomes in the order added, a file whose document could not be written as its error. */
  flush(): FileOutcome[] {
    const entries = this.#entries.splice(0);
    this.#bytes = 0;
    return entries.map(({ outcome, document }) => {
      if (document === undefined) return outcome;
      try {
        writeFileAtomicNow(document.file, document.data);
        return outcome;
      } catch (error) {
        return failedOutcome(outcome.file, error);
      }
    });
  }
}

/** What a batch of documents holds before it is written: some megabytes of UTF-8, a few dozen files. */
const maxBatchBytes = 4_000_000;
const maxBatchFiles = 32;

/** Segments and words of a document. */
export function summarize(document: ExtractedDocument): { segments: number; words: number } {
  let words = 0;
  for (const segment of document.segments) words += segment.words;
  return { segments: document.segments.length, words };
}

/**
 * The segment and word counts of the cached extraction of a source whose bytes hash to
 * `hash`: damaged when it is not JSON, is another source's, or cannot be summed up. (The
 * full shape is checked when the main thread loads it: `extract-cache.ts`.)
 */
function readCachedSummary(file: string, hash: string): CacheRead<{ segments: number; words: number }> {
  const damaged = (path: string, message: string): { success: false; error: { issues: { path: string[]; message: string }[] } } => ({ success: false, error: { issues: [{ path: [path].filter(Boolean), message }] } });
  return readCacheFileNow(file, {
    safeParse(value) {
      const document = value as ExtractedDocument | null;
      if (document?.sourceHash !== hash) return damaged('sourceHash', `expected ${hash}, found ${String(document?.sourceHash)}`);
      try {
        return { success: true, data: summarize(document) };
      } catch (error) {
        return damaged('', error instanceof Error ? error.message : String(error));
      }
    },
  });
}
