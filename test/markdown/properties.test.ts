import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/markdown/index.js';
import { copyThrough, markdownDocument, protectedValues, pseudoThrough, shapeOf } from '../helpers/markdown.js';

describe('round trips over generated Markdown', () => {
  it('copy gives back the source byte for byte', () => {
    fc.assert(fc.property(markdownDocument, (source) => copyThrough(source) === source), { numRuns: 300 });
  });

  it('pseudo keeps the tree shape: same node types, nesting, URLs and code', () => {
    fc.assert(
      fc.property(markdownDocument, (source) => {
        expect(shapeOf(parseMarkdown(pseudoThrough(source)))).toEqual(shapeOf(parseMarkdown(source)));
      }),
      { numRuns: 300 },
    );
  });

  it('pseudo keeps every URL, inline code, code block and HTML node', () => {
    fc.assert(
      fc.property(markdownDocument, (source) => {
        expect(protectedValues(pseudoThrough(source))).toEqual(protectedValues(source));
      }),
      { numRuns: 300 },
    );
  });

  it('pseudo output is stable: running the merge twice gives the same bytes', () => {
    fc.assert(fc.property(markdownDocument, (source) => pseudoThrough(source) === pseudoThrough(source)), { numRuns: 100 });
  });
});
