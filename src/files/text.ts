/**
 * Text files people edit — segment files, TMX, TBX, CSV glossaries, PO, the config, locale
 * resources — decoded strictly, so a file in another encoding is refused with `file:line`
 * and never read (and later written back) with U+FFFD in place of its letters.
 *
 * 1. A byte order mark decides first: UTF-8, UTF-16 LE or BE (UTF-32 is refused). An XML file
 *    without one whose first bytes are `<\0?\0` (or `\0<\0?`) is UTF-16 as well.
 * 2. Then the file may name its encoding: XML in its declaration (`<?xml … encoding="…"?>`),
 *    PO in the header's `Content-Type: …; charset=…` (`CHARSET`, gettext's unfilled
 *    placeholder, means UTF-8). Anything that names none is UTF-8.
 * 3. Readable: UTF-8, UTF-16, US-ASCII and the single-byte encodings of the region's
 *    languages (ISO-8859-1/-2/-4/-13/-15, windows-1250/-1252/-1257). Any other is refused,
 *    named. ISO-8859-1 is read as windows-1252, as browsers and the Encoding Standard do.
 * 4. A byte the encoding does not define is refused at its line; so is a single-byte
 *    encoding's C1 control character (0x80–0x9F in ISO-8859-2 …): no text means one, while
 *    windows-125x bytes under an ISO-8859 label are a common mislabelling.
 * 5. A declaration that contradicts the file is refused: another encoding than its byte
 *    order mark, UTF-16 in a file of 8-bit bytes, or a single-byte encoding for bytes that
 *    are valid UTF-8 with non-ASCII in them (the usual result of re-saving a file as UTF-8
 *    without touching its declaration; real Latin-1 text is practically never valid UTF-8).
 * 6. The text returned has no byte order mark. Hansa itself always writes UTF-8 with a
 *    UTF-8 declaration, whatever encoding it read.
 */
import { readFile } from 'node:fs/promises';
import { InputError, type ErrorCode } from '../errors/index.js';
import { decodeUtf8 } from './index.js';

/** How a file names its encoding: its XML declaration, its PO header, or not at all (UTF-8). */
export type TextKind = 'xml' | 'po' | 'plain';

/** Options of `decodeText` and `readTextFile`. */
export interface DecodeTextOptions {
  /** Where the file names its encoding. */
  readonly kind: TextKind;
  /**
   * Replace what cannot be decoded with U+FFFD, and fall back to UTF-8 for an encoding
   * Hansa does not read, instead of refusing the file. Only for counting (`hansa status`):
   * text read this way must never be written anywhere. Default `false`.
   */
  readonly lenient?: boolean;
}

/** Codes of the errors `decodeText` throws: the file is not in the encoding it claims. */
export const encodingErrorCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['not_utf8', 'encoding_invalid', 'encoding_unsupported', 'encoding_conflict']);

/** Read `absolute` and decode it as `decodeText` does; file system errors are passed on as they are. */
export async function readTextFile(absolute: string, display: string, options: DecodeTextOptions): Promise<string> {
  return decodeText(await readFile(absolute), display, options);
}

type Width = 8 | 16;

/** An encoding Hansa reads. */
interface Encoding {
  /** Name for messages. */
  readonly name: string;
  readonly width: Width;
  /** Label for `TextDecoder`. */
  readonly label: string;
}

const utf8: Encoding = { name: 'UTF-8', width: 8, label: 'utf-8' };
const utf16le: Encoding = { name: 'UTF-16LE', width: 16, label: 'utf-16le' };
const utf16be: Encoding = { name: 'UTF-16BE', width: 16, label: 'utf-16be' };
const ascii: Encoding = { name: 'US-ASCII', width: 8, label: 'us-ascii' };

/** Single-byte encodings read, by their Encoding Standard name (what `TextDecoder#encoding` says). */
const singleByte: ReadonlySet<string> = new Set(['windows-1252', 'iso-8859-2', 'iso-8859-4', 'iso-8859-13', 'iso-8859-15', 'windows-1250', 'windows-1257']);

/**
 * Decode a file's bytes by the rules at the top of this module. Throws an `InputError`
 * (`not_utf8`, `encoding_invalid`, `encoding_unsupported`, `encoding_conflict`) naming
 * `file` and the line; with `lenient`, never for the encoding.
 */
