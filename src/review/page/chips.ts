/**
 * Parts ⇄ DOM: a segment's `Part[]` as text nodes and inline-code chips, and back.
 *
 * 1. A chip is an atomic `<span contenteditable="false" data-code data-tag>`; its label says
 *    the code's kind and whether it opens, closes or stands alone (`role="img"` + `aria-label`).
 * 2. The editor's only legal children are text nodes and chips ("canonical"); anything a
 *    browser adds (`<br>`, `<b>`, `<div>`) is folded back into text by `repairParts`.
 * 3. The codes of a target are exactly the source's: `repairParts` drops unknown and repeated
 *    codes and re-adds missing ones, so a chip can be moved but never lost or invented.
 * 4. Editing works on a linear model (`Item[]`: one UTF-16 unit of text or one code per item),
 *    so caret offsets survive a re-render.
 */
import type { CodeView, Part } from '../api.js';
import { t } from './i18n.js';

/** An inline code in a `Part[]`. */
export type CodePart = { readonly open: number } | { readonly close: number } | { readonly ph: number };

/** One step of the linear model: a UTF-16 unit of text, or a code. */
export type Item = string | CodePart;

/** Whether a part is an inline code. */
export function isCode(part: Part): part is CodePart {
  return !('text' in part);
}

/** A code's tag and id. */
export function codeTag(part: CodePart): { readonly tag: 'open' | 'close' | 'ph'; readonly id: number } {
  if ('open' in part) return { tag: 'open', id: part.open };
  if ('close' in part) return { tag: 'close', id: part.close };
  return { tag: 'ph', id: part.ph };
}

/** A stable key for a code part (`open:1`), to compare sets of codes. */
export function codeKey(part: CodePart): string {
  const { tag, id } = codeTag(part);
  return `${tag}:${id}`;
}

function partOf(tag: string, id: number): CodePart | undefined {
  if (tag === 'open') return { open: id };
  if (tag === 'close') return { close: id };
  if (tag === 'ph') return { ph: id };
  return undefined;
}

/** The code parts a segment must hold, in the source's order of ids. */
export function expectedCodes(codes: readonly CodeView[]): CodePart[] {
  const result: CodePart[] = [];
  for (const code of codes) {
    if (code.paired) result.push({ open: code.id }, { close: code.id });
    else result.push({ ph: code.id });
  }
  return result;
}

const chipPrototypes = new Map<string, HTMLSpanElement>();

/** A chip element for a code; `editable` chips are draggable and atomic in a contenteditable. */
export function chipElement(part: CodePart, codes: readonly CodeView[], editable: boolean): HTMLSpanElement {
  const { tag, id } = codeTag(part);
  const code = codes.find((c) => c.id === id);
  const kind = code?.kind ?? '?';
  const disp = code?.disp ?? '?';
  const label = t(`chip.${tag}`, { id, kind: t(`kind.${kind}`, { defaultValue: kind }) });
  // Chips repeat across a long article: build each kind once and clone it.
  const key = `${tag}\u0000${id}\u0000${disp}\u0000${label}\u0000${editable}`;
  let prototype = chipPrototypes.get(key);
  if (!prototype) {
    prototype = document.createElement('span');
    prototype.className = `chip chip-${tag}`;
    prototype.dataset.code = String(id);
    prototype.dataset.tag = tag;
    prototype.setAttribute('role', 'img');
    prototype.setAttribute('aria-label', label);
    prototype.title = label;
    if (editable) {
      prototype.contentEditable = 'false';
      prototype.draggable = true;
    }
    const num = document.createElement('span');
    num.className = 'chip-id';
    num.textContent = String(id);
    const text = document.createElement('span');
    text.className = 'chip-disp';
    text.textContent = disp;
    if (tag === 'close') prototype.append(text, num);
    else prototype.append(num, text);
    if (chipPrototypes.size > 2000) chipPrototypes.clear();
    chipPrototypes.set(key, prototype);
  }
  return prototype.cloneNode(true) as HTMLSpanElement;
}

/** Whether a node is a chip. */
export function isChip(node: Node): node is HTMLElement {
  return node instanceof HTMLElement && node.dataset.code !== undefined && node.dataset.tag !== undefined;
}

function chipPart(chip: HTMLElement): CodePart | undefined {
  return partOf(chip.dataset.tag ?? '', Number(chip.dataset.code));
}

/** Fill `root` with the parts: text nodes and chips. */
export function renderParts(root: HTMLElement, parts: readonly Part[], codes: readonly CodeView[], editable: boolean): void {
  const fragment = document.createDocumentFragment();
  for (const part of parts) {
    if (isCode(part)) fragment.append(chipElement(part, codes, editable));
    else if (part.text) fragment.append(document.createTextNode(part.text));
  }
  root.replaceChildren(fragment);
}

/** The parts the DOM under `root` holds, as it is (not repaired): stray elements count as text. */
export function readParts(root: Node): Part[] {
  const parts: Part[] = [];
  const walk = (node: Node): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        const text = (child as Text).data;
        if (text) parts.push({ text });
      } else if (isChip(child)) {
        const part = chipPart(child);
        if (part) parts.push(part);
      } else if (child instanceof HTMLBRElement) {
        // A browser's placeholder line break: not content.
      } else {
        walk(child);
      }
    }
  };
  walk(root);
  return mergeText(parts);
}

