import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';

/** The parser and serializer Hansa uses for every document: CommonMark + GFM + YAML frontmatter. */
export const processor = unified()
  .use(remarkParse)
  .use(remarkFrontmatter, ['yaml'])
  .use(remarkGfm)
  .use(remarkStringify)
  .freeze();

/** Parse Markdown into mdast with positions. */
export function parseMarkdown(source: string): Root {
  return processor.parse(source);
}
