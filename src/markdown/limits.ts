/**
 * Limits on what one Markdown document may ask of the parser, and the scan that checks
 * them before the parser runs.
 *
 * 1. The parser (micromark) and the tree walkers after it recurse once per level of
 *    nesting, and micromark's work grows with the square of it: 100,000 nested list markers
 *    (200 KB) take minutes, 10,000 nested `>` overflow the stack. So nesting is measured
 *    first, by one linear pass over the text, and a document over the limit is refused with
 *    the first line that goes over, before it is parsed.
 * 2. The scan may count too deep, never too shallow: what it cannot decide cheaply (is this
 *    line in a code block? does this indentation continue a list item?) it counts. The
 *    default limit leaves room for that; no real article comes near it.
 * 3. A line counts its container markers (`>`, `-`, `*`, `+`, `1.`, `1)`, `[^label]:`), plus
 *    one container for every two columns of indentation before and between them (a list
 *    item's content is indented at least two columns), but never more than were ever open
 *    before: a deeply indented line continues containers, it does not open them.
 * 4. Brackets nest too (an image inside the alt text of an image inside …, each costing the
 *    parser a look back): `[` not escaped opens, `]` closes, a blank line ends them all.
 * 5. Inline markup (emphasis inside emphasis) is counted on the tree, where it is exact.
 */

/** Limits of one document; the config's `limits` gives them (see `defaultMarkdownLimits`). */
export interface MarkdownLimits {
  /** Most levels of nesting: block quotes, list items and footnotes in each other, brackets, inline markup. From 1. */
  readonly maxNesting: number;
  /** Most characters (UTF-16 code units of plain text) in one segment. From 1. */
  readonly maxSegmentCharacters: number;
  /** Most inline markers (`*`, `_`, `~`, `` ` ``, `[`, `]`) in one paragraph. From 1. */
  readonly maxInlineMarkers: number;
}

/**
 * The defaults: nesting 32 (markdown-it protects itself at 20 to 100; an article nests
 * a handful of levels), 5,000 characters a segment (the smallest request of a built-in
 * provider, Google v2, so a segment always fits one request; a long Polish sentence has
 * a few hundred).
 */
export const defaultMarkdownLimits: MarkdownLimits = { maxNesting: 32, maxSegmentCharacters: 5000, maxInlineMarkers: 1000 };

/** How deep a document nests, and where. */
export interface Nesting {
  /** Levels counted (see the principles above). */
  readonly depth: number;
  /** 1-based line where that depth is reached. */
  readonly line: number;
}

const space = 32;
const tab = 9;
const cr = 13;
const greater = 62; // >
const dash = 45; // -
const star = 42; // *
const plus = 43; // +
const underscore = 95; // _
const dot = 46; // .
const paren = 41; // )
const open = 91; // [
const close = 93; // ]
const caret = 94; // ^
const colon = 58; // :
const backslash = 92; // \
const tilde = 126; // ~
const backtick = 96; // `
const hash = 35; // #

/**
 * The deepest nesting of `source` and the first line that reaches it; with `stopAbove`,
 * the first line deeper than that (the scan stops there). Linear in the length of `source`.
 */
export function measureNesting(source: string, stopAbove = Number.POSITIVE_INFINITY): Nesting {
  let deepest: Nesting = { depth: 0, line: 1 };
  // Most containers ever open at once (by the count of rule 3), which indentation can continue.
  let opened = 0;
  let brackets = 0;
  let line = 1;
  let start = 0;
  while (start <= source.length) {
    const newline = source.indexOf('\n', start);
    const end = newline < 0 ? source.length : newline;
    const { markers, indent, rest } = linePrefix(source, start, end);
    if (markers > 0) {
      const depth = markers + Math.min(Math.floor(indent / 2), opened);
      opened = Math.max(opened, depth);
      if (depth > deepest.depth) deepest = { depth, line };
      if (depth > stopAbove) return deepest;
    }
    if (isBlank(source, rest, end)) brackets = 0;
    for (let i = rest; i < end; i++) {
      const code = source.charCodeAt(i);
      if (code === backslash) i += 1;
      else if (code === open) {
        brackets += 1;
        if (brackets > deepest.depth) deepest = { depth: brackets, line };
        if (brackets > stopAbove) return deepest;
      } else if (code === close && brackets > 0) brackets -= 1;
    }
    if (newline < 0) break;
    start = newline + 1;
    line += 1;
  }
  return deepest;
}

/** The paragraph with the most inline markers, by the count of `inlineMarkers`. */
export interface MarkerCount {
  readonly count: number;
  /** 1-based line where that paragraph starts. */
  readonly line: number;
}

