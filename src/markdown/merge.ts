/**
 * Merge: translated segments back into the source text.
 *
 * 1. A unit whose segments all come back equal to their source is left as the
 *    author wrote it, byte for byte.
 * 2. A changed unit is rebuilt as mdast from its codes and the translated text,
 *    re-serialized with remark-stringify in the construct it lives in (so escaping
 *    fits a paragraph, an ATX heading or a table cell), and spliced into the source
 *    at the unit's offsets. Continuation lines get the unit's block-quote and list prefix.
 * 3. A target whose codes do not match its source is not used: the source stays, and
 *    the problem is reported.
 * 4. Frontmatter is rewritten through the YAML document model, keeping the author's
 *    formatting of keys that do not change.
 */
import type { Definition, PhrasingContent, Root } from 'mdast';
import type { Info, State } from 'mdast-util-to-markdown';
import { rewriteFrontmatter } from './frontmatter.js';
import { processor } from './parse.js';
import { readTarget, type Run, type TaggedProblem } from './tagged.js';
import type { BlockUnit, Construct, DefinitionUnit, ExtractedDocument, FrontmatterUnit, InlineCode, NodeData } from './types.js';

/** Phrasing content serialized inside a given construct; used only by merge. */
export interface HansaPhrasing {
  type: 'hansaPhrasing';
  construct: Construct;
  before: string;
  after: string;
  children: PhrasingContent[];
  /** Set by the handler: the serialized content. */
  result?: string;
}

declare module 'mdast' {
  interface RootContentMap {
    hansaPhrasing: HansaPhrasing;
  }
}

/** A target that could not be merged. */
export interface MergeProblem {
  readonly segment: number;
  readonly line: number;
  readonly problem: TaggedProblem;
}

/** Options of `mergeDocument`. */
export interface MergeOptions {
  /** Keys added to (or replaced in) the frontmatter. Default none. */
  readonly frontmatter?: Readonly<Record<string, unknown>>;
}

const stringifier = processor().data('settings', {
  handlers: { hansaPhrasing: serializeHansaPhrasing },
});

/**
 * Rebuild the document with `targets[i]` (tagged text) for segment `i`; a missing
 * target keeps the source.
 */
export function mergeDocument(
  source: string,
  document: ExtractedDocument,
  targets: readonly (string | undefined)[],
  options: MergeOptions = {},
): { output: string; problems: MergeProblem[] } {
  const problems: MergeProblem[] = [];
  const targetOf = (index: number): string | undefined => {
    const target = targets[index];
    const segment = document.segments[index];
    return target === undefined || segment === undefined || target === segment.source ? undefined : target;
  };
  const splices: { start: number; end: number; text: string }[] = [];
  const blocks: { unit: BlockUnit; node: HansaPhrasing }[] = [];
  let hasFrontmatter = false;
  for (const unit of document.units) {
    if (unit.type === 'block') {
      const node = mergeBlock(unit, document, targetOf, problems);
      if (node !== undefined) blocks.push({ unit, node });
    } else if (unit.type === 'definition') {
      const text = mergeDefinition(unit, document, targetOf);
      if (text !== undefined) splices.push({ start: unit.start, end: unit.end, text });
    } else {
      hasFrontmatter = true;
      const text = mergeFrontmatter(source, unit, document, targetOf, options.frontmatter ?? {});
      if (text !== undefined) splices.push({ start: unit.start, end: unit.end, text });
    }
  }
  serializeAll(blocks.map(({ node }) => node));
  for (const { unit, node } of blocks) {
    const text = (node.result ?? '').replace(/\n$/, '');
    splices.push({
      start: unit.start,
      end: unit.end,
      text: unit.construct === 'tableCell' ? text.replace(/\r?\n/g, ' ') : text.replace(/\n/g, `\n${unit.prefix}`),
    });
  }
  let output = applySplices(source, splices);
  if (!hasFrontmatter && options.frontmatter !== undefined && Object.keys(options.frontmatter).length > 0) {
    output = `---\n${rewriteFrontmatter('', [], options.frontmatter)}---\n\n${output}`;
  }
  return { output, problems };
}

