/**
 * Extraction: mdast in, units and segments out.
 *
 * 1. A unit is a heading, paragraph or table cell (paragraphs of list items, block
 *    quotes and footnotes included), a link definition's title, or a translatable
 *    frontmatter value. Code, HTML blocks, URLs and math are never units.
 * 2. Inline markup becomes codes: paired for emphasis, strong, delete and links;
 *    standalone for inline code, images, breaks, inline HTML, footnote references
 *    and autolinks (whose text is their URL). A code's content is never sent.
 * 3. Image alt and title and link titles are segments of their own.
 * 4. Sentences are cut by the segmentation rules of the source language, but never
 *    inside a paired code: `<pc>` cannot cross segments.
 * 5. A segment's id hashes its text and code kinds, not its position.
 * 6. Hostile input is refused with its line, never half-read (limits.ts): nesting is
 *    measured before parsing, inline markup nesting and segment length while extracting,
 *    and a stack overflow that still happens names the deepest line known.
 *
 * (One file of over 400 lines: one walk over every mdast node type, as remark's own handlers
 * are one table; the units' offsets, which the merge relies on, are kept by that one walk.)
 */
import { countWords } from './words.js';
import { createHash, hash } from 'node:crypto';
import type { Definition, Heading, Nodes, Paragraph, PhrasingContent, Root, TableCell } from 'mdast';
import { InputError } from '../errors/index.js';
import { isSpace } from '../segment/chars.js';
import { splitSentences } from '../segment/index.js';
import { readFrontmatter } from './frontmatter.js';
import { defaultMarkdownLimits, inlineMarkers, measureNesting, type MarkdownLimits } from './limits.js';
import { parseMarkdown } from './parse.js';
import { escapeText } from './tagged.js';
import type {
  CodeKind,
  Construct,
  ExtractedDocument,
  InlineCode,
  MetaValue,
  NodeData,
  Piece,
  Segment,
  SegmentRole,
  Unit,
} from './types.js';
import { pairedKinds } from './types.js';

/** Options of `extractDocument`. */
export interface ExtractOptions {
  /** Source language code, for sentence rules. Default `pl`. */
  readonly lang?: string;
  /** Frontmatter keys whose values are translated. Default `title`, `description`, `summary`, `tags`. */
  readonly translatableKeys?: readonly string[];
  /** Path for error messages. */
  readonly file?: string | undefined;
  /** sha256 of the source, when the caller has it already (of the file's bytes). */
  readonly sourceHash?: string;
  /** Nesting and segment length allowed; each default from `defaultMarkdownLimits`. */
  readonly limits?: Partial<MarkdownLimits>;
}

export const defaultTranslatableKeys: readonly string[] = ['title', 'description', 'summary', 'tags'];

type Item =
  | { readonly type: 'text'; readonly value: string; readonly line?: number | undefined }
  | { readonly type: 'open' | 'close' | 'ph'; readonly code: number; readonly line?: number | undefined };

/** Placeholder that stands for one code while sentences are cut. */
const placeholder = '\uE000';

