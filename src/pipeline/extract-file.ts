/**
 * One file through parse → extract → cache. Shared by the main thread and the
 * extraction workers, so both do exactly the same work.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HansaError } from '../errors/index.js';
import { decodeUtf8 } from '../files/index.js';
import { extractDocument, type ExtractedDocument } from '../markdown/index.js';

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
}

/** The outcome for one file, small enough to send between threads. */
export type FileOutcome =
  | {
      readonly file: string;
      readonly ok: true;
      readonly size: number;
      readonly mtimeMs: number;
      readonly hash: string;
      readonly segments: number;
      readonly words: number;
      readonly parsed: boolean;
    }
  | {
      readonly file: string;
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string; readonly line?: number; readonly data: Record<string, string | number> };
    };

/** Where the cached extraction of a source with this hash lives. */
export function cachedDocumentPath(context: Pick<ExtractContext, 'docsDir' | 'key'>, hash: string): string {
  return path.join(context.docsDir, `${context.key.slice(0, 12)}-${hash}.json`);
}

/** A file's bytes and stat, read ahead of its turn. */
export type FileRead = Promise<[Buffer, { size: number; mtimeMs: number }]>;

/** Start reading a file (so the next one can load while this one is parsed). */
export function readSource(file: string, context: ExtractContext): FileRead {
  const absolute = path.join(context.root, file);
  return Promise.all([readFile(absolute), stat(absolute)]);
}

const madeDirs = new Set<string>();

/**
 * Read, decode, extract and cache one file; `known` is the hash the cache already holds
 * for it, `read` the file's bytes if already being read.
 */
export async function extractFile(file: string, context: ExtractContext, known?: string, read: FileRead = readSource(file, context)): Promise<FileOutcome> {
  const shown = `${context.displayRoot}/${file}`;
  try {
    const [bytes, info] = await read;
    const hash = createHash('sha256').update(bytes).digest('hex');
    const cached = cachedDocumentPath(context, hash);
    if (hash === known) {
      const summary = await readSummary(cached);
      if (summary !== undefined) return { file, ok: true, size: info.size, mtimeMs: info.mtimeMs, hash, ...summary, parsed: false };
    }
    const source = decodeUtf8(bytes, shown);
    const document = extractDocument(source, { lang: context.lang, translatableKeys: context.translatableKeys, file: shown, sourceHash: hash });
    if (!madeDirs.has(context.docsDir)) {
      await mkdir(context.docsDir, { recursive: true });
      madeDirs.add(context.docsDir);
    }
    await writeFile(cached, JSON.stringify(document));
    return { file, ok: true, size: info.size, mtimeMs: info.mtimeMs, hash, ...summarize(document), parsed: true };
  } catch (error) {
    if (error instanceof HansaError) {
      return { file, ok: false, error: { code: error.code, message: error.message, ...(error.line === undefined ? {} : { line: error.line }), data: { ...error.data } } };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { file, ok: false, error: { code: 'file_unreadable', message, data: { reason: message } } };
  }
}

/** Segments and words of a document. */
export function summarize(document: ExtractedDocument): { segments: number; words: number } {
  let words = 0;
  for (const segment of document.segments) words += segment.words;
  return { segments: document.segments.length, words };
}

async function readSummary(file: string): Promise<{ segments: number; words: number } | undefined> {
  try {
    return summarize(JSON.parse(await readFile(file, 'utf8')) as ExtractedDocument);
  } catch {
    return undefined;
  }
}
