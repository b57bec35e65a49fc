/**
 * The editable target of one segment: a `contenteditable` where text is typed and inline codes
 * are chips that can be moved but neither lost nor invented.
 *
 * 1. Edits that would touch a chip (Backspace/Delete beside it, a selection over it replaced
 *    by typing, cut, a word deletion) are taken over: the text in the range goes, the chips
 *    stay. Backspace/Delete beside a chip steps over it.
 * 2. Paste and drop insert plain text only; copy and cut put plain text (no chips) on the
 *    clipboard; formatting commands and line breaks are refused.
 * 3. After every input the DOM is checked; anything not canonical is repaired and re-rendered
 *    from the model with the caret kept (the safety net for what 1 and 2 do not foresee).
 * 4. Chips move by Alt+Arrow (one word at a time) or by drag and drop inside the same target.
 * 5. Undo/redo is the editor's own (snapshots of parts), as the browser's history does not
 *    know about re-rendered DOM.
 */
import type { CodeView, Part } from '../api.js';
import {
  type Item,
  fromItems,
  isCanonical,
  isChip,
  offsetOf,
  readParts,
  renderParts,
  repairParts,
  sameParts,
  selectionOffsets,
  setSelection,
  toItems,
} from './chips.js';

/** The events `handleEvent` takes. */
export const editingEvents: readonly string[] = ['keydown', 'beforeinput', 'input', 'paste', 'copy', 'cut', 'dragstart', 'dragend', 'dragover', 'drop'];

interface Snapshot {
  readonly parts: readonly Part[];
  readonly caret: number;
}

let dragged: { editor: TargetEditor; index: number } | undefined;

/** A segment's editable target. */
export class TargetEditor {
  /** The `contenteditable` element. */
  readonly element: HTMLDivElement;
  /** Called after every change of the content (typing, moves, undo, `setParts`). */
  onChange: () => void = () => {};
  readonly #codes: readonly CodeView[];
  #undo: Snapshot[] = [];
  #redo: Snapshot[] = [];
  #lastSnapshotAt = 0;
  #lastInputType = '';

  constructor(element: HTMLDivElement, codes: readonly CodeView[], parts: readonly Part[]) {
    this.element = element;
    this.#codes = codes;
    element.contentEditable = 'true';
    element.spellcheck = true;
    renderParts(element, repairParts(parts, codes), codes, true);
  }

  /**
   * Handle an event on the element. The editor view listens once for all its segments and
   * passes each event here (`editingEvents`), rather than every target adding eleven listeners.
   */
  handleEvent(event: Event): void {
    switch (event.type) {
      case 'keydown':
        this.#keydown(event as KeyboardEvent);
        break;
      case 'beforeinput':
        this.#beforeInput(event as InputEvent);
        break;
      case 'input':
        this.#input();
        break;
      case 'paste':
        this.#paste(event as ClipboardEvent);
        break;
      case 'copy':
      case 'cut':
        this.#copy(event as ClipboardEvent, event.type === 'cut');
        break;
      case 'dragstart':
        this.#dragStart(event as DragEvent);
        break;
      case 'dragend':
        dragged = undefined;
        break;
      case 'dragover':
        this.#dragOver(event as DragEvent);
        break;
      case 'drop':
        this.#drop(event as DragEvent);
        break;
    }
  }