function applySplices(source: string, splices: { start: number; end: number; text: string }[]): string {
  splices.sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const splice of splices) {
    out += source.slice(cursor, splice.start) + splice.text;
    cursor = splice.end;
  }
  return out + source.slice(cursor);
}

function mergeBlock(
  unit: BlockUnit,
  document: ExtractedDocument,
  targetOf: (index: number) => string | undefined,
  problems: MergeProblem[],
): HansaPhrasing | undefined {
  const attributeChanged = unit.codes.some(
    (code) =>
      (code.attributes?.alt !== undefined && targetOf(code.attributes.alt) !== undefined) ||
      (code.attributes?.title !== undefined && targetOf(code.attributes.title) !== undefined),
  );
  const textChanged = unit.pieces.some((piece) => 'segment' in piece && targetOf(piece.segment) !== undefined);
  if (!attributeChanged && !textChanged) return undefined;

  const runs: { run: Run; code?: number }[] = [];
  for (const piece of unit.pieces) {
    if ('gap' in piece) {
      runs.push({ run: { type: 'text', value: piece.gap } });
      continue;
    }
    const segment = document.segments[piece.segment];
    if (segment === undefined) continue;
    const target = targetOf(piece.segment) ?? segment.source;
    let read = readTarget(segment.source, target);
    if ('problem' in read) {
      problems.push({ segment: piece.segment, line: unit.line, problem: read.problem });
      read = readTarget(segment.source, segment.source);
      if ('problem' in read) continue;
    }
    for (const run of read.runs) {
      runs.push(run.type === 'text' ? { run } : { run, code: piece.codes[run.id - 1] });
    }
  }
  const children = buildPhrasing(runs, unit.codes, document, targetOf);
  const edge = unit.construct === 'tableCell' ? ' ' : '\n';
  return { type: 'hansaPhrasing', construct: unit.construct, before: edge, after: edge, children };
}

/** Build mdast phrasing nodes from runs whose codes are unit code indexes. */
function buildPhrasing(
  runs: readonly { run: Run; code?: number }[],
  codes: readonly InlineCode[],
  document: ExtractedDocument,
  targetOf: (index: number) => string | undefined,
): PhrasingContent[] {
  const root: PhrasingContent[] = [];
  const stack: PhrasingContent[][] = [root];
  const attributeText = (index: number | undefined): string | undefined => {
    if (index === undefined) return undefined;
    const target = targetOf(index) ?? document.segments[index]?.source;
    return target === undefined ? undefined : plainTarget(target);
  };
  for (const { run, code } of runs) {
    const current = stack.at(-1) ?? root;
    if (run.type === 'text') {
      if (run.value === '') continue;
      const previous = current.at(-1);
      if (previous?.type === 'text') previous.value += run.value;
      else current.push({ type: 'text', value: run.value });
      continue;
    }
    if (run.type === 'close') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const info = code === undefined ? undefined : codes[code];
    if (info === undefined) continue;
    const node = nodeOf(info, attributeText);
    current.push(node);
    if (run.type === 'open' && 'children' in node) stack.push(node.children as PhrasingContent[]);
  }
  return root;
}

function plainTarget(tagged: string): string {
  const read = readTarget(tagged, tagged);
  if ('problem' in read) return tagged;
  return read.runs.map((run) => (run.type === 'text' ? run.value : '')).join('');
}

function text(data: NodeData, key: string): string {
  const value = data[key];
  return typeof value === 'string' ? value : '';
}

function optionalText(data: NodeData, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' ? value : null;
}

function referenceType(data: NodeData): 'full' | 'collapsed' | 'shortcut' {
  const value = data['referenceType'];
  return value === 'collapsed' || value === 'shortcut' ? value : 'full';
}

