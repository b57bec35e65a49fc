/**
 * The extraction cache's documents, checked when the main thread loads them for a run.
 *
 * Kept apart from `extract-file.ts` on purpose: that module runs in the extraction workers,
 * and zod in a worker's module graph doubled each worker's heap (126 → 230 MB peak on the
 * 4.5 MB bench corpus; peak RSS of a cold extraction on two workers 314 → 535 MB). Workers
 * check what they need (the document is the source's, and it can be summed up) without it.
 */
import { z } from 'zod';
import { readCacheFile, type CacheRead } from '../files/index.js';
import type { CodeKind, ExtractedDocument } from '../markdown/types.js';

/**
 * The cached extraction of a source whose bytes hash to `hash`: damaged when it does not
 * have the shape of an extracted document or is another source's.
 */
export async function readCachedDocument(file: string, hash: string): Promise<CacheRead<ExtractedDocument>> {
  const read = await readCacheFile(file, documentSchema);
  if (read.status === 'hit' && read.value.sourceHash !== hash) return { status: 'damaged', reason: `sourceHash: expected ${hash}, found ${read.value.sourceHash}` };
  return read;
}

const sourcesSchema = z.object({ sourceHash: z.string(), segments: z.array(z.object({ source: z.string() }).loose()) }).loose();

/**
 * Only the segment sources of a cached document, checked for what they are (a run that looks
 * for similar sources in hundreds of documents checks no more than it reads).
 */
export async function readCachedSources(file: string, hash: string): Promise<CacheRead<string[]>> {
  const read = await readCacheFile(file, sourcesSchema);
  if (read.status !== 'hit') return read;
  if (read.value.sourceHash !== hash) return { status: 'damaged', reason: `sourceHash: expected ${hash}, found ${read.value.sourceHash}` };
  return { status: 'hit', value: read.value.segments.map((segment) => segment.source) };
}

const codeKind = z.enum(['emphasis', 'strong', 'delete', 'link', 'linkReference', 'autolink', 'inlineCode', 'image', 'imageReference', 'break', 'html', 'footnoteReference'] satisfies CodeKind[]);
const nodeData = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]).optional());
const offsets = { start: z.number().int().nonnegative(), end: z.number().int().nonnegative() };
const index = z.number().int().nonnegative();

/** The shape of `ExtractedDocument` (markdown/types.ts), checked when a cached one is read. */
const documentSchema: z.ZodType<ExtractedDocument> = z.object({
  sourceHash: z.string(),
  meta: z.record(z.string(), z.unknown()),
  units: z.array(
    z.discriminatedUnion('type', [
      z.object({
        type: z.literal('block'),
        construct: z.enum(['paragraph', 'headingAtx', 'headingSetext', 'tableCell']),
        ...offsets,
        line: z.number().int(),
        prefix: z.string(),
        codes: z.array(z.object({ kind: codeKind, data: nodeData, attributes: z.object({ alt: index.optional(), title: index.optional() }).optional() })),
        pieces: z.array(z.union([z.object({ segment: index, codes: z.array(index) }), z.object({ gap: z.string() })])),
      }),
      z.object({ type: z.literal('definition'), ...offsets, line: z.number().int(), data: nodeData, title: index }),
      z.object({ type: z.literal('frontmatter'), ...offsets, values: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), segment: index })) }),
    ]),
  ),
  segments: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      codeKinds: z.array(codeKind),
      role: z.enum(['text', 'alt', 'title', 'meta', 'tag']),
      translatable: z.boolean(),
      words: z.number(),
      characters: z.number(),
    }),
  ),
});