  /** The target as parts, with exactly the segment's codes. */
  get parts(): Part[] {
    return repairParts(readParts(this.element), this.#codes);
  }

  /** Replace the content (a suggestion used, a conflict's current text); undoable. */
  setParts(parts: readonly Part[], options: { readonly undoable?: boolean } = {}): void {
    const next = repairParts(parts, this.#codes);
    if (sameParts(next, this.parts)) return;
    if (options.undoable !== false) this.#snapshot(true);
    renderParts(this.element, next, this.#codes, true);
    this.onChange();
  }

  /** Move the chip at the caret one word left or right; true when one moved. */
  moveChip(direction: -1 | 1): boolean {
    const items = toItems(this.parts);
    const caret = selectionOffsets(this.element)?.start ?? 0;
    const index = typeof items[caret] === 'object' ? caret : typeof items[caret - 1] === 'object' ? caret - 1 : -1;
    if (index < 0) return false;
    const [chip] = items.splice(index, 1);
    if (chip === undefined) return false;
    let target = index;
    const isSpace = (item: Item | undefined): boolean => typeof item === 'string' && /\s/.test(item);
    const isWord = (item: Item | undefined): boolean => typeof item === 'string' && !/\s/.test(item);
    if (direction > 0) {
      while (target < items.length && isSpace(items[target])) target += 1;
      if (typeof items[target] === 'object') target += 1;
      else while (target < items.length && isWord(items[target])) target += 1;
    } else {
      while (target > 0 && isSpace(items[target - 1])) target -= 1;
      if (typeof items[target - 1] === 'object') target -= 1;
      else while (target > 0 && isWord(items[target - 1])) target -= 1;
    }
    if (target === index) {
      items.splice(index, 0, chip);
      return false;
    }
    items.splice(target, 0, chip);
    this.#commit(items, target);
    return true;
  }

  /** Undo the last change; true when there was one. */
  undo(): boolean {
    return this.#step(this.#undo, this.#redo);
  }

  /** Redo the last undone change; true when there was one. */
  redo(): boolean {
    return this.#step(this.#redo, this.#undo);
  }

  /** Go back to the last snapshot of `from`, keeping the text now in `to`. */
  #step(from: Snapshot[], to: Snapshot[]): boolean {
    const snapshot = from.pop();
    if (!snapshot) return false;
    to.push(this.#current());
    this.#restore(snapshot);
    return true;
  }

  #current(): Snapshot {
    return { parts: this.parts, caret: selectionOffsets(this.element)?.start ?? 0 };
  }

  #restore(snapshot: Snapshot): void {
    renderParts(this.element, snapshot.parts, this.#codes, true);
    setSelection(this.element, snapshot.caret);
    this.onChange();
  }

  /** Keep a snapshot for undo; typing of one kind within a second is one step. */
  #snapshot(force: boolean, inputType = ''): void {
    const now = Date.now();
    if (!force && inputType === this.#lastInputType && now - this.#lastSnapshotAt < 1000) return;
    this.#lastSnapshotAt = now;
    this.#lastInputType = inputType;
    this.#undo.push(this.#current());
    if (this.#undo.length > 200) this.#undo.shift();
    this.#redo = [];
  }

  /** Render items and put the caret at `caret`. */
  #commit(items: readonly Item[], caret: number): void {
    this.#snapshot(true);
    renderParts(this.element, repairParts(fromItems(items), this.#codes), this.#codes, true);
    setSelection(this.element, caret);
    this.onChange();
  }

  /** Replace the linear range [start, end) by `text`, keeping every chip in it. */
  #replaceKeepingChips(start: number, end: number, text: string): void {
    const items = toItems(this.parts);
    const kept = items.slice(start, end).filter((item) => typeof item === 'object');
    const inserted = Array.from({ length: text.length }, (_, i) => text.charAt(i));
    items.splice(start, end - start, ...inserted, ...kept);
    this.#commit(items, start + inserted.length);
  }

  #keydown(event: KeyboardEvent): void {
    const mod = event.ctrlKey || event.metaKey;
    if (event.key === 'Enter' && !mod) {
      event.preventDefault();
      return;
    }
    if (event.altKey && !mod && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      this.moveChip(event.key === 'ArrowLeft' ? -1 : 1);
      return;
    }
    if (mod && !event.altKey && (event.key === 'z' || event.key === 'Z' || event.key === 'y')) {
      event.preventDefault();
      if (event.key === 'y' || event.shiftKey) this.redo();
      else this.undo();
      return;
    }
    if ((event.key === 'Backspace' || event.key === 'Delete') && !event.altKey) {
      const range = selectionOffsets(this.element);
      if (!range || range.start !== range.end) return;
      const items = toItems(this.parts);
      const at = event.key === 'Backspace' ? range.start - 1 : range.start;
      if (typeof items[at] === 'object') {
        // A chip beside the caret: step over it instead of deleting it.
        event.preventDefault();
        setSelection(this.element, event.key === 'Backspace' ? range.start - 1 : range.start + 1);
      }
    }
  }

  #beforeInput(event: InputEvent): void {
    if (event.isComposing) return;
    const type = event.inputType;
    if (type.startsWith('format') || type === 'insertParagraph' || type === 'insertLineBreak' || type === 'insertFromDrop' || type === 'deleteByDrag') {
      event.preventDefault();
      return;
    }
    if (type === 'historyUndo' || type === 'historyRedo') {
      event.preventDefault();
      if (type === 'historyUndo') this.undo();
      else this.redo();
      return;
    }
    if (type === 'insertFromPaste') return; // Handled by the paste listener.
    const ranges = event.getTargetRanges();
    const first = ranges[0];
    const offsets = first ? this.#rangeOf(first) : selectionOffsets(this.element);
    if (!offsets) return;
    const items = toItems(this.parts);
    const touchesChip = items.slice(offsets.start, offsets.end).some((item) => typeof item === 'object');
    if (touchesChip) {
      event.preventDefault();
      const text = type.startsWith('insert') ? (event.data ?? event.dataTransfer?.getData('text/plain') ?? '') : '';
      this.#replaceKeepingChips(offsets.start, offsets.end, text.replace(/[\r\n]+/g, ' '));
      return;
    }
    this.#snapshot(false, type);
  }

  #rangeOf(range: StaticRange): { start: number; end: number } {
    const start = offsetOf(this.element, range.startContainer, range.startOffset);
    let end = offsetOf(this.element, range.endContainer, range.endOffset);
    if (range.endContainer !== this.element && !this.element.contains(range.endContainer)) end = start;
    let node: Node | null = range.endContainer;
    while (node && node !== this.element) {
      if (isChip(node)) {
        end += 1;
        break;
      }
      node = node.parentNode;
    }
    return { start, end: Math.max(start, end) };
  }

