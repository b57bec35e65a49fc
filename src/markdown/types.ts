/**
 * The extracted form of one Markdown document: what the translation stages see.
 *
 * Everything here is plain JSON so that it can be cached in `.hansa/` and sent
 * between worker threads without a re-parse.
 */

/** Inline markup that a segment carries as an XLIFF-style code. */
export type CodeKind =
  | 'emphasis'
  | 'strong'
  | 'delete'
  | 'link'
  | 'linkReference'
  | 'autolink'
  | 'inlineCode'
  | 'image'
  | 'imageReference'
  | 'break'
  | 'html'
  | 'footnoteReference';

/** Codes that enclose text (`<pc>`); the rest are standalone (`<ph>`). */
export const pairedKinds: ReadonlySet<CodeKind> = new Set([
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
]);

/** The attributes of an inline mdast node, without children and position. */
export type NodeData = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** One inline code of a unit. */
export interface InlineCode {
  readonly kind: CodeKind;
  /** The node's own data (url, title, value, identifier …), children excluded. */
  readonly data: NodeData;
  /** Segment indexes of translatable attributes (image alt, link or image title). */
  readonly attributes?: { readonly alt?: number; readonly title?: number };
}

/** Where a segment's text comes from: it decides how it is put back. */
export type SegmentRole = 'text' | 'alt' | 'title' | 'meta' | 'tag';

/** A sentence (or attribute value) to translate. */
export interface Segment {
  /** Hash of the source text and code kinds: unchanged text keeps its translation wherever it moves. */
  readonly id: string;
  /** Source as tagged text: XML-escaped, codes as `<pc id="n">…</pc>` and `<ph id="n"/>` numbered from 1. */
  readonly source: string;
  /** Kind of each local code id (index 0 is id 1). */
  readonly codeKinds: readonly CodeKind[];
  readonly role: SegmentRole;
  /** False when the segment holds no letters (numbers, codes, punctuation): it is copied, never sent. */
  readonly translatable: boolean;
  readonly words: number;
  readonly characters: number;
}

/** A piece of a block unit: a segment, or the whitespace between two. */
export type Piece = { readonly segment: number; readonly codes: readonly number[] } | { readonly gap: string };

/** The constructs a block unit can live in; they decide what must be escaped. */
export type Construct = 'paragraph' | 'headingAtx' | 'headingSetext' | 'tableCell';

/** A heading, paragraph or table cell whose inline content is translated. */
export interface BlockUnit {
  readonly type: 'block';
  readonly construct: Construct;
  /** Offsets of the inline content in the source (first child start … last child end). */
  readonly start: number;
  readonly end: number;
  /** 1-based line of the content's start, for findings. */
  readonly line: number;
  /** What a continuation line of this content starts with (blockquote markers, list indentation). */
  readonly prefix: string;
  readonly codes: readonly InlineCode[];
  readonly pieces: readonly Piece[];
}

/** A link reference definition whose title is translated. */
export interface DefinitionUnit {
  readonly type: 'definition';
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly data: NodeData;
  readonly title: number;
}

/** A translatable value in the YAML frontmatter. */
export interface MetaValue {
  /** Key path inside the frontmatter, e.g. `['tags', 0]`. */
  readonly path: readonly (string | number)[];
  readonly segment: number;
}

/** The YAML frontmatter block. */
export interface FrontmatterUnit {
  readonly type: 'frontmatter';
  /** Offsets of the YAML text between the fences. */
  readonly start: number;
  readonly end: number;
  readonly values: readonly MetaValue[];
}

export type Unit = BlockUnit | DefinitionUnit | FrontmatterUnit;

/** A document cut into units and segments. */
export interface ExtractedDocument {
  /** sha256 of the source bytes. */
  readonly sourceHash: string;
  /** Frontmatter as data (all keys), or an empty object. */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly units: readonly Unit[];
  readonly segments: readonly Segment[];
}
