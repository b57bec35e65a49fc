/**
 * The translation memory of one language in a run, built from what is on disk.
 *
 * 1. Every translation the project holds counts: the segment files of this run, those of
 *    documents left out of it or deleted since (their translations are memory, not
 *    rubbish), the retired file and the project's TMX files.
 * 2. A draft (`initial`) is nobody's translation yet: it is never remembered.
 * 3. Entries are added in one fixed order (TMX files, retired, segment files in the order
 *    given, each in its own segment order), so lookups answer the same on every run.
 * 4. A memory file in another encoding than it names is refused at its line; a file that
 *    cannot be read at all is left for the run that processes its document to report.
 */
import path from 'node:path';
import { HansaError } from '../errors/index.js';
import { listFiles } from '../files/index.js';
import { readTextFile } from '../files/text.js';
import { readTmx } from '../formats/tmx.js';
import { type ImportedTranslation, type SegmentFile, type StoreSegment, type TranslationState } from '../formats/types.js';
import { MemoryIndex, type MemoryIndexEntry } from '../memory/tm.js';
import { contributionOf, memoryEntriesOf } from '../state/memory.js';
import type { Project } from './project.js';
import { retiredPath } from './retired.js';

/** What the memory of one language is built from, besides the project's TMX files and retired file. */
export interface LanguageMemorySources {
  /**
   * Entries of the segment files of the language, in the order they are remembered (see
   * `state/memory.ts`: `contributionOf`, `memoryEntriesOf`); `segmentFileEntries` makes them from files.
   */
  readonly entries: Iterable<MemoryIndexEntry>;
  /** Translations this run retires (their source is gone), not yet in the retired file. */
  readonly retired: readonly StoreSegment[];
}

/** The memory of `lang`: the project's TMX files and retired file, then `sources`. */
export async function loadLanguageMemory(project: Project, lang: string, sources: LanguageMemorySources): Promise<MemoryIndex> {
  const { config } = project;
  const options = { sourceLanguage: config.sourceLanguage, targetLanguage: lang, threshold: config.memory.fuzzyThreshold };
  const tmx = await memoryFiles(project, lang);
  function* entries(): Generator<MemoryIndexEntry> {
    for (const file of tmx) for (const entry of file) if (remembered(entry.target, entry.state)) yield { source: entry.source, target: entry.target, state: entry.state as MemoryIndexEntry['state'], origin: entry.origin ?? 'tm:import' };
    for (const segment of sources.retired) if (remembered(segment.target ?? '', segment.state)) yield { source: segment.source, target: segment.target ?? '', state: segment.state as MemoryIndexEntry['state'], origin: segment.origin ?? 'human' };
    yield* sources.entries;
  }
  return MemoryIndex.fromEntries(entries(), options);
}

/** A draft (`initial`) is nobody's translation yet, and an empty target none at all. */
function remembered(target: string, state: TranslationState): boolean {
  return target !== '' && state !== 'initial';
}

/** The memory entries of segment files, each in its own segment order. */
export function* segmentFileEntries(files: Iterable<SegmentFile>): Generator<MemoryIndexEntry> {
  for (const file of files) yield* memoryEntriesOf(contributionOf(file));
}

/** Translations from the project's TMX files and the retired file of `lang`. */
async function memoryFiles(project: Project, lang: string): Promise<ImportedTranslation[][]> {
  const { config } = project;
  const files = [...(await listFiles(project.cwd, config.memory.files)), path.relative(project.cwd, retiredPath(project, lang))];
  const out: ImportedTranslation[][] = [];
  for (const file of files) {
    const display = file.split(path.sep).join('/');
    const text = await readTextFile(path.resolve(project.cwd, file), display, { kind: 'xml' }).catch((error: unknown) => {
      if (error instanceof HansaError) throw error;
      return undefined;
    });
    if (text === undefined) continue;
    const tmx = readTmx(text, display, { sourceLanguage: config.sourceLanguage, targetLanguage: lang });
    out.push([...tmx.translations]);
  }
  return out;
}
