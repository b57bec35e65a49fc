/**
 * The CSV glossary: one concept per row, one column per language.
 *
 * 1. RFC 4180: fields separated by commas; a field in double quotes may hold commas, line
 *    ends and doubled quotes (`""`); records end with CRLF or LF; a leading BOM is dropped.
 *    Each record remembers the line it starts on, so errors and entry ids point at the row.
 * 2. The header row names the columns: language codes (the source language is required)
 *    and the option columns `dnt`, `case_sensitive`, `inversion` (yes/no/true/false/1/0 or
 *    empty), `pos` (part of speech of the source terms) and `note`. An empty `dnt` or
 *    `case_sensitive` is no; an empty `inversion` is the default (a two-word adjective–noun
 *    term matches in both orders, see inversion.ts), `yes` forces both orders and `no` keeps
 *    the written order only (an opt-out).
 * 3. A language cell holds terms separated by `|`, spaces around them ignored: the first term
 *    not marked deprecated is `preferred`, the other ones `admitted`, and a term written
 *    `!term` is `deprecated` (forbidden). A backslash escapes `|`, `!` and itself (`a\|b`,
 *    `\!Yahoo`); any other backslash is kept as it is. Cells and terms are trimmed.
 * 4. Rows that are entirely empty are skipped. Anything else that is wrong stops the read
 *    with an `InputError` (`glossary_invalid`) naming the line: the file is the user's to fix.
 * 5. Writing gives the same format back: a stable header, quotes only where needed, LF line
 *    ends. What CSV cannot say is dropped: notes on single terms and the part of speech of
 *    target terms; the order of terms decides preferred/admitted.
 */
import type { Glossary, GlossaryEntry, Term } from './types.js';
import { canonicalLanguage } from '../config/index.js';
import { invalid } from './invalid.js';

/** What the CSV reader needs to know besides the text. */
export interface CsvReadOptions {
  /** Language of the source terms: its column must exist and be filled in every row. */
  readonly sourceLanguage: string;
}

/** One CSV record: its fields and the line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

type OptionColumn = 'dnt' | 'case_sensitive' | 'inversion' | 'pos' | 'note';

/** Option columns, in the order the writer puts them after the languages. */
const optionColumns: readonly OptionColumn[] = ['dnt', 'case_sensitive', 'inversion', 'pos', 'note'];

type Column = { readonly kind: 'language'; readonly code: string } | { readonly kind: 'option'; readonly name: OptionColumn };

/** Split CSV text into records (RFC 4180, LF also accepted). Blank lines give no record. */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const length = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < length) {
    const start = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      let value: string;
      if (text[i] === '"') {
        blank = false;
        const quoteLine = line;
        value = '';
        i += 1;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) throw invalid(file, quoteLine, 'unterminated quoted field: a field opened with " is never closed');
          const chunk = text.slice(i, close);
          line += countNewlines(chunk);
          value += chunk;
          if (text[close + 1] === '"') {
            value += '"';
            i = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          throw invalid(file, line, `unexpected ${describeChar(next)} after a closing quote (a quote inside a quoted field is written "")`);
        }
      } else {
        let end = i;
        while (end < length && text[end] !== ',' && text[end] !== '\n' && !(text[end] === '\r' && text[end + 1] === '\n')) end += 1;
        value = text.slice(i, end);
        if (value.includes('"')) {
          throw invalid(file, line, 'a quote inside an unquoted field: put the whole field in quotes and write the quote as ""');
        }
        if (value !== '') blank = false;
        i = end;
      }
      fields.push(value);
      if (text[i] === ',') {
        blank = false;
        i += 1;
        continue;
      }
      if (text[i] === '\r') i += 1;
      if (text[i] === '\n') {
        i += 1;
        line += 1;
      }
      break;
    }
    if (!blank) records.push({ line: start, fields });
  }
  return records;
}

