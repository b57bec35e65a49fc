/**
 * Checks of one translated segment (DESIGN §6), pure functions of source and target.
 *
 * The same checks serve two masters: the validation gate refuses machine output that
 * fails a blocking check before it can be accepted, and `hansa qa` reports every
 * finding over the segment files, human translations included.
 */
import { plainText, readTarget } from '../markdown/tagged.js';

/** What a check found. `error` blocks machine output at the gate and fails `hansa qa`. */
export interface SegmentFinding {
  readonly check: CheckName;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export type CheckName =
  | 'codes'
  | 'numbers'
  | 'urls'
  | 'empty'
  | 'truncated'
  | 'untranslated'
  | 'length_ratio'
  | 'whitespace'
  | 'end_punctuation'
  | 'quotes';

/** Options of `checkSegment`. */
export interface CheckOptions {
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
  /** Target/source length ratio outside which `length_ratio` is raised. Default 0.5–2. */
  readonly lengthRatio?: { readonly min: number; readonly max: number };
}

/** Checks whose failure means a machine answer is refused (the validation gate). */
export const blockingChecks: ReadonlySet<CheckName> = new Set(['codes', 'numbers', 'urls', 'empty', 'truncated']);

/** Every finding for one segment's target, in a fixed order. */
export function checkSegment(source: string, target: string, options: CheckOptions): SegmentFinding[] {
  const codes = readTarget(source, target);
  if ('problem' in codes) return [{ check: 'codes', severity: 'error', message: `inline codes do not match the source (${codes.problem.code})` }];
  const from = plainText(source);
  const to = plainText(target);
  if (to.trim() === '' && from.trim() !== '') return [{ check: 'empty', severity: 'error', message: 'the translation is empty' }];
  return [
    ...numbersFindings(from, to),
    ...urlFindings(from, to),
    ...truncationFindings(from, to),
    ...untranslatedFindings(from, to),
    ...lengthFindings(from, to, options.lengthRatio ?? { min: 0.5, max: 2 }),
    ...whitespaceFindings(from, to),
    ...endPunctuationFindings(from, to),
    ...quoteFindings(to, options.targetLanguage),
  ];
}

/** Findings that refuse a machine answer. */
export function gateFindings(source: string, target: string, options: CheckOptions): SegmentFinding[] {
  return checkSegment(source, target, options).filter((finding) => blockingChecks.has(finding.check));
}

// Digits with inner group or decimal separators: `2018`, `1,5`, `10 000`, `3.14`, `12:30`.
const numberPattern = /\d+(?:[.,:\u00a0\u202f\u2009 ]\d+)*/g;

/**
 * The numbers of a text, as digit strings. Separators are dropped, because languages write
 * `1,5` / `1.5` and `10 000` / `10,000` for the same number; the digits must survive.
 */
export function numbersOf(text: string): string[] {
  return [...text.matchAll(numberPattern)].map((match) => match[0].replace(/\D/g, '')).sort();
}

function numbersFindings(source: string, target: string): SegmentFinding[] {
  // Two readings, either may hold: whole numbers with their separators dropped (`10 000` =
  // `10,000`), or digit runs (`10.11.2021` = `10/11/2021`, `1,5` = `1.5`).
  const runs = (text: string): string[] => (text.match(/\d+/g) ?? []).sort();
  if (difference(runs(source), runs(target)).length === 0 && difference(runs(target), runs(source)).length === 0) return [];
  const expected = numbersOf(source);
  const actual = numbersOf(target);
  const missing = difference(expected, actual);
  const extra = difference(actual, expected);
  if (missing.length === 0 && extra.length === 0) return [];
  const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `not in the source ${extra.join(', ')}` : ''].filter(Boolean);
  return [{ check: 'numbers', severity: 'error', message: `numbers not carried over: ${parts.join('; ')}` }];
}

/** Items of `a` not matched one-to-one in `b` (multiset difference). */
function difference(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const item of b) left.set(item, (left.get(item) ?? 0) + 1);
  const out: string[] = [];
  for (const item of a) {
    const count = left.get(item) ?? 0;
    if (count > 0) left.set(item, count - 1);
    else out.push(item);
  }
  return out;
}

const urlPattern = /\b(?:https?:\/\/|www\.)[^\s<>"“”„]+[^\s<>"“”„.,;:!?)]/g;

