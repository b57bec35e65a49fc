/**
 * Distinct Polish articles for the project bench (./project.ts), made from the man pages of
 * test/corpus/build-manpages.sh (.cache/corpus/manpages-pl/<section>/<name>.md).
 *
 * The corpus has a few hundred pages; N articles are copies 0, 1, 2 … of it, page by page,
 * copy k in `content/pl/<k>/<section>/<name>.md`. Were the copies equal, the memory would
 * translate each sentence once and the bench would flatter us, so copy k puts a word of its
 * own (`copyWord(k)`) at the end of every sentence: before each full stop, question or
 * exclamation mark that may end one, and at the end of every paragraph, heading and table
 * cell. Hansa's segmenter ends a sentence only there, so no segment of copy k equals one of
 * copy j. The places are found once per page with the parser Hansa uses (remark + GFM), so
 * code blocks, inline code and HTML are left alone. Same N, same bytes.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Heading, Paragraph, Root, TableCell, Text } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

/** One man page, with the offsets where each copy inserts its word. */
export interface Page {
  /** `<section>/<name>.md` */
  readonly file: string;
  readonly text: string;
  /** Ascending offsets in `text`; the word goes in as ` word` at each. */
  readonly insertAt: readonly number[];
}

/** One generated article: its path below `content/pl` and its bytes. */
export interface Article {
  readonly file: string;
  readonly text: string;
  readonly copy: number;
}

const syllables = [...'bdfgklmnprstwz'].flatMap((consonant) => [...'aeiouy'].map((vowel) => consonant + vowel));

/** A made-up lowercase word of three syllables, different for every copy (up to 84³). */
export function copyWord(copy: number): string {
  const size = syllables.length;
  return [copy % size, Math.floor(copy / size) % size, Math.floor(copy / size / size)].map((index) => syllables[index]).join('');
}

// A full stop (or ! ? …) that may end a sentence: followed by closers and then a space that
// is not before a lowercase letter (the segmenter joins those), or by the end of the text
// node (markup or the end of the block follows).
const sentenceEnd = /[.!?…]+(?=[)\]"'”»]*(?:\s+(?![\s\p{Ll}])|$))/gu;
// What may follow a sentence end up to the end of its block: the copy word is there already.
const closingOnly = /^[.!?…)\]"'”»*_~\s]*$/u;

/** Where copy words go in one page: before sentence ends in its text, at the end of each block. */
function insertionOffsets(markdown: string): number[] {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown) as Root;
  const offsets: number[] = [];
  // Text occurs only in these blocks (links and emphasis sit inside them), never nested.
  visit(tree, (node) => node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell', (node) => {
    const block = node as Paragraph | Heading | TableCell;
    let last = block.position?.start.offset ?? 0;
    visit(block, 'text', (text: Text) => {
      const start = text.position?.start.offset;
      const end = text.position?.end.offset;
      if (start === undefined || end === undefined) return;
      for (const match of markdown.slice(start, end).matchAll(sentenceEnd)) offsets.push((last = start + match.index));
    });
    const end = block.children.at(-1)?.position?.end.offset;
    if (end !== undefined && !closingOnly.test(markdown.slice(last, end))) offsets.push(end);
  });
  return [...new Set(offsets)].sort((a, b) => a - b);
}

/** The man pages, sorted by path, each with its insertion offsets. */
export async function loadPages(manpages: string): Promise<Page[]> {
  const entries = await readdir(manpages, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.relative(manpages, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  const pages: Page[] = [];
  for (const file of files) {
    const text = await readFile(path.join(manpages, file), 'utf8');
    pages.push({ file, text, insertAt: insertionOffsets(text) });
  }
  return pages;
}

/** Copy `copy` of a page: its word at every insertion offset, under a title frontmatter. */
function copyOf(page: Page, copy: number): Article {
  const word = copyWord(copy);
  const parts: string[] = [];
  let from = 0;
  for (const at of page.insertAt) {
    parts.push(page.text.slice(from, at), ` ${word}`);
    from = at;
  }
  parts.push(page.text.slice(from));
  const name = page.file.replace(/\.md$/, '').split('/');
  // The title is translated too: it carries the copy's word like every sentence.
  const title = `Strona podręcznika ${name[1]}(${name[0]}), wydanie ${word}`;
  return { file: `${copy}/${page.file}`, text: `---\ntitle: ${JSON.stringify(title)}\n---\n\n${parts.join('')}`, copy };
}

/** The first `count` articles: copy 0 of every page, then copy 1, and so on. */
export function articles(pages: readonly Page[], count: number): Article[] {
  if (pages.length === 0) throw new Error('bench: no man pages to make articles from');
  return Array.from({ length: count }, (_, index) => {
    const page = pages[index % pages.length] as Page;
    return copyOf(page, Math.floor(index / pages.length));
  });
}
