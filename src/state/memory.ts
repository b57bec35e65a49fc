/**
 * The persisted translation memory of one language: `.hansa/state/<lang>/memory.json`, what
 * each segment file gives the memory, so a run reads again only the segment files that
 * changed (by stamp and hash) instead of every one, and knows which sources changed.
 *
 * 1. A contribution is the list of translated segments of one segment file, in file order,
 *    with the neighbours' sources (for in-context matches) and the document: exactly what a
 *    run from scratch would add to the memory from that file.
 * 2. The memory index of a run is built from the contributions in the order a run from scratch
 *    reads the files (TMX, retired, the run's documents in path order, then the other segment
 *    files): the memory prefers the most recent of equal entries, so the order is part of the
 *    result, and appending a changed file at the end would make another translation win.
 * 3. `changedSources` of two contributions are the sources whose entries differ: a segment of
 *    another article that is open (no translation) and equal or similar to one of them may get
 *    another translation or suggestion, so its article is due; no other can.
 * 4. `carried` holds the sources of entries that this run's own writes added to the memory
 *    (a segment filled from the memory or a tag resource): the memory of the next run has them,
 *    this run's had not, so the next run treats them as changed.
 */
import path from 'node:path';
import { z } from 'zod';
import { readCacheFile, writeFileAtomic } from '../files/index.js';
import { segmentsOf, type SegmentFile } from '../formats/types.js';
import type { MemoryIndexEntry } from '../memory/tm.js';
import { stateDir } from './language.js';

const stateVersion = 1;

const entrySchema = z.tuple([z.string(), z.string(), z.enum(['translated', 'reviewed', 'final']), z.string(), z.string().nullable(), z.string().nullable()]);

/** One remembered segment: source, target, state, origin, previous source, next source. */
export type ContributionEntry = z.infer<typeof entrySchema>;

const contributionSchema = z.object({ document: z.string(), entries: z.array(entrySchema) });

/** What one segment file gives the memory. */
export type Contribution = z.infer<typeof contributionSchema>;

const memoryStateSchema = z.object({
  version: z.literal(stateVersion),
  key: z.string(),
  /** A random id, repeated in `articles.json` when both were written by the same run. */
  generation: z.string(),
  /** By path below `translations/<lang>/`. */
  files: z.record(z.string(), contributionSchema),
  carried: z.array(z.string()),
});

export type MemoryStateData = z.infer<typeof memoryStateSchema>;

/** What a segment file gives the memory: its translations (a draft in `initial` is nobody's yet). */
export function contributionOf(file: SegmentFile): Contribution {
  const segments = segmentsOf(file);
  const entries: ContributionEntry[] = [];
  segments.forEach((segment, index) => {
    if (segment.target === undefined || segment.target === '' || segment.state === 'initial') return;
    entries.push([segment.source, segment.target, segment.state, segment.origin ?? 'human', segments[index - 1]?.source ?? null, segments[index + 1]?.source ?? null]);
  });
  return { document: file.original, entries };
}

/** The memory entries of a contribution, as `MemoryIndex` takes them. */
export function* memoryEntriesOf(contribution: Contribution): Generator<MemoryIndexEntry> {
  for (const [source, target, state, origin, previous, next] of contribution.entries) {
    yield { source, target, state, origin, document: contribution.document, ...(previous === null ? {} : { previous }), ...(next === null ? {} : { next }) };
  }
}

/** Sources whose entries differ between two contributions of one file (`undefined`: no file). */
export function changedSources(before: Contribution | undefined, after: Contribution | undefined): string[] {
  const key = (entry: ContributionEntry, document: string): string => JSON.stringify([document, ...entry]);
  const counts = new Map<string, { source: string; count: number }>();
  for (const entry of before?.entries ?? []) {
    const k = key(entry, before?.document ?? '');
    const known = counts.get(k);
    counts.set(k, { source: entry[0], count: (known?.count ?? 0) + 1 });
  }
  for (const entry of after?.entries ?? []) {
    const k = key(entry, after?.document ?? '');
    const known = counts.get(k);
    counts.set(k, { source: entry[0], count: (known?.count ?? 0) - 1 });
  }
  const sources = new Set<string>();
  for (const { source, count } of counts.values()) if (count !== 0) sources.add(source);
  return [...sources];
}

function memoryFile(cacheRoot: string, lang: string): string {
  return path.join(stateDir(cacheRoot, lang), 'memory.json');
}

/** The persisted memory of `lang`; `undefined` when there is none usable (another key, damaged). */
export async function readMemoryState(cacheRoot: string, lang: string, key: string, onDamaged?: (file: string, reason: string) => void): Promise<MemoryStateData | undefined> {
  const file = memoryFile(cacheRoot, lang);
  const read = await readCacheFile(file, memoryStateSchema);
  if (read.status === 'damaged') onDamaged?.(file, read.reason);
  return read.status === 'hit' && read.value.key === key ? read.value : undefined;
}

export async function writeMemoryState(cacheRoot: string, lang: string, state: MemoryStateData): Promise<void> {
  await writeFileAtomic(memoryFile(cacheRoot, lang), `${JSON.stringify(state)}\n`);
}

export function emptyMemoryState(key: string): MemoryStateData {
  return { version: stateVersion, key, generation: '', files: {}, carried: [] };
}
