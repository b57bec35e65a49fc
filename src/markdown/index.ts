export { countWords } from './words.js';
export { extractDocument, extractFromTree, hashSource, defaultTranslatableKeys, type ExtractOptions } from './extract.js';
export { mergeDocument, serializePhrasing, type MergeOptions, type MergeProblem } from './merge.js';
export { parseMarkdown, processor } from './parse.js';
export { defaultMarkdownLimits, inlineMarkers, measureNesting, type MarkdownLimits, type Nesting } from './limits.js';
export { readFrontmatter, rewriteFrontmatter } from './frontmatter.js';
export { escapeText, unescapeText, parseTagged, readTarget, renderTagged, plainText, type Run, type TaggedProblem } from './tagged.js';
export type * from './types.js';
export { pairedKinds } from './types.js';
