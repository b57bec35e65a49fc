/**
 * The segment store: one model behind every file a translator touches.
 *
 * Like translate-toolkit's store/unit pair, each format (XLIFF 2.1, XLIFF 1.2, PO, TMX)
 * reads into and writes from these shapes, so the pipeline never knows which tool a
 * translation came back from.
 *
 * Text is always *tagged text* (see `markdown/tagged`): XML-escaped, inline codes as
 * `<pc id="n">…</pc>` and `<ph id="n"/>` with ids local to the segment, counting from 1.
 * A format maps these to its own inline markup (XLIFF 2 `<pc>`/`<ph>` with unit-wide ids,
 * XLIFF 1.2 `<g>`/`<x/>`, PO and TMX as they best can) and back.
 */
import type { CodeKind } from '../markdown/types.js';

/** Review state of a translation, in order (DESIGN §4). */
export type TranslationState = 'initial' | 'translated' | 'reviewed' | 'final';

export const translationStates: readonly TranslationState[] = ['initial', 'translated', 'reviewed', 'final'];

/** Position of a state in the workflow; a higher rank is further along. */
export function stateRank(state: TranslationState): number {
  return translationStates.indexOf(state);
}

/** True for states only a human sets, which no machine or memory may overwrite (DESIGN §8.1). */
export function isHumanApproved(state: TranslationState): boolean {
  return state === 'reviewed' || state === 'final';
}

/** An inline code as a translator's tool should show it. */
export interface StoreCode {
  readonly kind: CodeKind;
  /** Short display text for a CAT tool, e.g. `**`, `[link]`, `` `npm ci` ``, `<br>`. */
  readonly disp: string;
  /** Plain-text equivalent (what the code stands for in running text), often empty. */
  readonly equiv?: string;
}

/** Why a translation is offered but not in force. */
export type SuggestionKind = 'previous' | 'memory' | 'machine' | 'proposal';

/**
 * A translation offered to the translator without being the segment's target: the
 * approved translation of an earlier source (kept when the source changed), a fuzzy
 * memory match, a machine answer that could not replace a human one, or a `proposal`:
 * a text a person sent back (`hansa import`) that could not replace the translation in
 * force (reviewed or final, or any translation for a draft), waiting for a reviewer
 * (DESIGN §8.7).
 */
export interface Suggestion {
  readonly kind: SuggestionKind;
  /** The source this translation belongs to (tagged). */
  readonly source: string;
  /** Its translation (tagged). */
  readonly target: string;
  /** `human`, `mt:deepl`, `tm:fuzzy:87` … */
  readonly origin: string;
  /** Similarity of `source` to the segment's current source, 0–100. */
  readonly similarity?: number;
  /** State the translation had, for `previous`; for a `proposal`, the state the file gave it. */
  readonly state?: TranslationState;
  /** For a `proposal`: the file it was imported from, as `hansa import` named it (project-relative). */
  readonly file?: string;
  /** For a `proposal`: who sent it, when the file says (PO `Last-Translator`). */
  readonly author?: string;
  /** For a `proposal`: when, as the file says (PO `PO-Revision-Date`); never the time of the import. */
  readonly date?: string;
}

/** One sentence (or attribute value) with its translation. */
export interface StoreSegment {
  /**
   * Unique within the file: the segment's source hash, with `-2`, `-3` … for the second
   * and later occurrences of the same source in one document.
   */
  readonly id: string;
  /** Tagged source. */
  readonly source: string;
  /** Code n of the source is `codes[n - 1]`. */
  readonly codes: readonly StoreCode[];
  /** Tagged target, with the source's local code ids; absent when untranslated. */
  readonly target?: string;
  readonly state: TranslationState;
  /** `mt:<provider>[:model]`, `tm:exact`, `tm:in-context`, `tm:fuzzy:<score>`, `human`, `locale`. */
  readonly origin?: string;
  /**
   * Who approved or last saved the target in the review page (`hansa review --reviewer`).
   * It belongs to this very target: a run or import that replaces the target drops it.
   */
  readonly reviewer?: string;
  readonly suggestions?: readonly Suggestion[];
}

/** A note for the translator (glossary hits, memory scores, check findings). */
export interface StoreNote {
  /** `glossary`, `memory`, `qa`, `context` … */
  readonly category: string;
  readonly text: string;
  /** The segment it is about, when it is about one. */
  readonly segment?: string;
}

/** A segment, or the text between two (whitespace, kept so the unit reads whole). */
export type UnitPart = { readonly segment: StoreSegment } | { readonly gap: string };

/** A translatable block of the document: heading, paragraph, table cell, frontmatter value … */
export interface StoreUnit {
  /** Unique within the file. */
  readonly id: string;
  /** What the unit is, for humans: `title`, `tags[0]`, `paragraph`, `heading`, `image alt` … */
  readonly name?: string;
  readonly parts: readonly UnitPart[];
  readonly notes?: readonly StoreNote[];
}

/** The translations of one source document into one language. */
export interface SegmentFile {
  /** Source document, relative to the project root (`content/pl/aktualnosci/a.md`). */
  readonly original: string;
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
  /** sha256 of the source document the file was last extracted from. */
  readonly sourceHash?: string;
  readonly units: readonly StoreUnit[];
}

/** The segments of a file, in document order. */
export function segmentsOf(file: SegmentFile): StoreSegment[] {
  return file.units.flatMap((unit) => unit.parts.flatMap((part) => ('segment' in part ? [part.segment] : [])));
}

/**
 * One translation read from a translator's file (any format), before it is matched
 * against the project. `line` points into that file for error messages.
 */
export interface ImportedTranslation {
  /** Segment id, when the format carries one (XLIFF, PO `msgctxt`); TMX has none. */
  readonly id?: string;
  readonly source: string;
  readonly target: string;
  readonly state: TranslationState;
  /**
   * The file marks the target as still to be checked (XLIFF 1.2 `needs-review-*`; a fuzzy
   * PO entry is a draft already): a reviewer's import (`--reviewed`) does not vouch for it.
   */
  readonly needsReview?: boolean;
  readonly origin?: string;
  readonly line: number;
}

/** What a translator's file says about itself, and its translations. */
export interface ImportedFile {
  readonly format: 'xliff2' | 'xliff12' | 'po' | 'tmx';
  /** Source document it is for, when the format says (`original`, PO header). */
  readonly original?: string;
  readonly sourceLanguage?: string;
  readonly targetLanguage?: string;
  /** Who last worked on the file, when the format says (PO `Last-Translator`). */
  readonly author?: string;
  /** When, as the file says (PO `PO-Revision-Date`). */
  readonly date?: string;
  readonly translations: readonly ImportedTranslation[];
  /**
   * Ids of every segment the file has, with a target or not, when `translations` leaves the
   * empty ones out (XLIFF 2.x): how much of its document the file covers.
   */
  readonly segmentIds?: readonly string[];
}
