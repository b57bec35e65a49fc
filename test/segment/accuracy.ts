/**
 * Accuracy of the sentence segmenter on the hand-segmented paragraph sets, next to the
 * `Intl.Segmenter` baseline. Used by the segmentation tests and by the benchmark.
 */

import { splitSentences, type SentenceSpan } from '../../src/segment/index.js';
import multilingualData from './multilingual-paragraphs.json' with { type: 'json' };
import polishData from './pl-paragraphs.json' with { type: 'json' };

/** One hand-segmented paragraph. */
export type ParagraphCase = {
  /** Stable id, `<lang>-<number>`. */
  readonly id: string;
  /** Language of the paragraph. */
  readonly lang: string;
  /** The pitfalls the paragraph exercises (`r-join`, `quote`, `hard`…). */
  readonly tags: readonly string[];
  /** The paragraph as a segmenter receives it. */
  readonly text: string;
  /** The expected sentences, in order, each without surrounding whitespace. */
  readonly sentences: readonly string[];
};

/** The Polish paragraph set (public-administration news style). */
export const polishParagraphs: readonly ParagraphCase[] = polishData;

/** The smaller sets for the other languages (en, sv, de, fi, da, nb, lt, lv, et). */
export const multilingualParagraphs: readonly ParagraphCase[] = multilingualData;

/** What {@link measureSegmentationAccuracy} reports. */
export type AccuracyReport = {
  /** Number of paragraphs measured. */
  readonly paragraphs: number;
  /** Paragraphs whose sentence list matched exactly. */
  readonly correct: number;
  /** `correct / paragraphs`. */
  readonly accuracy: number;
  /** Share of predicted sentence boundaries that are expected. */
  readonly boundaryPrecision: number;
  /** Share of expected sentence boundaries that were predicted. */
  readonly boundaryRecall: number;
  /** Paragraph accuracy of `Intl.Segmenter(lang, {granularity: 'sentence'})` on the same set. */
  readonly intlBaselineAccuracy: number;
  /** Boundary precision of the `Intl.Segmenter` baseline. */
  readonly intlBoundaryPrecision: number;
  /** Boundary recall of the `Intl.Segmenter` baseline. */
  readonly intlBoundaryRecall: number;
  /** Ids of the paragraphs the segmenter got wrong. */
  readonly failures: readonly string[];
};

/** Offsets where sentences after the first start, from the expected sentence list. */
function expectedBoundaries(item: ParagraphCase): number[] {
  const starts: number[] = [];
  let cursor = 0;
  for (const sentence of item.sentences) {
    const at = item.text.indexOf(sentence, cursor);
    if (at === -1) throw new Error(`Expected sentence not found in ${item.id}: ${JSON.stringify(sentence)}`);
    starts.push(at);
    cursor = at + sentence.length;
  }
  return starts.slice(1);
}

/** The `Intl.Segmenter` sentences as trimmed spans. */
function intlSpans(text: string, lang: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  for (const { segment, index } of new Intl.Segmenter(lang, { granularity: 'sentence' }).segment(text)) {
    const trimmed = segment.trim();
    if (trimmed.length === 0) continue;
    const start = index + segment.indexOf(trimmed);
    spans.push({ start, end: start + trimmed.length });
  }
  return spans;
}

type Tally = { correct: number; truePositives: number; predicted: number; expected: number; failures: string[] };

function tally(cases: readonly ParagraphCase[], split: (text: string, lang: string) => SentenceSpan[]): Tally {
  const result: Tally = { correct: 0, truePositives: 0, predicted: 0, expected: 0, failures: [] };
  for (const item of cases) {
    const spans = split(item.text, item.lang);
    const sentences = spans.map((span) => item.text.slice(span.start, span.end));
    const isCorrect = sentences.length === item.sentences.length && sentences.every((s, i) => s === item.sentences[i]);
    if (isCorrect) result.correct++;
    else result.failures.push(item.id);
    const expected = new Set(expectedBoundaries(item));
    const predicted = spans.slice(1).map((span) => span.start);
    result.expected += expected.size;
    result.predicted += predicted.length;
    for (const start of predicted) if (expected.has(start)) result.truePositives++;
  }
  return result;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

/**
 * Measures paragraph accuracy and boundary precision/recall of {@link splitSentences} on
 * `cases` (default: the Polish set), and the same for the `Intl.Segmenter` baseline.
 * A paragraph is correct when its sentence list matches exactly.
 */
export function measureSegmentationAccuracy(cases: readonly ParagraphCase[] = polishParagraphs): AccuracyReport {
  const ours = tally(cases, splitSentences);
  const intl = tally(cases, intlSpans);
  const paragraphs = cases.length;
  return {
    paragraphs,
    correct: ours.correct,
    accuracy: ratio(ours.correct, paragraphs),
    boundaryPrecision: ratio(ours.truePositives, ours.predicted),
    boundaryRecall: ratio(ours.truePositives, ours.expected),
    intlBaselineAccuracy: ratio(intl.correct, paragraphs),
    intlBoundaryPrecision: ratio(intl.truePositives, intl.predicted),
    intlBoundaryRecall: ratio(intl.truePositives, intl.expected),
    failures: ours.failures,
  };
}
