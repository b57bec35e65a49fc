import fc from 'fast-check';
import type { Nodes } from 'mdast';
import { extractDocument, mergeDocument, parseMarkdown } from '../../src/markdown/index.js';
import { pseudoLocalize } from '../../src/providers/index.js';

/** The document as the `copy` provider would write it (frontmatter untouched). */
export function copyThrough(source: string): string {
  const document = extractDocument(source);
  return mergeDocument(source, document, document.segments.map((segment) => segment.source)).output;
}

/** The document as the `pseudo` provider would write it (frontmatter untouched). */
export function pseudoThrough(source: string): string {
  const document = extractDocument(source);
  return mergeDocument(
    source,
    document,
    document.segments.map((segment) => (segment.translatable ? pseudoLocalize(segment.source) : segment.source)),
  ).output;
}

/** A tree's shape: node types and untranslatable values, text nodes left out. */
export function shapeOf(node: Nodes): unknown {
  const shape: Record<string, unknown> = { type: node.type };
  if (node.type === 'code' || node.type === 'inlineCode' || node.type === 'html' || node.type === 'yaml') shape['value'] = node.value;
  if ('url' in node) shape['url'] = node.url;
  if (node.type === 'heading') shape['depth'] = node.depth;
  if (node.type === 'list') shape['ordered'] = node.ordered;
  if ('children' in node) shape['children'] = (node.children as Nodes[]).filter((child) => child.type !== 'text').map(shapeOf);
  return shape;
}

/** Everything the pseudo output must keep unchanged: URLs, inline code, code blocks, HTML. */
export function protectedValues(source: string): string[] {
  const values: string[] = [];
  const visit = (node: Nodes): void => {
    if (node.type === 'code' || node.type === 'inlineCode' || node.type === 'html') values.push(`${node.type}:${node.value}`);
    if ('url' in node) values.push(`url:${node.url}`);
    if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
  };
  visit(parseMarkdown(source));
  return values;
}

const polishWords = ['Centrum', 'Rozwoju', 'Talentów', 'doradztwa', 'zawodowego', 'młodzieży', 'Gdańsk', 'pracy', 'źródło', 'żółw', 'np.', 'r.', 'ul.', '2018', '9.11.2021', 'NEET', 'zł', 'tzw.', 'w', 'i', 'oraz', 'ąę'];
const punctuation = ['.', '!', '?', ',', ':', ';', '…', '', '', ''];

const word = fc.constantFrom(...polishWords);
const sentence = fc
  .tuple(fc.array(word, { minLength: 1, maxLength: 6 }), fc.constantFrom(...punctuation))
  .map(([words, end]) => `${words.join(' ')}${end}`);
const plain = fc.array(sentence, { minLength: 1, maxLength: 3 }).map((sentences) => sentences.join(' '));

const url = fc.constantFrom('https://example.org/a', '/images/x.png', 'mailto:biuro@example.org', 'https://example.org/a?b=1&c=2', '#top');
const title = fc.option(fc.constantFrom('Tytuł linku', 'Strona „Centrum”', 'a (b)'), { nil: undefined });

/** Inline Markdown: text with emphasis, links, code, images, HTML, breaks. */
export const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: plain },
        // Words inside the markers: `****` runs of directly nested attention do not survive
        // remark-stringify (a known limit of mdast-util-to-markdown), and authors don't write them.
        { weight: 1, arbitrary: fc.tuple(word, tie('inline'), word).map(([a, text, b]) => `*${a} ${text} ${b}*`) },
        { weight: 1, arbitrary: fc.tuple(word, tie('inline'), word).map(([a, text, b]) => `**${a} ${text} ${b}**`) },
        { weight: 1, arbitrary: fc.tuple(word, tie('inline'), word).map(([a, text, b]) => `~~${a} ${text} ${b}~~`) },
        { weight: 1, arbitrary: fc.tuple(plain, url, title).map(([text, href, t]) => `[${text}](${href}${t === undefined ? '' : ` "${t}"`})`) },
        { weight: 1, arbitrary: fc.tuple(plain, url, title).map(([alt, src, t]) => `![${alt}](${src}${t === undefined ? '' : ` "${t}"`})`) },
        { weight: 1, arbitrary: fc.constantFrom('`npm ci`', '`a*b*c`', '`` x ` y ``', '<br>', '<abbr title="x">NEET</abbr>', '<https://example.org>', 'biuro@example.org', '[^1]') },
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((parts) => parts.join(' ')),
})).inline;

/** A block of Markdown. */
export const block: fc.Arbitrary<string> = fc.oneof(
  inline,
  fc.tuple(fc.integer({ min: 1, max: 6 }), inline).map(([depth, text]) => `${'#'.repeat(depth)} ${text}`),
  fc.array(inline, { minLength: 1, maxLength: 3 }).map((items) => items.map((item) => `- ${item}`).join('\n')),
  fc.array(inline, { minLength: 1, maxLength: 3 }).map((items) => items.map((item, i) => `${i + 1}. ${item}`).join('\n')),
  inline.map((text) => `> ${text}`),
  fc.tuple(inline, inline).map(([a, b]) => `> - ${a}\\\n>   ${b}`),
  fc.tuple(plain, plain, inline).map(([a, b, c]) => `| ${a} | ${b} |\n| --- | :-: |\n| ${c.replace(/\|/g, '')} | \`x\` |`),
  fc.constantFrom('```js\nconst a = "tekst";\n```', '<div class="ramka">\n<p>HTML</p>\n</div>', '---', '    kod wcięty'),
  inline.map((text) => `[^1]: ${text}`),
  fc.tuple(inline, plain).map(([a, b]) => `${a}\n${b}`),
);

/** A Markdown document of a few blocks. */
export const markdownDocument: fc.Arbitrary<string> = fc
  .array(block, { minLength: 1, maxLength: 6 })
  // A leading `---` would open YAML frontmatter, which is tested on its own.
  .map((blocks) => `${blocks[0] === '---' ? 'Wstęp.\n\n' : ''}${blocks.join('\n\n')}\n`);