  #input(): void {
    if (!isCanonical(this.element, this.#codes)) {
      const caret = selectionOffsets(this.element)?.start ?? 0;
      renderParts(this.element, this.parts, this.#codes, true);
      if (document.activeElement === this.element) setSelection(this.element, caret);
    }
    this.onChange();
  }

  #paste(event: ClipboardEvent): void {
    event.preventDefault();
    const text = (event.clipboardData?.getData('text/plain') ?? '').replace(/\s*[\r\n]+\s*/g, ' ');
    const range = selectionOffsets(this.element);
    if (!range) return;
    this.#replaceKeepingChips(range.start, range.end, text);
  }

  #copy(event: ClipboardEvent, cut: boolean): void {
    const range = selectionOffsets(this.element);
    if (!range || !event.clipboardData) return;
    event.preventDefault();
    const items = toItems(this.parts).slice(range.start, range.end);
    event.clipboardData.setData('text/plain', items.filter((item) => typeof item === 'string').join(''));
    if (cut) this.#replaceKeepingChips(range.start, range.end, '');
  }

  #dragStart(event: DragEvent): void {
    const chip = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('[data-code]') : null;
    if (!chip || !event.dataTransfer) return;
    const index = offsetOf(this.element, this.element, Array.prototype.indexOf.call(this.element.childNodes, chip) as number);
    dragged = { editor: this, index };
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('application/x-hansa-chip', String(index));
  }

  #dragOver(event: DragEvent): void {
    if (dragged?.editor === this || event.dataTransfer?.types.includes('text/plain')) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = dragged ? 'move' : 'copy';
    }
  }

  #drop(event: DragEvent): void {
    event.preventDefault();
    const at = this.#offsetAtPoint(event.clientX, event.clientY);
    if (dragged) {
      if (dragged.editor !== this || at === undefined) return;
      const items = toItems(this.parts);
      const from = dragged.index;
      dragged = undefined;
      const [chip] = items.splice(from, 1);
      if (chip === undefined) return;
      // `at` was measured with the chip still in place.
      const adjusted = Math.min(at > from ? at - 1 : at, items.length);
      items.splice(adjusted, 0, chip);
      this.element.focus();
      this.#commit(items, adjusted + 1);
      return;
    }
    const text = (event.dataTransfer?.getData('text/plain') ?? '').replace(/\s*[\r\n]+\s*/g, ' ');
    if (text && at !== undefined) this.#replaceKeepingChips(at, at, text);
  }

  #offsetAtPoint(x: number, y: number): number | undefined {
    const position = document.caretPositionFromPoint?.(x, y);
    if (position && this.element.contains(position.offsetNode)) return offsetOf(this.element, position.offsetNode, position.offset);
    const range = document.caretRangeFromPoint?.(x, y);
    if (range && this.element.contains(range.startContainer)) return offsetOf(this.element, range.startContainer, range.startOffset);
    return undefined;
  }
}
