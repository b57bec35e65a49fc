/**
 * Leverage: what one language's segment files need that the project already has, before
 * any provider is asked.
 *
 * 1. Each distinct source is looked up once per language, however often it occurs: the
 *    first occurrence (in document order, then segment file order) decides.
 * 2. Tags come from the locale resources first, and follow them: a tag already as the
 *    resources say is not news, neither counted nor rewritten.
 * 3. Then the memory, in context before exact; a fuzzy match is only a suggestion, and its
 *    segment still goes to the providers.
 * 4. A machine translation found in another segment file stays what it is (`mt:…`), so a
 *    rerun after a kill gives the same segment files as an uninterrupted run (DESIGN §8.2).
 * 5. Only open segments (and tags that follow the resources) are looked at: a person's
 *    translation is never replaced (DESIGN §8.1).
 */
import { escapeText, plainText } from '../markdown/tagged.js';
import type { Segment } from '../markdown/types.js';
import type { MemoryIndex, MemoryMatch } from '../memory/tm.js';
import { segmentsOf } from '../formats/types.js';
import { refreshable } from './fill.js';
import type { Accepted } from './remote.js';
import type { LanguageStore } from './store-file.js';
import { isOpen, segmentHash } from './store.js';
import type { TagTranslator } from './tags.js';

/** What the project already had for one language, by segment id. */
export interface Leverage {
  /** Translations found: from the locale resources (`locale`) or the memory (`tm:…`, `mt:…`). */
  readonly accepted: Map<string, Accepted>;
  /** Segments still to translate, for the provider chain. */
  readonly pending: Map<string, Segment>;
  /** Fuzzy memory matches of pending segments, best first: suggestions for translators. */
  readonly fuzzy: Map<string, MemoryMatch[]>;
  /** How many segments the resources and the memory served (`accepted.size` here). */
  readonly leveraged: number;
}

/** What `leverage` looks things up in. */
export interface LeverageContext {
  readonly lang: string;
  readonly tags: TagTranslator;
  readonly memory: Pick<MemoryIndex, 'lookup'>;
  /** Lowest fuzzy score kept as a suggestion, 0–100 (`config.memory.fuzzyThreshold`). */
  readonly fuzzyThreshold: number;
}

/**
 * What earlier chunks of the same language found, for a run that leverages its documents a
 * chunk at a time (memory stays bounded): ids accepted or already sent are not looked up again,
 * so each distinct segment is still translated once.
 */
export interface LeverageCarry {
  readonly accepted: Map<string, Accepted>;
  readonly fuzzy: Map<string, MemoryMatch[]>;
  /** Ids an earlier chunk sent down the chain and that stayed open. */
  readonly sent: { has(id: string): boolean; add(id: string): unknown };
}

/** Look up every open segment of `stores` in the locale resources, then in the memory. */
export function leverage(stores: readonly Pick<LanguageStore, 'current' | 'document' | 'sourcePath'>[], context: LeverageContext, carry?: LeverageCarry): Leverage {
  const { lang, tags, memory } = context;
  const accepted = carry?.accepted ?? new Map<string, Accepted>();
  const before = accepted.size;
  const pending = new Map<string, Segment>();
  const fuzzy = carry?.fuzzy ?? new Map<string, MemoryMatch[]>();
  for (const store of stores) {
    // Neighbours as the segment file orders them, the same order the memory was built in.
    const inFile = segmentsOf(store.current);
    const byHash = new Map(store.document.segments.map((segment) => [segment.id, segment]));
    inFile.forEach((entry, index) => {
      const segment = byHash.get(segmentHash(entry.id));
      if (segment === undefined || !refreshable(entry) || accepted.has(segment.id) || pending.has(segment.id) || carry?.sent.has(segment.id) === true) return;
      const tag = segment.role === 'tag' ? tags.translate(plainText(segment.source), lang) : undefined;
      if (tag !== undefined) {
        if (!isOpen(entry) && entry.target === escapeText(tag)) return;
        accepted.set(segment.id, { target: escapeText(tag), origin: 'locale' });
        return;
      }
      if (!isOpen(entry)) return;
      const matches = memory.lookup({ source: segment.source, document: store.sourcePath, previous: inFile[index - 1]?.source, next: inFile[index + 1]?.source }, { threshold: context.fuzzyThreshold });
      const best = matches[0];
      if (best !== undefined && best.kind !== 'fuzzy') {
        const origin = best.origin.startsWith('mt:') ? best.origin : best.kind === 'in-context' ? 'tm:in-context' : 'tm:exact';
        accepted.set(segment.id, { target: best.target, origin });
        return;
      }
      if (matches.length > 0) fuzzy.set(segment.id, matches);
      pending.set(segment.id, segment);
    });
  }
  return { accepted, pending, fuzzy, leveraged: accepted.size - before };
}