/** Read a CSV glossary. Throws `InputError` (`glossary_invalid`) with the line of the first problem. */
export function readCsvGlossary(text: string, file: string, options: CsvReadOptions): Glossary {
  const records = parseCsv(text, file);
  const header = records[0];
  if (header === undefined) throw invalid(file, 1, `the file is empty: expected a header row with language codes, starting with "${options.sourceLanguage}"`);
  const columns = readHeader(header, file, options.sourceLanguage);
  const languages = [options.sourceLanguage, ...columns.flatMap((c) => (c.kind === 'language' && c.code !== options.sourceLanguage ? [c.code] : []))];

  const entries: GlossaryEntry[] = [];
  const seen = new Map<string, { readonly line: number; readonly text: string; readonly caseSensitive: boolean }[]>();
  for (const record of records.slice(1)) {
    if (record.fields.every((field) => field.trim() === '')) continue;
    if (record.fields.length !== columns.length) {
      throw invalid(file, record.line, `the row has ${fields(record.fields.length)}; the header has ${fields(columns.length)}`);
    }
    const entry = readRow(record, columns, file, options.sourceLanguage);
    for (const term of entry.terms[options.sourceLanguage] ?? []) {
      const exact = term.text.normalize('NFC');
      const key = exact.toLowerCase();
      const earlier = seen.get(key) ?? [];
      const clash = earlier.find((e) => e.line !== record.line && (!(e.caseSensitive && entry.caseSensitive) || e.text === exact));
      if (clash !== undefined) {
        throw invalid(file, record.line, `duplicate entry: source term "${term.text}" is on lines ${clash.line} and ${record.line}`);
      }
      earlier.push({ line: record.line, text: exact, caseSensitive: entry.caseSensitive });
      seen.set(key, earlier);
    }
    entries.push(entry);
  }
  return { languages, entries };
}

function readHeader(record: CsvRecord, file: string, sourceLanguage: string): Column[] {
  const columns: Column[] = [];
  const positions = new Map<string, number>();
  record.fields.forEach((raw, index) => {
    const name = raw.trim();
    const lower = name.toLowerCase();
    const option = optionColumns.find((o) => o === lower);
    const code = option === undefined ? canonicalLanguage(name) : undefined;
    if (option === undefined && code === undefined) {
      throw invalid(file, record.line, `unknown column "${name}" (column ${index + 1}): expected a language code or one of ${optionColumns.join(', ')}`);
    }
    const key = option ?? code ?? '';
    const earlier = positions.get(key);
    if (earlier !== undefined) throw invalid(file, record.line, `duplicate column "${name}" (columns ${earlier + 1} and ${index + 1})`);
    positions.set(key, index);
    columns.push(option === undefined ? { kind: 'language', code: key } : { kind: 'option', name: option });
  });
  if (!positions.has(sourceLanguage)) throw invalid(file, record.line, `missing source-language column "${sourceLanguage}"`);
  return columns;
}

function readRow(record: CsvRecord, columns: readonly Column[], file: string, sourceLanguage: string): GlossaryEntry {
  const terms: Record<string, Term[]> = {};
  const flags = { dnt: false, case_sensitive: false };
  let inversion: boolean | undefined;
  let note: string | undefined;
  let pos: string | undefined;
  columns.forEach((column, index) => {
    const cell = (record.fields[index] ?? '').trim();
    if (column.kind === 'language') {
      if (cell !== '') terms[column.code] = readCell(cell, file, record.line, column.code);
    } else if (column.name === 'note') {
      if (cell !== '') note = cell;
    } else if (column.name === 'pos') {
      if (cell !== '') pos = cell;
    } else if (column.name === 'inversion') {
      // Empty is not "no" here: it leaves the choice to the default (inversion.ts).
      if (cell !== '') inversion = readBoolean(cell, file, record.line, column.name);
    } else {
      flags[column.name] = readBoolean(cell, file, record.line, column.name);
    }
  });
  const source = terms[sourceLanguage];
  if (source === undefined) throw invalid(file, record.line, `the row has no source term (column "${sourceLanguage}" is empty)`);
  if (pos !== undefined) terms[sourceLanguage] = source.map((term) => ({ ...term, partOfSpeech: pos }));
  return {
    id: `c${record.line}`,
    terms,
    doNotTranslate: flags.dnt,
    caseSensitive: flags.case_sensitive,
    ...(inversion === undefined ? {} : { allowInversion: inversion }),
    ...(note === undefined ? {} : { note }),
    origin: { file, line: record.line },
  };
}