/**
 * The most inline markers (`*`, `_`, `~`, `` ` ``, `[`, `]`) in one paragraph of `source`, and
 * where it starts; with `stopAbove`, the first paragraph that has more (the scan stops there).
 * Linear. Why: the parser matches emphasis and brackets by looking back over the openers
 * of the paragraph, so its time grows with the square of their number in one paragraph
 * (60 KB of `a* ` in one paragraph: five seconds; a real paragraph has a few dozen). A
 * paragraph ends at a blank line, and a line that opens a container (a list item, a
 * quote) or is a heading starts a new one: items of a long list are paragraphs of their
 * own. Like the nesting scan, it may count too many (code blocks are counted), never too few.
 */
export function inlineMarkers(source: string, stopAbove = Number.POSITIVE_INFINITY): MarkerCount {
  let worst: MarkerCount = { count: 0, line: 1 };
  let count = 0;
  let startLine = 1;
  let ended = false;
  let line = 1;
  let start = 0;
  while (start <= source.length) {
    const newline = source.indexOf('\n', start);
    const end = newline < 0 ? source.length : newline;
    const { markers, rest } = linePrefix(source, start, end);
    const heading = source.charCodeAt(rest) === hash;
    if (markers > 0 || heading || ended) {
      count = 0;
      startLine = line;
    }
    // A blank line ends the paragraph, and so does a heading (it is one line).
    ended = heading || isBlank(source, rest, end);
    for (let i = rest; i < end; i++) {
      const code = source.charCodeAt(i);
      if (code === backslash) i += 1;
      else if (code === star || code === underscore || code === tilde || code === backtick || code === open || code === close) count += 1;
    }
    if (count > worst.count) {
      worst = { count, line: startLine };
      if (count > stopAbove) return worst;
    }
    if (newline < 0) break;
    start = newline + 1;
    line += 1;
  }
  return worst;
}

/** Container markers at the start of a line, the indentation around them, and where the rest begins. */
function linePrefix(source: string, start: number, end: number): { markers: number; indent: number; rest: number } {
  let markers = 0;
  let indent = 0;
  let column = 0;
  // The one space or tab that separates a marker from its content is not indentation.
  let separator = false;
  // From `tail` on the line holds only `-`, `*`, `_`, spaces and tabs, so a thematic break
  // may start there; `marks` counts each of the three in what is left of it.
  let tail: { start: number; marks: Map<number, number> } | undefined;
  let position = start;
  while (position < end) {
    const code = source.charCodeAt(position);
    if (code === space || code === tab) {
      const width = code === tab ? 4 - (column % 4) : 1;
      column += width;
      indent += separator ? width - 1 : width;
      separator = false;
      position += 1;
      continue;
    }
    let width = 0;
    if (code === greater) width = 1;
    else if (code === dash || code === star || code === plus) {
      if (isMarkerEnd(source, position + 1, end)) {
        tail ??= tailOf(source, start, end);
        if (position >= tail.start && code !== plus) {
          // `- - -` and `* * *` are thematic breaks, not three list items.
          const count = (mark: number): number => tail?.marks.get(mark) ?? 0;
          if (count(code) >= 3 && count(dash) + count(star) + count(underscore) === count(code)) break;
          tail.marks.set(code, count(code) - 1);
        }
        width = 1;
      }
    } else if (isDigit(code)) {
      let digits = position;
      while (digits < end && digits - position < 9 && isDigit(source.charCodeAt(digits))) digits += 1;
      const delimiter = source.charCodeAt(digits);
      if ((delimiter === dot || delimiter === paren) && isMarkerEnd(source, digits + 1, end)) width = digits + 1 - position;
    } else if (code === open && source.charCodeAt(position + 1) === caret) {
      const label = source.indexOf(']', position + 2);
      if (label > position + 2 && label < end && label - position <= 1000 && source.charCodeAt(label + 1) === colon) width = label + 2 - position;
    }
    if (width === 0) break;
    markers += 1;
    column += width;
    position += width;
    separator = true;
  }
  return { markers, indent, rest: position };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Whether a list marker ends here: a space, a tab or the end of the line. */
function isMarkerEnd(source: string, position: number, end: number): boolean {
  if (position >= end) return true;
  const code = source.charCodeAt(position);
  return code === space || code === tab || (code === cr && position + 1 >= end);
}

/** Where the line's tail of `-`, `*`, `_`, spaces, tabs (and a final CR) starts, and how many of each mark it has. */
function tailOf(source: string, start: number, end: number): { start: number; marks: Map<number, number> } {
  const marks = new Map<number, number>();
  let position = end;
  while (position > start) {
    const code = source.charCodeAt(position - 1);
    if (code === dash || code === star || code === underscore) marks.set(code, (marks.get(code) ?? 0) + 1);
    else if (code !== space && code !== tab && code !== cr) break;
    position -= 1;
  }
  return { start: position, marks };
}

function isBlank(source: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const code = source.charCodeAt(i);
    if (code !== space && code !== tab && code !== cr) return false;
  }
  return true;
}