function urlFindings(source: string, target: string): SegmentFinding[] {
  const missing = [...source.matchAll(urlPattern)].map((match) => match[0]).filter((url) => !target.includes(url));
  // A URL the source does not have is a link target nobody asked for (a phishing page from
  // a poisoned or hallucinating model, DESIGN §8.6): refused like a lost one.
  const added = [...target.matchAll(urlPattern)].map((match) => match[0]).filter((url) => !source.includes(url));
  return [
    ...(missing.length === 0 ? [] : [{ check: 'urls' as const, severity: 'error' as const, message: `URL changed or missing: ${missing.join(' ')}` }]),
    ...(added.length === 0 ? [] : [{ check: 'urls' as const, severity: 'error' as const, message: `URL not in the source: ${[...new Set(added)].join(' ')}` }]),
  ];
}

const terminal = /[.!?…:;]["'”’»)\]]*\s*$/;

/**
 * A machine answer cut short: much shorter than a source of some length, or a source that
 * ends a sentence while the answer stops mid-way and is also clearly shorter.
 */
function truncationFindings(source: string, target: string): SegmentFinding[] {
  const length = source.trim().length;
  if (length < 20) return [];
  const ratio = target.trim().length / length;
  const cutMidSentence = terminal.test(source) && !terminal.test(target) && ratio < 0.7;
  if (ratio >= 0.3 && !cutMidSentence) return [];
  return [{ check: 'truncated', severity: 'error', message: `the translation looks cut short (${Math.round(ratio * 100)} % of the source's length)` }];
}

function untranslatedFindings(source: string, target: string): SegmentFinding[] {
  if (!isSourceCopy(source, target)) return [];
  return [{ check: 'untranslated', severity: 'warning', message: 'the target is the source text' }];
}

/**
 * Whether `target` (plain text) is `source` left untranslated, rather than a text that is
 * the same in every language: names (a byline, an organisation's own name: every word
 * capitalised), numbers, a single word, codes only. An import never takes such a target as
 * a translation, and `qa` warns of one.
 */
export function isSourceCopy(source: string, target: string): boolean {
  const words = source.match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 2 || source.trim() !== target.trim()) return false;
  return !words.every((word) => /^\p{Lu}/u.test(word));
}

function lengthFindings(source: string, target: string, range: { readonly min: number; readonly max: number }): SegmentFinding[] {
  const length = source.trim().length;
  if (length < 20) return [];
  const ratio = target.trim().length / length;
  if (ratio >= range.min && ratio <= range.max) return [];
  return [{ check: 'length_ratio', severity: 'warning', message: `length ratio ${ratio.toFixed(2)} outside ${range.min}–${range.max}` }];
}

function whitespaceFindings(source: string, target: string): SegmentFinding[] {
  const lead = (text: string): string => /^\s*/.exec(text)?.[0] ?? '';
  const trail = (text: string): string => /\s*$/.exec(text)?.[0] ?? '';
  if (lead(source) === lead(target) && trail(source) === trail(target)) return [];
  return [{ check: 'whitespace', severity: 'warning', message: 'leading or trailing whitespace differs from the source' }];
}

/** The sentence-ending mark of a text, closing quotes and brackets skipped. */
function endMark(text: string): string {
  const stripped = text.trimEnd().replace(/["'”’»«)\]]+$/, '');
  const last = stripped.at(-1) ?? '';
  if (last === '…') return '.';
  return '.!?:;'.includes(last) && last !== '' ? last : '';
}

function endPunctuationFindings(source: string, target: string): SegmentFinding[] {
  const expected = endMark(source);
  const actual = endMark(target);
  if (expected === actual) return [];
  return [{ check: 'end_punctuation', severity: 'warning', message: `ends with "${actual || '(none)'}", the source with "${expected || '(none)'}"` }];
}

/**
 * Double quotation marks each language uses (straight `"` is accepted everywhere: many
 * sites type it). A mark from another language's set is a finding.
 */
const quoteMarks: Readonly<Record<string, string>> = {
  en: '“”',
  sv: '”»',
  fi: '”»',
  da: '»«„“',
  nb: '«»',
  de: '„“»«',
  et: '„“',
  lt: '„“',
  lv: '«»„“',
  pl: '„”«»',
};

const allDoubleQuotes = '“”„«»';

function quoteFindings(target: string, lang: string): SegmentFinding[] {
  const allowed = quoteMarks[lang.split('-')[0] ?? lang];
  if (allowed === undefined) return [];
  const wrong = [...new Set([...target].filter((char) => allDoubleQuotes.includes(char) && !allowed.includes(char)))];
  return wrong.length === 0 ? [] : [{ check: 'quotes', severity: 'warning', message: `quotation marks ${wrong.join(' ')} are not ${lang} usage (${[...allowed].join(' ')})` }];
}