/** A fresh mdast node for a code, with translated attributes. */
function nodeOf(code: InlineCode, attributeText: (index: number | undefined) => string | undefined): PhrasingContent {
  const data = code.data;
  const title = attributeText(code.attributes?.title) ?? optionalText(data, 'title');
  switch (code.kind) {
    case 'emphasis':
    case 'strong':
    case 'delete':
      return { type: code.kind, children: [] };
    case 'link':
      return { type: 'link', url: text(data, 'url'), title, children: [] };
    case 'autolink':
      return { type: 'link', url: text(data, 'url'), title, children: [{ type: 'text', value: text(data, 'text') }] };
    case 'linkReference':
      return { type: 'linkReference', identifier: text(data, 'identifier'), label: optionalText(data, 'label'), referenceType: referenceType(data), children: [] };
    case 'inlineCode':
      return { type: 'inlineCode', value: text(data, 'value') };
    case 'image':
      return { type: 'image', url: text(data, 'url'), title, alt: attributeText(code.attributes?.alt) ?? optionalText(data, 'alt') };
    case 'imageReference':
      return { type: 'imageReference', identifier: text(data, 'identifier'), label: optionalText(data, 'label'), referenceType: referenceType(data), alt: attributeText(code.attributes?.alt) ?? optionalText(data, 'alt') };
    case 'break':
      return { type: 'break' };
    case 'footnoteReference':
      return { type: 'footnoteReference', identifier: text(data, 'identifier'), label: optionalText(data, 'label') };
    case 'html': {
      const raw = data['raw'];
      return typeof raw === 'string' ? (JSON.parse(raw) as PhrasingContent) : { type: 'html', value: text(data, 'value') };
    }
  }
}

/** Serialize phrasing content as it would be written inside `construct`. */
export function serializePhrasing(children: PhrasingContent[], construct: Construct, before: string, after: string): string {
  const node: HansaPhrasing = { type: 'hansaPhrasing', construct, before, after, children };
  serializeAll([node]);
  return (node.result ?? '').replace(/\n$/, '');
}

/**
 * Serialize many phrasing nodes in one remark-stringify call: setting up the
 * serializer costs more than serializing a paragraph, so a document pays it once.
 */
function serializeAll(nodes: HansaPhrasing[]): void {
  if (nodes.length === 0) return;
  const tree: Root = { type: 'root', children: nodes };
  stringifier.stringify(tree);
}

/** Handler for `hansaPhrasing`: writes the node's result aside and adds nothing to the document. */
function serializeHansaPhrasing(node: HansaPhrasing, _parent: unknown, state: State, info: Info): string {
  const exit = state.enter(node.construct);
  const exitPhrasing = state.enter('phrasing');
  node.result = state.containerPhrasing(node, { ...info, before: node.before, after: node.after });
  exitPhrasing();
  exit();
  return '';
}

function mergeDefinition(
  unit: DefinitionUnit,
  document: ExtractedDocument,
  targetOf: (index: number) => string | undefined,
): string | undefined {
  const target = targetOf(unit.title);
  if (target === undefined || document.segments[unit.title] === undefined) return undefined;
  const node: Definition = {
    type: 'definition',
    identifier: text(unit.data, 'identifier'),
    label: optionalText(unit.data, 'label'),
    url: text(unit.data, 'url'),
    title: plainTarget(target),
  };
  return stringifier.stringify({ type: 'root', children: [node] }).replace(/\n$/, '');
}

function mergeFrontmatter(
  source: string,
  unit: FrontmatterUnit,
  document: ExtractedDocument,
  targetOf: (index: number) => string | undefined,
  additions: Readonly<Record<string, unknown>>,
): string | undefined {
  const replacements = unit.values.flatMap((value) => {
    const target = targetOf(value.segment);
    return target === undefined ? [] : [{ path: value.path, value: plainTarget(target) }];
  });
  if (replacements.length === 0 && Object.keys(additions).length === 0) return undefined;
  const yamlText = source.slice(unit.start, unit.end);
  const rewritten = rewriteFrontmatter(yamlText, replacements, additions);
  // An empty frontmatter has no newline of its own before the closing fence.
  return unit.start === unit.end ? rewritten : rewritten.replace(/\n$/, '');
}
