/**
 * The review page's preview: the translated article as `hansa build` would publish it now,
 * as HTML safe to put into the page.
 *
 * 1. The Markdown is `hansa build`'s own (`publication` and `articleText`), never a second
 *    rendering of the segments: what the reviewer sees is what partner sites get.
 * 2. The HTML is sanitized on the server (rehype-sanitize, GitHub's schema): raw HTML in the
 *    Markdown is dropped, not rendered; scripts, event handlers and styles never pass.
 * 3. Links and images keep only web, mail and relative addresses (no `javascript:`, no
 *    `data:`); every link opens without handing the page to its target
 *    (`rel="noopener noreferrer nofollow"`).
 * 4. The frontmatter is the article's metadata, not its text: it is not rendered.
 */
import type { Element, Root } from 'hast';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { HansaError } from '../errors/index.js';
import { articleText, currentSource, publication } from '../pipeline/build.js';
import { extractContext } from '../pipeline/extract.js';
import { displayPath } from '../pipeline/project.js';
import { readSegmentFile, segmentFilePath } from '../pipeline/store.js';
import type { Preview } from './api.js';
import { ReviewError, type ReviewData } from './data.js';

/** GitHub's schema, with addresses narrowed to principle 3. */
const schema = {
  ...defaultSchema,
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'], src: ['http', 'https'], cite: ['http', 'https'], longDesc: ['http', 'https'] },
};

/** Every link opens in its own context, telling its target nothing (principle 3). */
function safeLinks() {
  return (tree: Root): void => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'a') node.properties = { ...node.properties, rel: ['noopener', 'noreferrer', 'nofollow'] };
    });
  };
}

const renderer = unified()
  .use(remarkParse)
  .use(remarkFrontmatter, ['yaml', 'toml'])
  .use(remarkGfm)
  // Without `allowDangerousHtml`, raw HTML never reaches the HTML tree (principle 2).
  .use(remarkRehype)
  .use(rehypeSanitize, schema)
  .use(safeLinks)
  .use(rehypeStringify);

/** Sanitized HTML of Markdown (principles 2–4). */
export function renderPreviewHtml(markdown: string): string {
  return String(renderer.processSync(markdown));
}

/** The article in `lang` as it would be published now, rendered (principle 1). */
export async function articlePreview(data: ReviewData, file: string, lang: string): Promise<Preview> {
  data.checkLanguage(lang);
  const { project } = data;
  const { document: extracted, sourcePath } = await data.document(file);
  // The segment file as `hansa build` reads it: as stored, not reconciled.
  const absolute = segmentFilePath(project, lang, file);
  try {
    // The source as it is on disk now: the merge splices at offsets that fit only those bytes.
    const { document, source } = await currentSource(extractContext(project), { file, sourcePath, document: extracted });
    const stored = await readSegmentFile(absolute, displayPath(project, absolute));
    const chosen = publication(document, stored, project.config.build);
    const { text } = articleText(project, { lang, file, sourcePath, document, publication: chosen, source });
    return { html: renderPreviewHtml(text), translationStatus: chosen.status };
  } catch (error) {
    if (!(error instanceof HansaError)) throw error;
    throw new ReviewError(422, 'refused', `${error.file ?? sourcePath}: ${data.errorText(error)}`);
  }
}
