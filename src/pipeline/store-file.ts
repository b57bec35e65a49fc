/**
 * The segment files of one language during a run: read once, written back once.
 *
 * 1. A segment file that cannot be read is a translator's work: it is reported and left as
 *    it is, never overwritten; the other documents go on.
 * 2. A file is written only when its bytes change, so an unchanged project leaves no trace.
 * 3. A file changed on disk since the run read it is never overwritten with the run's older
 *    view (DESIGN §8.9): the person's version is read again and completed again, and a
 *    warning says so; the run only fills what is still open, so their edits win (DESIGN §8.1).
 * 4. What a re-read version retires reaches the memory before the file is written without it.
 */
import { HansaError, type Finding } from '../errors/index.js';
import type { SegmentFile, StoreSegment } from '../formats/types.js';
import { writeXliff2 } from '../formats/xliff2.js';
import { writeFileIfUnchanged } from '../files/index.js';
import { displayPath, type Project } from './project.js';
import { segmentFilePath } from './store.js';
import { readWorkspaceFile, unreadableFinding, type SourceDocument, type WorkspaceFile } from './workspace.js';

/** One document's segment file during a run; a re-read adds to `retired` what the person's version retires. */
export type LanguageStore = Omit<WorkspaceFile, 'retired'> & { readonly retired: StoreSegment[] };

/** Attempts to write a segment file that keeps changing under the run before it is left as it is. */
const maxRereads = 5;

/**
 * The segment files of `lang`, one per document, read and reconciled with the current
 * sources; one that cannot be read becomes an error finding in `errors` and is left out.
 */
export async function readLanguageStores(
  project: Project,
  lang: string,
  documents: readonly SourceDocument[],
  context: { readonly errors: Finding[]; readonly signal?: AbortSignal | undefined },
): Promise<LanguageStore[]> {
  const stores: LanguageStore[] = [];
  for (const { file, sourcePath, document } of documents) {
    context.signal?.throwIfAborted();
    const absolute = segmentFilePath(project, lang, file);
    const display = displayPath(project, absolute);
    try {
      const read = await readWorkspaceFile(project, { file, sourcePath, document, lang, absolute, display });
      stores.push({ ...read, retired: [...read.retired] });
    } catch (error) {
      if (!(error instanceof HansaError)) throw error;
      context.errors.push(unreadableFinding(error, display, lang));
    }
  }
  return stores;
}

/**
 * Write a segment file as `complete` makes it from the reconciled file, unless it changed on
 * disk since the run read it: then the person's version is read again, reconciled with the
 * source, completed again and a warning added to `findings`. Returns what is on disk
 * afterwards, or undefined when what a re-read retires could not be kept (the file waits).
 */
export async function storeSegmentFile(
  store: LanguageStore,
  complete: (current: SegmentFile) => SegmentFile,
  context: {
    project: Project;
    findings: Finding[];
    lang: string;
    retire: (segments: readonly StoreSegment[]) => Promise<boolean>;
    /** Told what the file now holds when the run's version is on disk (written, or already there). */
    onStored?: (file: SegmentFile, text: string) => void;
  },
): Promise<SegmentFile | undefined> {
  const { findings, lang } = context;
  let current = store.current;
  let bytes = store.bytes;
  for (let attempt = 0; ; attempt += 1) {
    const updated = complete(current);
    const text = writeXliff2(updated);
    // An unchanged file is not written, so an unchanged project leaves no trace (and a save
    // made meanwhile stays as it is; the next run publishes it).
    if ((bytes !== undefined && bytes.equals(Buffer.from(text))) || (await writeFileIfUnchanged(store.absolute, text, bytes))) {
      context.onStored?.(updated, text);
      return updated;
    }
    const reread = await readWorkspaceFile(context.project, store);
    findings.push({ code: 'segment_file_changed', severity: 'warning', file: store.display, lang, message: 'changed on disk during the run: read again, the edits kept' });
    store.retired.push(...reread.retired);
    if (reread.retired.length > 0 && !(await context.retire(reread.retired))) return undefined;
    current = reread.current;
    bytes = reread.bytes;
    if (attempt + 1 >= maxRereads && reread.exists) return reread.current;
  }
}

/**
 * The document (source path) of each segment id of `stores`: the first, in store order,
 * that has it. A segment shared by several documents is reported once, under the first.
 */
export function documentOfSegments(stores: readonly Pick<LanguageStore, 'document' | 'sourcePath'>[]): (segmentId: string) => string | undefined {
  const documentOf = new Map<string, string>();
  for (const store of stores) for (const segment of store.document.segments) if (!documentOf.has(segment.id)) documentOf.set(segment.id, store.sourcePath);
  return (segmentId) => documentOf.get(segmentId);
}