export function decodeText(bytes: Uint8Array, file: string, options: DecodeTextOptions): string {
  const lenient = options.lenient ?? false;
  const bom = byteOrderMark(bytes);
  if (bom === 'utf-32') {
    if (lenient) return decodeLeniently(bytes, utf8, 0);
    throw new InputError('encoding_unsupported', 'UTF-32 files are not read', { file, line: 1, data: { encoding: 'UTF-32' } });
  }
  const found = bom?.encoding ?? (options.kind === 'xml' ? utf16WithoutBom(bytes) : undefined);
  const declared = options.kind === 'plain' ? undefined : options.kind === 'xml' ? xmlDeclaration(bytes, found, bom?.length ?? 0) : poCharset(bytes, found, bom?.length ?? 0);
  let encoding = found ?? utf8;
  if (declared !== undefined) {
    const named = encodingNamed(declared.label);
    const fail = (code: ErrorCode, message: string, data: Record<string, string | number>): InputError => new InputError(code, message, { file, line: declared.line, data });
    if (named === undefined) {
      if (!lenient) throw fail('encoding_unsupported', `the encoding ${declared.label} is not read`, { encoding: declared.label });
    } else if (found !== undefined) {
      // The byte order mark (or UTF-16's shape) wins; a declaration may only agree with it.
      const agrees = named === found || (named.width === 16 && found.width === 16 && /^(utf-?16|ucs-?2|unicode)$/i.test(declared.label));
      if (!agrees && !lenient) throw fail('encoding_conflict', `declared ${declared.label}, but the file is ${found.name}`, { declared: declared.label, found: found.name });
    } else if (named.width === 16) {
      if (!lenient) throw new InputError('encoding_invalid', `the file is not valid ${declared.label}`, { file, line: 1, data: { encoding: declared.label, offset: 0 } });
    } else {
      if (named !== utf8 && !lenient) {
        const multibyte = firstNonAscii(bytes);
        if (multibyte < bytes.length && isUtf8(bytes)) {
          throw new InputError('encoding_conflict', `declared ${declared.label}, but the file is UTF-8`, { file, line: lineAt(bytes, multibyte, 8), data: { declared: declared.label, found: utf8.name } });
        }
      }
      encoding = named;
    }
  }
  const start = bom?.length ?? 0;
  return lenient ? decodeLeniently(bytes, encoding, start) : decodeStrictly(bytes, encoding, start, file);
}

function decodeStrictly(bytes: Uint8Array, encoding: Encoding, start: number, file: string): string {
  if (encoding === utf8) return withoutBom(decodeUtf8(bytes, file));
  const body = bytes.subarray(start);
  let bad: number;
  let text = '';
  if (encoding.width === 16) {
    try {
      return withoutBom(new TextDecoder(encoding.label, { fatal: true, ignoreBOM: true }).decode(body));
    } catch {
      bad = firstInvalidUtf16(body, encoding === utf16le);
    }
  } else if (encoding === ascii) {
    bad = firstNonAscii(body);
    if (bad === body.length) return decodeSingleByte(body, 'windows-1252');
  } else {
    // Unmapped bytes become U+FFFD (no single-byte encoding maps a byte to it), one UTF-16
    // code unit per byte, so the offset of the first bad character is the byte's.
    text = decodeSingleByte(body, encoding.label);
    bad = text.search(/[\u0080-\u009f\ufffd]/);
    if (bad < 0) return text;
  }
  const offset = start + bad;
  throw new InputError('encoding_invalid', `the file is not valid ${encoding.name}`, { file, line: lineAt(bytes, offset, encoding.width, encoding === utf16le), data: { encoding: encoding.name, offset } });
}

function decodeLeniently(bytes: Uint8Array, encoding: Encoding, start: number): string {
  if (encoding.width === 8 && encoding !== utf8) return decodeSingleByte(bytes.subarray(start), encoding === ascii ? 'windows-1252' : encoding.label);
  return withoutBom(new TextDecoder(encoding.label, { ignoreBOM: true }).decode(bytes.subarray(start)));
}

/**
 * windows-1252 at 0x80–0x9F (the rest is Latin-1); the five bytes it leaves undefined stay
 * C1 controls, which `decodeStrictly` refuses. Node 20's `TextDecoder('windows-1252')` gives
 * C1 controls for all 32 (it decodes Latin-1), so the table is here.
 */
