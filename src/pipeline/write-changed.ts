/**
 * Writing a change into a segment file that others may write too: `hansa import`, the review
 * page's saves.
 *
 * 1. A file is never written over a version saved since it was read (a translator's CAT tool,
 *    another tab of the review page, a run): the write names the bytes it read, and when they
 *    are not on disk any more the file is read again and the change applied to that version
 *    (DESIGN §8.9).
 * 2. Translations whose source the author removed since the last extract go to the memory
 *    before the file that no longer holds them is written, or they would be lost.
 */
import { InputError } from '../errors/index.js';
import { writeFileIfUnchanged } from '../files/index.js';
import type { SegmentFile } from '../formats/types.js';
import { writeXliff2, type Xliff2WriteOptions } from '../formats/xliff2.js';
import type { Project } from './project.js';
import { retireSegments } from './retired.js';
import { readWorkspaceFile, type WorkspaceFile } from './workspace.js';

/** Most times a change is applied to a file that keeps changing under it before giving up. */
const maxAttempts = 5;

/**
 * Apply `change` to a segment file and write it when `worthWriting` says so (principle 1).
 * Resolves to what the last application returned; throws `InputError`
 * (`segment_file_changed`) when the file changed under every one of `maxAttempts` writes.
 */
export async function writeChanged<T extends { file: SegmentFile }>(
  project: Project,
  target: WorkspaceFile,
  change: (file: WorkspaceFile) => T,
  worthWriting: (applied: T) => boolean,
  options: {
    /** Told of the file as written (the version the change applied to, what it made, the text now on disk), for a caller that keeps it. */
    readonly onWritten?: (written: { readonly version: WorkspaceFile; readonly applied: T; readonly text: string }) => void;
    /** How the file is serialized (a long-running writer's cache of units). */
    readonly xliff?: Xliff2WriteOptions;
  } = {},
): Promise<T> {
  let current = target;
  for (let attempt = 1; ; attempt += 1) {
    const applied = change(current);
    if (!worthWriting(applied)) return applied;
    await retireSegments(project, current.lang, current.retired);
    const text = writeXliff2(applied.file, options.xliff);
    if (await writeFileIfUnchanged(current.absolute, text, current.bytes)) {
      options.onWritten?.({ version: current, applied, text });
      return applied;
    }
    if (attempt >= maxAttempts) {
      throw new InputError('segment_file_changed', `${current.display} keeps changing on disk`, { file: current.display, data: { attempts: attempt } });
    }
    current = await readWorkspaceFile(project, current);
  }
}
