/**
 * Sentence segmentation with per-language rules.
 *
 * Principles:
 *
 * 1. A sentence ends only at a terminator (`.` `!` `?` `…`, runs such as `?!` and `...`),
 *    together with the closing quotes, brackets and inline-markup placeholders glued to it,
 *    and only where breaking whitespace follows. Nothing splits inside `9.11.2021`, `10.00`,
 *    `www.gup.gda.pl` or `m.in.`, and a no-break space after a full stop binds.
 * 2. A blank line always ends a sentence; a single line break is a space.
 * 3. Lowercase after a terminator continues the sentence, in every language and after every
 *    terminator (`itd. oraz`, `„Dlaczego?” – pyta`, `… i dalej`).
 * 4. `?`, `!` and ellipses end the sentence before anything else, except an omission mark in
 *    brackets, `(…)`. A full stop after a word asks the language's rules: non-final
 *    abbreviations (`np.`, `prof.`, `ul.`) join; ambiguous ones (`r.`, `itd.`, `tys.`) end the
 *    sentence only before a capital letter or a standalone inline code; a single capital
 *    letter before a capitalised word is an initial (`J. Kowalski`) unless a labelling noun
 *    precedes it (`budynek B.`); any other word ends it before a capital, a digit or a symbol.
 * 5. Inline-markup placeholders (one Private Use Area character per code, U+E000..U+F8FF) are
 *    transparent: after a terminator they stay with the ending sentence, after whitespace
 *    they belong to the next one, and the test for a sentence start looks past them and past
 *    opening quotes, brackets and dashes. Alone they stand for a word (inline code). Boundaries
 *    fall only on whitespace, so a run of placeholders is never cut.
 * 6. A sentence needs a letter or a placeholder: list labels (`1.`) and lone punctuation stay
 *    with the text that follows.
 * 7. Spans never include leading or trailing whitespace; whitespace between sentences belongs
 *    to no sentence.
 *
 * The language-specific readings (Polish dates, units, `im.`) are documented with each rule
 * set in `./languages/`.
 */

import { rulesFor, ruleLanguages } from './languages/index.js';
import { scanSentences, type SentenceSpan } from './scan.js';

export type { SentenceSpan } from './scan.js';

/**
 * Splits `text` into sentences and returns their spans in order.
 *
 * `lang` is a BCP 47 tag; its primary subtag picks the rules (see
 * {@link supportedSegmentationLanguages}), anything else gets the generic rules. `text` may
 * contain line breaks and inline-markup placeholders (see principle 5). Spans are ordered,
 * never overlap, never start or end with whitespace, and together cover every non-whitespace
 * character. Runs in time linear in `text.length`.
 */
export function splitSentences(text: string, lang: string): SentenceSpan[] {
  return scanSentences(text, rulesFor(lang));
}

/**
 * Splits `text` into sentences and returns them as strings (`text.slice(start, end)` of each
 * span of {@link splitSentences}).
 */
export function segmentText(text: string, lang: string): string[] {
  return splitSentences(text, lang).map((span) => text.slice(span.start, span.end));
}

/**
 * The primary language subtags that have their own rule set:
 * `pl`, `en`, `sv`, `lt`, `lv`, `et`, `fi`, `da`, `de`, `nb` (`no` and `nn` use `nb`).
 */
export function supportedSegmentationLanguages(): readonly string[] {
  return ruleLanguages;
}
