/**
 * Glossary files by format: the extension picks the reader (`.csv` → CSV, `.tbx` → TBX),
 * and `writeGlossary` turns a glossary back into either format.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isKnownLanguage } from '../config/index.js';
import { InputError } from '../errors/index.js';
import { decodeText } from '../files/text.js';
import { readCsvGlossary, writeCsvGlossary } from './csv.js';
import { readTbxGlossary, writeTbxGlossary } from './tbx.js';
import type { Glossary } from './types.js';

/** Glossary file formats Hansa reads and writes. */
export type GlossaryFormat = 'csv' | 'tbx';

/** File extensions of each format (lower case, with the dot). */
export const glossaryExtensions: Readonly<Record<GlossaryFormat, readonly string[]>> = {
  csv: ['.csv'],
  tbx: ['.tbx'],
};

/** Options of `readGlossary` and `readGlossaryFile`. */
export interface ReadGlossaryOptions {
  /** Language of the source terms: a known language code. Default `pl`. */
  readonly sourceLanguage?: string;
  /** Format of the text. Default: from the file's extension (`.csv`, `.tbx`). */
  readonly format?: GlossaryFormat;
  /** `readGlossaryFile` only: the file's name in errors and entry origins (e.g. relative to the project). Default: the path given. */
  readonly displayPath?: string;
}

/** The format a file name's extension stands for, if Hansa knows it. */
export function glossaryFormatOf(file: string): GlossaryFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  return (Object.keys(glossaryExtensions) as GlossaryFormat[]).find((format) => glossaryExtensions[format].includes(extension));
}

/**
 * Parse glossary text; `file` names it in errors and picks the format unless
 * `options.format` does. Throws `InputError`: `unknown_language` for a bad
 * `sourceLanguage`, `glossary_invalid`, `xml_invalid` or `xml_dtd_refused` for the text.
 */
export function readGlossary(text: string, file: string, options: ReadGlossaryOptions = {}): Glossary {
  const sourceLanguage = options.sourceLanguage ?? 'pl';
  if (!isKnownLanguage(sourceLanguage)) {
    throw new InputError('unknown_language', `unknown language ${sourceLanguage}`, { data: { lang: sourceLanguage } });
  }
  const format = options.format ?? glossaryFormatOf(file);
  switch (format) {
    case 'csv':
      return readCsvGlossary(text, file, { sourceLanguage });
    case 'tbx':
      return readTbxGlossary(text, file, { sourceLanguage });
    case undefined: {
      const reason = `unknown glossary format "${path.extname(file)}" (expected .csv or .tbx)`;
      throw new InputError('glossary_invalid', reason, { file, data: { reason } });
    }
  }
}

/**
 * Read a glossary file, decoded strictly (`decodeText`: UTF-8 unless a BOM or a TBX file's XML
 * declaration names another encoding; a BOM is dropped). Errors as for `readGlossary`, plus
 * `file_unreadable` and the encoding errors (`not_utf8`, `encoding_*`) with the line.
 */
export async function readGlossaryFile(file: string, options: ReadGlossaryOptions = {}): Promise<Glossary> {
  const shown = options.displayPath ?? file;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError('file_unreadable', `cannot read ${shown}`, { file: shown, cause: error, data: { reason: (error as Error).message } });
  }
  const format = options.format ?? glossaryFormatOf(file);
  // An unknown format is refused for what it is, not for its bytes.
  const text = format === undefined ? '' : decodeText(bytes, shown, { kind: format === 'tbx' ? 'xml' : 'plain' });
  return readGlossary(text, shown, { ...options, ...(format === undefined ? {} : { format }) });
}

/** Serialise a glossary; the source language is the first of `glossary.languages`. */
export function writeGlossary(glossary: Glossary, format: GlossaryFormat): string {
  return format === 'csv' ? writeCsvGlossary(glossary) : writeTbxGlossary(glossary);
}
