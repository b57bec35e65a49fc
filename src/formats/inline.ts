/**
 * What the exchange formats (XLIFF 1.2, PO, TMX) share: reading the store's tagged text
 * into runs, building tagged text back from a tool's inline markup, and the errors a
 * translator's file earns.
 */
import { InputError } from '../errors/index.js';
import type { CodeKind } from '../markdown/types.js';
import { parseTagged, renderTagged, type Run } from '../markdown/tagged.js';
import type { StoreCode, Suggestion, TranslationState } from './types.js';
import { translationStates } from './types.js';

/**
 * The runs of a tagged text from the store. The store only holds well-formed tagged text,
 * so a problem here means a damaged segment file, reported as such.
 */
export function storeRuns(tagged: string, segmentId: string): Run[] {
  const parsed = parseTagged(tagged);
  if ('runs' in parsed) return parsed.runs;
  const reason = `segment ${segmentId} has malformed tagged text (${parsed.problem.code})`;
  throw new InputError('segment_file_invalid', reason, { data: { reason } });
}

/** The error for a translator's file that cannot be imported, pointing at `file:line`. */
export function importError(file: string, line: number, reason: string): InputError {
  return new InputError('import_invalid', `cannot import: ${reason}`, { file, line, data: { reason } });
}

/**
 * Builds tagged text from a tool's inline markup, which may open and close codes as
 * separate elements (`<bpt>`/`<ept>`, `<bx>`/`<ex>`): keys name the codes as the tool
 * does, and a close must end the code opened last, as tagged text nests.
 */
export class TaggedBuilder {
  readonly #runs: Run[] = [];
  readonly #open: { readonly key: string; readonly id: number }[] = [];

  text(value: string): void {
    const last = this.#runs.at(-1);
    if (last?.type === 'text') this.#runs[this.#runs.length - 1] = { type: 'text', value: last.value + value };
    else if (value !== '') this.#runs.push({ type: 'text', value });
  }

  open(id: number, key = String(id)): void {
    this.#open.push({ key, id });
    this.#runs.push({ type: 'open', id });
  }

  /** Close the code opened last; false when `key` names another code (or none is open). */
  close(key?: string): boolean {
    const top = this.#open.at(-1);
    if (top === undefined || (key !== undefined && key !== top.key)) return false;
    this.#open.pop();
    this.#runs.push({ type: 'close', id: top.id });
    return true;
  }

  ph(id: number): void {
    this.#runs.push({ type: 'ph', id });
  }

  /** Codes still open. */
  get unclosed(): number {
    return this.#open.length;
  }

  /** The tagged text. */
  tagged(): string {
    return renderTagged(this.#runs);
  }
}

/** A code id as exchange files write it: a positive integer, else undefined. */
export function codeId(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9]\d{0,8}$/.test(value)) return undefined;
  return Number(value);
}

const kindNames: Readonly<Record<CodeKind, string>> = {
  emphasis: 'emphasis',
  strong: 'strong',
  delete: 'strikethrough',
  link: 'link',
  linkReference: 'link',
  autolink: 'autolink',
  inlineCode: 'inline code',
  image: 'image',
  imageReference: 'image',
  break: 'line break',
  html: 'HTML',
  footnoteReference: 'footnote',
};

/** One line per code telling a translator what its tag stands for: `1 = ** (strong)`. */
export function codeLegend(codes: readonly StoreCode[]): string[] {
  return codes.map((code, index) => `${index + 1} = ${code.disp} (${kindNames[code.kind]})`);
}

/** True for a known state name. */
export function isTranslationState(value: string): value is TranslationState {
  return (translationStates as readonly string[]).includes(value);
}

/**
 * The suggestion a tool should show in place of a missing target: the translation of the
 * previous source first (what the translator had approved), then the most similar.
 */
export function bestSuggestion(suggestions: readonly Suggestion[] | undefined): Suggestion | undefined {
  if (suggestions === undefined || suggestions.length === 0) return undefined;
  const previous = suggestions.find((suggestion) => suggestion.kind === 'previous');
  if (previous !== undefined) return previous;
  return [...suggestions].sort((a, b) => (b.similarity ?? 0) - (a.similarity ?? 0))[0];
}

/** Text on one line, for comments and notes that must not break: line ends shown as `\n`. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\\n');
}