/** Join neighbouring text runs and drop empty ones. */
export function mergeText(parts: readonly Part[]): Part[] {
  const result: Part[] = [];
  for (const part of parts) {
    const last = result[result.length - 1];
    if (!isCode(part)) {
      if (!part.text) continue;
      if (last && !isCode(last)) result[result.length - 1] = { text: last.text + part.text };
      else result.push({ text: part.text });
    } else {
      result.push(part);
    }
  }
  return result;
}

/**
 * The parts with exactly the segment's codes: line breaks become spaces, unknown or repeated
 * codes are dropped, missing ones are added at the end (where a check will point them out).
 */
export function repairParts(parts: readonly Part[], codes: readonly CodeView[]): Part[] {
  const expected = expectedCodes(codes);
  const allowed = new Set(expected.map(codeKey));
  const seen = new Set<string>();
  const result: Part[] = [];
  for (const part of parts) {
    if (isCode(part)) {
      const key = codeKey(part);
      if (!allowed.has(key) || seen.has(key)) continue;
      seen.add(key);
      result.push(part);
    } else {
      result.push({ text: part.text.replace(/[\r\n\u2028\u2029]+/g, ' ') });
    }
  }
  for (const part of expected) if (!seen.has(codeKey(part))) result.push(part);
  return mergeText(result);
}

/** Whether `root` holds only text nodes and chips, with exactly the segment's codes once each. */
export function isCanonical(root: HTMLElement, codes: readonly CodeView[]): boolean {
  const expected = new Set(expectedCodes(codes).map(codeKey));
  const seen = new Set<string>();
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      if (/[\r\n]/.test((child as Text).data)) return false;
      continue;
    }
    if (child instanceof HTMLBRElement && child === root.lastChild) continue;
    if (!isChip(child)) return false;
    const part = chipPart(child);
    if (!part) return false;
    const key = codeKey(part);
    if (!expected.has(key) || seen.has(key)) return false;
    seen.add(key);
  }
  return seen.size === expected.size;
}

/** Parts → linear items. */
export function toItems(parts: readonly Part[]): Item[] {
  const items: Item[] = [];
  for (const part of parts) {
    if (isCode(part)) items.push(part);
    else for (let i = 0; i < part.text.length; i += 1) items.push(part.text.charAt(i));
  }
  return items;
}

/** Linear items → parts. */
export function fromItems(items: readonly Item[]): Part[] {
  return mergeText(items.map((item) => (typeof item === 'string' ? { text: item } : item)));
}

function itemLength(node: Node): number {
  if (node.nodeType === Node.TEXT_NODE) return (node as Text).data.length;
  if (isChip(node)) return 1;
  if (node instanceof HTMLBRElement) return 0;
  return node.textContent?.length ?? 0;
}

/** The linear offset of a DOM position inside `root` (a position inside a chip counts as before it). */
export function offsetOf(root: HTMLElement, node: Node, offset: number): number {
  if (node === root) {
    let sum = 0;
    const children = root.childNodes;
    for (let i = 0; i < offset && i < children.length; i += 1) sum += itemLength(children[i] as Node);
    return sum;
  }
  if (!root.contains(node)) {
    const before = root.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING;
    return before ? 0 : offsetOf(root, root, root.childNodes.length);
  }
  let child: Node = node;
  while (child.parentNode && child.parentNode !== root) child = child.parentNode;
  let sum = 0;
  for (let sibling = child.previousSibling; sibling; sibling = sibling.previousSibling) sum += itemLength(sibling);
  if (child === node && child.nodeType === Node.TEXT_NODE) return sum + offset;
  return sum;
}

/** The DOM position of a linear offset inside a canonical `root`. */
export function positionAt(root: HTMLElement, offset: number): { node: Node; offset: number } {
  let left = offset;
  const children = Array.from(root.childNodes);
  for (let i = 0; i < children.length; i += 1) {
    const child = children[i] as Node;
    const length = itemLength(child);
    if (child.nodeType === Node.TEXT_NODE) {
      if (left <= length) return { node: child, offset: left };
    } else if (left === 0) {
      return { node: root, offset: i };
    }
    left -= length;
  }
  return { node: root, offset: children.length };
}

/** The selection's linear range inside `root`, or undefined when the selection is elsewhere. */
export function selectionOffsets(root: HTMLElement): { start: number; end: number } | undefined {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0) return undefined;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return undefined;
  return rangeOffsets(root, range);
}

/** A range's linear offsets inside `root`. */
export function rangeOffsets(root: HTMLElement, range: AbstractRange): { start: number; end: number } {
  const start = offsetOf(root, range.startContainer, range.startOffset);
  let end = offsetOf(root, range.endContainer, range.endOffset);
  // A range ending inside a chip covers the chip.
  let endNode: Node | null = range.endContainer;
  while (endNode && endNode !== root) {
    if (isChip(endNode)) {
      end += 1;
      break;
    }
    endNode = endNode.parentNode;
  }
  return { start, end: Math.max(start, end) };
}

/** Put the caret (or a selection) at linear offsets inside `root`. */
export function setSelection(root: HTMLElement, start: number, end = start): void {
  const selection = document.getSelection();
  if (!selection) return;
  const a = positionAt(root, start);
  const b = positionAt(root, end);
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  selection.removeAllRanges();
  selection.addRange(range);
}


/** Whether two part arrays are the same. */
export function sameParts(a: readonly Part[], b: readonly Part[]): boolean {
  const x = mergeText(a);
  const y = mergeText(b);
  if (x.length !== y.length) return false;
  return x.every((part, i) => {
    const other = y[i] as Part;
    if (isCode(part) || isCode(other)) return isCode(part) && isCode(other) && codeKey(part) === codeKey(other);
    return part.text === other.text;
  });
}
