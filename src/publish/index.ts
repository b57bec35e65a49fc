/**
 * What partner sites import: the translated article's frontmatter fields and the
 * per-language JSON Feed 1.1 (`dist/<lang>/index.json`).
 *
 * 1. The feed is made from what is in `dist/<lang>/`, so it always lists every
 *    article of the language, whichever files a run touched.
 * 2. Same files, same feed, byte for byte: no timestamps, a fixed order
 *    (newest `date` first, then path).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { listFiles, writeFileAtomic } from '../files/index.js';
import { readFrontmatter } from '../markdown/frontmatter.js';

/** How far a translated article is from a reviewed one. */
export type TranslationStatus = 'complete' | 'partial' | 'machine' | 'reviewed';

/** Fields Hansa adds to a translated article's frontmatter. */
export type TranslationFrontmatter = {
  readonly lang: string;
  /** Source path, relative to the project. */
  readonly translationOf: string;
  /** sha256 of the source file. */
  readonly sourceHash: string;
  readonly translationStatus: TranslationStatus;
  /** Every language version: source path for the source language, `dist`-relative paths for the others. */
  readonly alternates: Readonly<Record<string, string>>;
};

/** The frontmatter fields of one translated article. */
export function translationFrontmatter(options: {
  lang: string;
  sourceLanguage: string;
  sourcePath: string;
  relativePath: string;
  sourceHash: string;
  status: TranslationStatus;
  targetLanguages: readonly string[];
}): TranslationFrontmatter {
  const alternates: Record<string, string> = { [options.sourceLanguage]: options.sourcePath };
  for (const lang of options.targetLanguages) alternates[lang] = `${lang}/${options.relativePath}`;
  return {
    lang: options.lang,
    translationOf: options.sourcePath,
    sourceHash: options.sourceHash,
    translationStatus: options.status,
    alternates,
  };
}

const articleMetaSchema = z
  .object({
    translationOf: z.string(),
    sourceHash: z.string(),
    translationStatus: z.enum(['complete', 'partial', 'machine', 'reviewed']),
    title: z.string().optional(),
    summary: z.string().optional(),
    description: z.string().optional(),
    date: z.union([z.string(), z.date()]).optional(),
    author: z.string().optional(),
    tags: z.array(z.string()).optional(),
    image: z.string().optional(),
    alternates: z.record(z.string(), z.string()).optional(),
  })
  .loose();

/** One item of the JSON Feed. */
export interface FeedItem {
  readonly id: string;
  readonly url?: string;
  readonly title?: string;
  readonly summary?: string;
  readonly content_text: string;
  readonly date_published?: string;
  readonly tags?: readonly string[];
  readonly authors?: readonly { readonly name: string }[];
  readonly image?: string;
  readonly language: string;
  readonly _hansa: {
    readonly path: string;
    readonly translationOf: string;
    readonly sourceHash: string;
    readonly contentHash: string;
    readonly translationStatus: TranslationStatus;
    readonly alternates?: Readonly<Record<string, string>>;
  };
}

/** A JSON Feed 1.1 document. */
export interface Feed {
  readonly version: 'https://jsonfeed.org/version/1.1';
  readonly title: string;
  readonly language: string;
  readonly home_page_url?: string;
  readonly feed_url?: string;
  readonly items: readonly FeedItem[];
}

/** Build the feed of one language from the translated articles in `langDir`. */
export async function buildFeed(langDir: string, lang: string, options: { title: string; baseUrl?: string | undefined }): Promise<Feed> {
  const files = await listFiles(langDir, ['**/*.md']);
  const items: FeedItem[] = [];
  for (const file of files) {
    const text = await readFile(path.join(langDir, file), 'utf8');
    const item = feedItem(text, file, lang, options.baseUrl);
    if (item !== undefined) items.push(item);
  }
  return feedOf(items, lang, options);
}

/**
 * The feed of one language from its items (in any order): newest first, then by path. A run
 * that knows the items of unchanged articles (the project state) builds it without reading them.
 */
export function feedOf(items: readonly FeedItem[], lang: string, options: { title: string; baseUrl?: string | undefined }): Feed {
  const sorted = [...items].sort((a, b) => (b.date_published ?? '').localeCompare(a.date_published ?? '') || a._hansa.path.localeCompare(b._hansa.path));
  const base = options.baseUrl === undefined ? undefined : new URL(`${lang}/`, withSlash(options.baseUrl));
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: `${options.title} (${lang})`,
    language: lang,
    ...(base === undefined ? {} : { home_page_url: base.href, feed_url: new URL('index.json', base).href }),
    items: sorted,
  };
}

/** The text of `dist/<lang>/index.json` for a feed. */
export function feedText(feed: Feed): string {
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** A feed item from a translated article (`file` below `dist/<lang>/`); `undefined` for a file Hansa did not write. */
export function feedItem(text: string, file: string, lang: string, baseUrl: string | undefined): FeedItem | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?/.exec(text);
  if (match === null) return undefined;
  let meta;
  try {
    meta = articleMetaSchema.safeParse(readFrontmatter(match[1] ?? '').data);
  } catch {
    return undefined;
  }
  if (!meta.success) return undefined;
  const data = meta.data;
  const relative = `${lang}/${file}`;
  const date = data.date instanceof Date ? data.date.toISOString() : data.date;
  return {
    id: relative,
    ...(baseUrl === undefined ? {} : { url: new URL(relative, withSlash(baseUrl)).href }),
    ...(data.title === undefined ? {} : { title: data.title }),
    ...(data.summary ?? data.description ? { summary: data.summary ?? data.description } : {}),
    content_text: text.slice(match[0].length).replace(/^\r?\n/, ''),
    ...(date === undefined ? {} : { date_published: rfc3339(date) }),
    ...(data.tags === undefined ? {} : { tags: data.tags }),
    ...(data.author === undefined ? {} : { authors: [{ name: data.author }] }),
    ...(data.image === undefined ? {} : { image: data.image }),
    language: lang,
    _hansa: {
      path: relative,
      translationOf: data.translationOf,
      sourceHash: data.sourceHash,
      contentHash: createHash('sha256').update(text).digest('hex'),
      translationStatus: data.translationStatus,
      ...(data.alternates === undefined ? {} : { alternates: data.alternates }),
    },
  };
}

/** Whether a Markdown text is an article Hansa wrote: YAML frontmatter with a `translationOf` string. */
export function isTranslatedArticle(text: string): boolean {
  const match = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?/.exec(text);
  if (match === null) return false;
  try {
    return typeof readFrontmatter(match[1] ?? '').data['translationOf'] === 'string';
  } catch {
    return false; // not YAML: not something Hansa wrote
  }
}

/** JSON Feed wants RFC 3339 dates; a bare `2021-11-10` becomes midnight UTC. */
function rfc3339(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date;
}

/** Write `dist/<lang>/index.json`. */
export async function writeFeed(langDir: string, lang: string, options: { title: string; baseUrl?: string | undefined }): Promise<Feed> {
  const feed = await buildFeed(langDir, lang, options);
  await writeFileAtomic(path.join(langDir, 'index.json'), feedText(feed));
  return feed;
}