const windows1252 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** A single-byte encoding, unmapped bytes as U+FFFD: one UTF-16 code unit per byte. */
function decodeSingleByte(bytes: Uint8Array, label: string): string {
  if (label !== 'windows-1252') return new TextDecoder(label).decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (char) => String.fromCharCode(windows1252[char.charCodeAt(0) - 0x80] ?? 0xfffd));
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function byteOrderMark(bytes: Uint8Array): { encoding: Encoding; length: number } | 'utf-32' | undefined {
  const [a, b, c, d] = bytes;
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) return 'utf-32';
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: utf8, length: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: utf16le, length: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: utf16be, length: 2 };
  return undefined;
}

/** `<?` in UTF-16 without a byte order mark (XML 1.0 appendix F). */
function utf16WithoutBom(bytes: Uint8Array): Encoding | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0x3c && b === 0 && c === 0x3f && d === 0) return utf16le;
  if (a === 0 && b === 0x3c && c === 0 && d === 0x3f) return utf16be;
  return undefined;
}

/** The head of the file as text in its byte width: enough for the XML declaration or a PO header. */
function head(bytes: Uint8Array, found: Encoding | undefined, start: number, length: number): string {
  const slice = bytes.subarray(start, start + length);
  return new TextDecoder(found?.width === 16 ? found.label : 'windows-1252', { ignoreBOM: true }).decode(slice);
}

function xmlDeclaration(bytes: Uint8Array, found: Encoding | undefined, start: number): { label: string; line: number } | undefined {
  const match = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/.exec(head(bytes, found, start, 1024));
  return match === null ? undefined : { label: match[2] ?? '', line: 1 };
}

/** The header entry's charset: the first `msgid ""` followed at once by its `msgstr`. */
function poCharset(bytes: Uint8Array, found: Encoding | undefined, start: number): { label: string; line: number } | undefined {
  // The header is the first entry; translators' comments above it are short.
  const text = head(bytes, found, start, 64 * 1024);
  const header = /^msgid[ \t]+""[ \t]*\r?\n[ \t]*msgstr[ \t]+"(?:[^"\\\r\n]|\\.)*"(?:[ \t]*\r?\n[ \t]*"(?:[^"\\\r\n]|\\.)*")*/m.exec(text);
  if (header === null) return undefined;
  const charset = /charset\s*=\s*([^\s"\\;]+)/i.exec(header[0]);
  if (charset === null) return undefined;
  const at = header.index + charset.index;
  const line = text.slice(0, at).split('\n').length;
  const label = charset[1] ?? '';
  // `CHARSET` is what xgettext writes before anyone chose: read as UTF-8, as msgfmt does for ASCII.
  return { label: label === 'CHARSET' ? 'UTF-8' : label, line };
}

/** The encoding a label names, when Hansa reads it. */
function encodingNamed(label: string): Encoding | undefined {
  const lower = label.trim().toLowerCase();
  if (/^(us-?ascii|ascii|ansi_x3\.4-1968|iso646-us)$/.test(lower)) return ascii;
  if (/^(utf-?16|ucs-?2|unicode)$/.test(lower)) return utf16le;
  let canonical: string;
  try {
    canonical = new TextDecoder(lower).encoding;
  } catch {
    return undefined;
  }
  if (canonical === 'utf-8') return utf8;
  if (canonical === 'utf-16le') return utf16le;
  if (canonical === 'utf-16be') return utf16be;
  return singleByte.has(canonical) ? { name: label.trim(), width: 8, label: canonical } : undefined;
}

function firstNonAscii(bytes: Uint8Array): number {
  const at = bytes.findIndex((byte) => byte >= 0x80);
  return at < 0 ? bytes.length : at;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Offset (in `bytes`) of the first odd byte or unpaired surrogate. */
function firstInvalidUtf16(bytes: Uint8Array, littleEndian: boolean): number {
  const unit = (i: number): number => (littleEndian ? (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) : ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const code = unit(i);
    if (code >= 0xdc00 && code <= 0xdfff) return i;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 3 < bytes.length ? unit(i + 2) : -1;
      if (next < 0xdc00 || next > 0xdfff) return i;
      i += 2;
    }
  }
  return i;
}

/** Line (1-based) of the byte at `offset`: line feeds before it, as bytes or as UTF-16 code units. */
function lineAt(bytes: Uint8Array, offset: number, width: Width, littleEndian = false): number {
  let line = 1;
  if (width === 8) {
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line += 1;
    return line;
  }
  // UTF-16 code units start at even offsets once the two-byte mark is counted in.
  for (let i = 0; i + 1 < offset; i += 2) {
    const [low, high] = littleEndian ? [bytes[i], bytes[i + 1]] : [bytes[i + 1], bytes[i]];
    if (low === 0x0a && high === 0) line += 1;
  }
  return line;
}