/** Hash of a source file, as recorded in outputs and caches. */
export function hashSource(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/**
 * Parse and extract a Markdown document. Throws `InputError` with the line:
 * `markdown_too_deep` before parsing when it nests deeper than `limits.maxNesting`,
 * `markdown_too_many_markers` before parsing when a paragraph has more inline markers than
 * `limits.maxInlineMarkers`,
 * `segment_too_long`, `markdown_too_complex` (the stack ran out all the same).
 */
export function extractDocument(source: string, options: ExtractOptions = {}): ExtractedDocument {
  const limits = { ...defaultMarkdownLimits, ...options.limits };
  const nesting = measureNesting(source, limits.maxNesting);
  if (nesting.depth > limits.maxNesting) throw tooDeep(nesting.depth, nesting.line, limits.maxNesting, options.file);
  const markers = inlineMarkers(source, limits.maxInlineMarkers);
  if (markers.count > limits.maxInlineMarkers) {
    throw new InputError('markdown_too_many_markers', `a paragraph with more than ${limits.maxInlineMarkers} inline markers (limits.maxInlineMarkers)`, {
      ...(options.file === undefined ? {} : { file: options.file }),
      line: markers.line,
      data: { count: markers.count, limit: limits.maxInlineMarkers },
    });
  }
  let tree: Root;
  try {
    tree = parseMarkdown(source);
  } catch (error) {
    // Within the limits this should not happen; if it does, the deepest line is the best guess.
    throw asTooComplex(error, nesting.line, options.file);
  }
  return extractFromTree(tree, source, { ...options, limits });
}

/** Extract units and segments from a parsed tree of `source` (the limits of `extractDocument` but nesting before parsing). */
export function extractFromTree(tree: Root, source: string, options: ExtractOptions = {}): ExtractedDocument {
  const builder = new DocumentBuilder(source, options);
  try {
    builder.visit(tree);
  } catch (error) {
    throw asTooComplex(error, builder.line, options.file);
  }
  return builder.finish();
}

function tooDeep(depth: number, line: number, limit: number, file: string | undefined): InputError {
  return new InputError('markdown_too_deep', `nested ${depth} levels deep, over the limit of ${limit} (limits.maxNesting)`, {
    ...(file === undefined ? {} : { file }),
    line,
    data: { depth, limit },
  });
}

/** A stack overflow (or another `RangeError`: a string too long) as an input error at `line`; other errors as they are. */
function asTooComplex(error: unknown, line: number, file: string | undefined): unknown {
  if (!(error instanceof RangeError)) return error;
  return new InputError('markdown_too_complex', `the Markdown is too complex to read: ${error.message}`, {
    ...(file === undefined ? {} : { file }),
    line,
    cause: error,
    data: { reason: error.message },
  });
}

class DocumentBuilder {
  readonly units: Unit[] = [];
  readonly segments: Segment[] = [];
  meta: Record<string, unknown> = {};
  readonly #source: string;
  readonly #lang: string;
  readonly #keys: readonly string[];
  readonly #file: string | undefined;
  readonly #sourceHash: string | undefined;
  readonly #limits: MarkdownLimits;
  /** Line of the block being extracted, for errors. */
  line = 1;

  constructor(source: string, options: ExtractOptions) {
    this.#sourceHash = options.sourceHash;
    this.#limits = { ...defaultMarkdownLimits, ...options.limits };
    this.#source = source;
    this.#lang = options.lang ?? 'pl';
    this.#keys = options.translatableKeys ?? defaultTranslatableKeys;
    this.#file = options.file;
  }

  finish(): ExtractedDocument {
    return { sourceHash: this.#sourceHash ?? hashSource(this.#source), meta: this.meta, units: this.units, segments: this.segments };
  }

  visit(node: Nodes): void {
    if ('position' in node && node.position !== undefined) this.line = node.position.start.line;
    switch (node.type) {
      case 'yaml':
        this.#frontmatter(node.value, node.position?.start.offset, node.position?.start.line);
        return;
      case 'paragraph':
        this.#block(node, 'paragraph');
        return;
      case 'heading':
        this.#block(node, headingConstruct(node, this.#source));
        return;
      case 'tableCell':
        this.#block(node, 'tableCell');
        return;
      case 'definition':
        this.#definition(node);
        return;
      default:
        break;
    }
    if ('children' in node) {
      for (const child of node.children) this.visit(child);
    }
  }

  /** Add a segment, `source` as tagged text and `text` without codes and escapes; `lineOf` tells where it starts, asked only when it is refused. */
  #segment(source: string, text: string, codeKinds: readonly CodeKind[], role: SegmentRole, lineOf: () => number): number {
    const limit = this.#limits.maxSegmentCharacters;
    if (text.length > limit) {
      // Refused, not cut: a cut inside a sentence (or inside a `<pc>`) would be translated as
      // two fragments, and a sentence this long is data or a missing full stop, not prose.
      throw new InputError('segment_too_long', `a segment of ${text.length} characters, over the limit of ${limit} (limits.maxSegmentCharacters)`, {
        ...(this.#file === undefined ? {} : { file: this.#file }),
        line: lineOf(),
        data: { characters: text.length, limit },
      });
    }
    const segment: Segment = {
      id: segmentId(source, codeKinds, role),
      source,
      codeKinds,
      role,
      translatable: /\p{L}/u.test(text),
      words: countWords(text),
      characters: text.length,
    };
    this.segments.push(segment);
    return this.segments.length - 1;
  }

  #attribute(value: string | null | undefined, role: SegmentRole, line: number): number | undefined {
    if (value === null || value === undefined || !/\p{L}/u.test(value)) return undefined;
    const text = normalizeSpace(value);
    return this.#segment(escapeText(text), text, [], role, () => line);
  }

  #frontmatter(yamlText: string, offset: number | undefined, line: number | undefined): void {
    // The YAML text starts on the line after the opening fence.
    const start = this.#source.indexOf('\n', offset ?? 0) + 1;
    const read = readFrontmatter(yamlText, { file: this.#file, firstLine: (line ?? 1) + 1 });
    this.meta = read.data;
    const values: MetaValue[] = [];
    for (const key of this.#keys) {
      const value = read.data[key];
      const role: SegmentRole = key === 'tags' ? 'tag' : 'meta';
      if (typeof value === 'string') {
        const segment = this.#attribute(value, role, this.line);
        if (segment !== undefined) values.push({ path: [key], segment });
      } else if (Array.isArray(value)) {
        value.forEach((entry: unknown, index) => {
          if (typeof entry !== 'string') return;
          const segment = this.#attribute(entry, role, this.line);
          if (segment !== undefined) values.push({ path: [key, index], segment });
        });
      }
    }
    this.units.push({ type: 'frontmatter', start, end: start + yamlText.length, values });
  }

  #definition(node: Definition): void {
    const title = this.#attribute(node.title, 'title', this.line);
    const position = node.position;
    if (title === undefined || position?.start.offset === undefined || position.end.offset === undefined) return;
    this.units.push({
      type: 'definition',
      start: position.start.offset,
      end: position.end.offset,
      line: position.start.line,
      data: { identifier: node.identifier, label: node.label ?? null, url: node.url, title: node.title ?? null },
      title,
    });
  }

  #block(node: Paragraph | Heading | TableCell, construct: Construct): void {
    const first = node.children[0];
    const last = node.children.at(-1);
    const start = first?.position?.start.offset;
    const end = last?.position?.end.offset;
    if (first === undefined || start === undefined || end === undefined) return;
    const codes: InlineCode[] = [];
    const items: Item[] = [];
    for (const child of node.children) this.#flatten(child, codes, items, 0);
    const pieces = this.#pieces(items, codes);
    if (!pieces.some((piece) => 'segment' in piece)) return;
    this.units.push({
      type: 'block',
      construct,
      start,
      end,
      line: first.position?.start.line ?? 1,
      prefix: continuationPrefix(this.#source, start),
      codes,
      pieces,
    });
  }

  /** Inline content as items; `depth` counts the paired codes around `node`. */
  #flatten(node: PhrasingContent, codes: InlineCode[], items: Item[], depth: number): void {
    const line = node.position?.start.line;
    if (node.type === 'text') {
      items.push({ type: 'text', value: node.value, line });
      return;
    }
    const kind = codeKindOf(node);
    const code: InlineCode = { kind, data: dataOf(node), ...this.#attributesOf(node, kind, line ?? this.line) };
    codes.push(code);
    const index = codes.length - 1;
    if (pairedKinds.has(kind) && 'children' in node) {
      // Emphasis in emphasis: the scan before parsing cannot see it, the tree can.
      if (depth + 1 > this.#limits.maxNesting) throw tooDeep(depth + 1, line ?? this.line, this.#limits.maxNesting, this.#file);
      items.push({ type: 'open', code: index, line });
      for (const child of node.children) this.#flatten(child, codes, items, depth + 1);
      items.push({ type: 'close', code: index, line });
    } else {
      items.push({ type: 'ph', code: index, line });
    }
  }

  #attributesOf(node: PhrasingContent, kind: CodeKind, line: number): Pick<InlineCode, 'attributes'> {
    if (kind === 'image' && node.type === 'image') {
      const alt = this.#attribute(node.alt, 'alt', line);
      const title = this.#attribute(node.title, 'title', line);
      return alt === undefined && title === undefined ? {} : { attributes: { alt, title } };
    }
    if (kind === 'imageReference' && node.type === 'imageReference') {
      const alt = this.#attribute(node.alt, 'alt', line);
      return alt === undefined ? {} : { attributes: { alt } };
    }
    if (kind === 'link' && node.type === 'link') {
      const title = this.#attribute(node.title, 'title', line);
      return title === undefined ? {} : { attributes: { title } };
    }
    return {};
  }

  /** Cut the unit's items into sentences and the whitespace between them. */
  #pieces(items: readonly Item[], codes: readonly InlineCode[]): Piece[] {
    const { flat, values, starts } = flatten(items);
    const spans = mergeInsidePairs(splitSentences(flat, this.#lang), flat, openPairs(items, starts));
    const pieces: Piece[] = [];
    let cursor = 0;
    for (const span of spans) {
      if (span.start > cursor) pieces.push({ gap: flat.slice(cursor, span.start) });
      const slice = sliceItems(items, values, starts, span.start, span.end);
      const { tagged, plain, kinds, codeMap } = renderSegment(slice, codes);
      pieces.push({ segment: this.#segment(tagged, plain, kinds, 'text', () => lineAt(items, starts, span.start) ?? this.line), codes: codeMap });
      cursor = span.end;
    }
    if (cursor < flat.length) pieces.push({ gap: flat.slice(cursor) });
    return pieces;
  }
}

/** The source line of flat offset `offset` of a unit's items: its item's line, plus the line breaks before it in that item. */
function lineAt(items: readonly Item[], starts: readonly number[], offset: number): number | undefined {
  let index = 0;
  while (index + 1 < items.length && (starts[index + 1] ?? 0) <= offset) index += 1;
  const item = items[index];
  if (item?.line === undefined) return undefined;
  if (item.type !== 'text') return item.line;
  // Each line break (with the spaces around it) became one space of the flat text.
  let line = item.line;
  let flat = 0;
  let raw = 0;
  const within = offset - (starts[index] ?? 0);
  for (const match of item.value.matchAll(/[ \t]*\r?\n[ \t]*/g)) {
    flat += match.index - raw;
    if (flat >= within) break;
    flat += 1;
    raw = match.index + match[0].length;
    line += 1;
  }
  return line;
}

function headingConstruct(node: Heading, source: string): Construct {
  const start = node.position?.start.offset ?? 0;
  return source.charCodeAt(start) === 35 /* # */ ? 'headingAtx' : 'headingSetext';
}

function codeKindOf(node: PhrasingContent): CodeKind {
  switch (node.type) {
    case 'emphasis':
    case 'strong':
    case 'delete':
    case 'linkReference':
    case 'inlineCode':
    case 'image':
    case 'imageReference':
    case 'break':
    case 'html':
    case 'footnoteReference':
      return node.type;
    case 'link':
      return isAutolink(node.url, node.children) ? 'autolink' : 'link';
    default:
      // Phrasing nodes of other extensions pass through untouched.
      return 'html';
  }
}

function isAutolink(url: string, children: readonly PhrasingContent[]): boolean {
  const only = children[0];
  if (children.length !== 1 || only?.type !== 'text') return false;
  const text = only.value;
  return url === text || url === `mailto:${text}` || url === `http://${text}` || url === `https://${text}`;
}

/** A node's attributes, children and position left out; autolinks keep their text. */
function dataOf(node: PhrasingContent): NodeData {
  const data: Record<string, string | number | boolean | null> = { type: node.type };
  for (const key of Object.keys(node)) {
    if (key === 'children' || key === 'position' || key === 'data' || key === 'type') continue;
    const value: unknown = (node as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) data[key] = value;
  }
  if (node.type === 'link' && node.children[0]?.type === 'text' && node.children.length === 1) {
    data['text'] = node.children[0].value;
  }
  if (codeKindOf(node) === 'html' && node.type !== 'html') data['raw'] = JSON.stringify(node);
  return data;
}

/**
 * The unit's text as one string, codes as one placeholder each: `values` are the items' parts
 * of it (text with its line breaks as spaces), and `starts` where each begins.
 */
function flatten(items: readonly Item[]): { flat: string; values: string[]; starts: number[] } {
  const values: string[] = [];
  const starts: number[] = [];
  let flat = '';
  for (const item of items) {
    const value = item.type === 'text' ? normalizeSpace(item.value) : placeholder;
    starts.push(flat.length);
    values.push(value);
    flat += value;
  }
  return { flat, values, starts };
}

/**
 * How many paired codes are open just before a flat position, asked for positions that never
 * decrease: a code's placeholder opens (or closes) its pair for every position after it.
 * (An array of every position's depth, made for every unit, cost more than the asking.)
 */
function openPairs(items: readonly Item[], starts: readonly number[]): (position: number) => number {
  let index = 0;
  let depth = 0;
  return (position) => {
    for (; index < items.length && (starts[index] ?? 0) < position; index++) {
      const type = items[index]?.type;
      if (type === 'open') depth += 1;
      else if (type === 'close') depth -= 1;
    }
    return depth;
  };
}

/** Join sentences whose boundary falls inside a paired code (`depthAt`: `openPairs`), or whose gap is not whitespace. */
function mergeInsidePairs(
  spans: readonly { start: number; end: number }[],
  flat: string,
  depthAt: (position: number) => number,
): { start: number; end: number }[] {
  const merged: { start: number; end: number }[] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    if (previous !== undefined) {
      if (depthAt(span.start) > 0 || !blank(flat, previous.end, span.start)) {
        previous.end = span.end;
        continue;
      }
    }
    merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

/** Whether `text` holds only whitespace (as `\s` reads it) from `from` to `to`. */
function blank(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (!isSpace(text.charCodeAt(at))) return false;
  return true;
}

/** The items between two flat offsets (`values` and `starts` as `flatten` gives them), text items cut at the edges. */
function sliceItems(items: readonly Item[], values: readonly string[], starts: readonly number[], from: number, to: number): Item[] {
  // The last item starting at or before `from`: items before it end before the span.
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((starts[middle] ?? 0) <= from) low = middle;
    else high = middle - 1;
  }
  const out: Item[] = [];
  for (let index = low; index < items.length; index++) {
    const item = items[index];
    const start = starts[index] ?? 0;
    if (item === undefined || start >= to) break;
    if (item.type !== 'text') {
      if (start >= from) out.push(item);
      continue;
    }
    const value = values[index] ?? '';
    const end = start + value.length;
    if (end <= from) continue;
    out.push({ type: 'text', value: value.slice(Math.max(0, from - start), Math.min(value.length, to - start)) });
  }
  return out;
}

function renderSegment(
  items: readonly Item[],
  codes: readonly InlineCode[],
): { tagged: string; plain: string; kinds: CodeKind[]; codeMap: number[] } {
  const local = new Map<number, number>();
  const codeMap: number[] = [];
  const kinds: CodeKind[] = [];
  let tagged = '';
  let plain = '';
  const idOf = (code: number): number => {
    let id = local.get(code);
    if (id === undefined) {
      codeMap.push(code);
      kinds.push(codes[code]?.kind ?? 'html');
      id = codeMap.length;
      local.set(code, id);
    }
    return id;
  };
  for (const item of items) {
    if (item.type === 'text') {
      tagged += escapeText(item.value);
      plain += item.value;
    } else if (item.type === 'open') tagged += `<pc id="${idOf(item.code)}">`;
    else if (item.type === 'close') tagged += '</pc>';
    else tagged += `<ph id="${idOf(item.code)}"/>`;
  }
  return { tagged, plain, kinds, codeMap };
}

/** Soft line breaks and the indentation around them read as one space. */
export function normalizeSpace(value: string): string {
  return value.includes('\n') || value.includes('\r') ? value.replace(/[ \t]*\r?\n[ \t]*/g, ' ') : value;
}

function segmentId(tagged: string, kinds: readonly CodeKind[], role: SegmentRole): string {
  // The one-shot hash: a Hash object a segment cost more than the hashing itself.
  return hash('sha256', `${role}\u0000${kinds.join(',')}\u0000${tagged}`, 'hex').slice(0, 20);
}

/**
 * What a continuation line of content starting at `offset` begins with: block quote
 * markers are kept, list markers and footnote labels become spaces of the same width.
 */
export function continuationPrefix(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const lead = source.slice(lineStart, offset);
  return lead.replace(/[^>\s]/g, ' ').replace(/\t/g, '    ');
}