/** Terms of one cell: `a | b | !c`, with `\|`, `\!` and `\\` escapes. */
function readCell(cell: string, file: string, line: number, language: string): Term[] {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i] ?? '';
    const next = cell[i + 1];
    if (c === '\\' && (next === '\\' || next === '|' || next === '!')) {
      current += c + next;
      i += 1;
    } else if (c === '|') {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  pieces.push(current);

  const terms: Term[] = [];
  let hasPreferred = false;
  for (const piece of pieces) {
    let raw = piece.trim();
    const deprecated = raw.startsWith('!');
    if (deprecated) raw = raw.slice(1).trim();
    const text = raw.replace(/\\([\\|!])/g, '$1');
    if (text === '') throw invalid(file, line, `column "${language}": an empty term (check the "|" separators and "!" marks)`);
    const status = deprecated ? 'deprecated' : hasPreferred ? 'admitted' : 'preferred';
    if (status === 'preferred') hasPreferred = true;
    terms.push({ text, status });
  }
  return terms;
}

const booleans: Readonly<Record<string, boolean>> = { '': false, yes: true, no: false, true: true, false: false, '1': true, '0': false };

function readBoolean(cell: string, file: string, line: number, column: string): boolean {
  const value = booleans[cell.toLowerCase()];
  if (value === undefined) throw invalid(file, line, `column "${column}": expected yes, no, true, false, 1, 0 or empty, got "${cell}"`);
  return value;
}

/**
 * Write a glossary as CSV: the source language (the first of `languages`), the other
 * languages, then `dnt`, `case_sensitive`, `inversion`, `pos`, `note`; LF line ends.
 * Throws `InputError` (`glossary_invalid`) for an entry without a source term.
 */
export function writeCsvGlossary(glossary: Glossary): string {
  const source = glossary.languages[0];
  if (source === undefined) throw invalid(undefined, undefined, 'the glossary has no languages, so no source-language column');
  const languages = [...new Set([...glossary.languages, ...glossary.entries.flatMap((e) => Object.keys(e.terms))])];
  const rows: string[][] = [[...languages, ...optionColumns]];
  for (const entry of glossary.entries) {
    const sourceTerms = entry.terms[source] ?? [];
    if (sourceTerms.length === 0) throw invalid(entry.origin.file, entry.origin.line, `entry ${entry.id} has no source term ("${source}")`);
    rows.push([
      ...languages.map((language) => writeCell(entry.terms[language] ?? [])),
      entry.doNotTranslate ? 'yes' : '',
      entry.caseSensitive ? 'yes' : '',
      entry.allowInversion === undefined ? '' : entry.allowInversion ? 'yes' : 'no',
      sourceTerms.find((t) => t.partOfSpeech !== undefined)?.partOfSpeech ?? '',
      entry.note ?? '',
    ]);
  }
  return rows.map((row) => row.map(quoteField).join(',') + '\n').join('');
}

function writeCell(terms: readonly Term[]): string {
  return terms.map((term) => (term.status === 'deprecated' ? '!' : '') + escapeTerm(term.text)).join(' | ');
}

function escapeTerm(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const next = text[i + 1];
    if (c === '|' || (c === '!' && i === 0)) out += `\\${c}`;
    else if (c === '\\' && (next === '\\' || next === '|' || next === '!')) out += '\\\\';
    else out += c;
  }
  return out;
}

function quoteField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}


function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

function fields(count: number): string {
  return count === 1 ? '1 field' : `${count} fields`;
}

function describeChar(c: string): string {
  return c === '"' ? 'quote' : c === '\r' ? 'carriage return' : `"${c}"`;
}
