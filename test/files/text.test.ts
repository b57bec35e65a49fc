import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/files/text.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const xml = (encoding: string | undefined, body: string): string => `<?xml version="1.0"${encoding === undefined ? '' : ` encoding="${encoding}"`}?>\n<a>\n${body}\n</a>\n`;
const po = (charset: string, msgstr: string): string => `# comment\nmsgid ""\nmsgstr ""\n"Language: sv\\n"\n"Content-Type: text/plain; charset=${charset}\\n"\n\nmsgid "Gavle"\nmsgstr "${msgstr}"\n`;

function refusal(bytes: Uint8Array, kind: 'xml' | 'po' | 'plain'): unknown {
  try {
    decodeText(bytes, 'f', { kind });
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('decodeText', () => {
  it('reads UTF-8 by default and refuses Latin-1 bytes at their line', () => {
    expect(decodeText(utf8(xml(undefined, 'Nyheter för Gävle')), 'f', { kind: 'xml' })).toContain('Nyheter för Gävle');
    expect(refusal(latin1(xml('UTF-8', 'Nyheter för Gävle')), 'xml')).toMatchObject({ code: 'not_utf8', file: 'f', line: 3 });
    expect(refusal(latin1('{\n"a": "för"\n}'), 'plain')).toMatchObject({ code: 'not_utf8', line: 2 });
  });

  it('honours the XML declaration', () => {
    expect(decodeText(latin1(xml('ISO-8859-1', 'Nyheter för Gävle')), 'f', { kind: 'xml' })).toContain('Nyheter för Gävle');
    expect(decodeText(Buffer.from([...latin1(xml('windows-1252', 'x')).subarray(0, -6), 0x80, ...latin1('\n</a>\n')]), 'f', { kind: 'xml' })).toContain('€');
    expect(decodeText(Buffer.from(xml('ISO-8859-2', 'ä').replace('ä', '\u00b1'), 'latin1'), 'f', { kind: 'xml' })).toContain('ą');
    // ISO-8859-2 has C1 controls at 0x80–0x9F: no text means one.
    expect(refusal(latin1(xml('ISO-8859-2', '\n\u0085')), 'xml')).toMatchObject({ code: 'encoding_invalid', line: 4, data: { encoding: 'ISO-8859-2' } });
    expect(refusal(latin1(xml('us-ascii', 'för')), 'xml')).toMatchObject({ code: 'encoding_invalid', line: 3 });
    expect(refusal(latin1(xml('Shift_JIS', 'x')), 'xml')).toMatchObject({ code: 'encoding_unsupported', line: 1, data: { encoding: 'Shift_JIS' } });
    expect(refusal(latin1(xml('x-unknown', 'x')), 'xml')).toMatchObject({ code: 'encoding_unsupported' });
  });

  it('refuses a declaration the bytes contradict', () => {
    // Saved as UTF-8 by an editor that left the declaration alone.
    expect(refusal(utf8(xml('ISO-8859-1', '\nNyheter för Gävle')), 'xml')).toMatchObject({ code: 'encoding_conflict', line: 4, data: { declared: 'ISO-8859-1', found: 'UTF-8' } });
    expect(refusal(utf8(xml('UTF-16', 'x')), 'xml')).toMatchObject({ code: 'encoding_invalid', line: 1 });
    expect(refusal(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1(xml('ISO-8859-1', 'x'))]), 'xml')).toMatchObject({ code: 'encoding_conflict', data: { found: 'UTF-8' } });
  });

  it('honours byte order marks, UTF-16 strictly', () => {
    const text = xml('UTF-16', 'Nyheter för Gävle');
    expect(decodeText(Buffer.from(`\ufeff${text}`, 'utf16le'), 'f', { kind: 'xml' })).toBe(text);
    const be = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    expect(decodeText(be, 'f', { kind: 'xml' })).toBe(text);
    expect(decodeText(Buffer.from(text, 'utf16le'), 'f', { kind: 'xml' })).toBe(text);
    expect(decodeText(Buffer.from('\ufeffpl,sv\nGävle,Gävle\n', 'utf16le'), 'f', { kind: 'plain' })).toBe('pl,sv\nGävle,Gävle\n');
    expect(decodeText(utf8('\ufeff{"a": 1}'), 'f', { kind: 'plain' })).toBe('{"a": 1}');
    // A lone surrogate on line 2.
    const broken = Buffer.concat([Buffer.from('\ufeffa\nb', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]);
    expect(refusal(broken, 'plain')).toMatchObject({ code: 'encoding_invalid', line: 2, data: { encoding: 'UTF-16LE', offset: 8 } });
    expect(refusal(Buffer.concat([Buffer.from('\ufeffa', 'utf16le'), Buffer.from([0x41])]), 'plain')).toMatchObject({ code: 'encoding_invalid', data: { offset: 4 } });
    expect(refusal(Buffer.from('\ufeff<?xml version="1.0" encoding="UTF-8"?><a/>', 'utf16le'), 'xml')).toMatchObject({ code: 'encoding_conflict', data: { declared: 'UTF-8', found: 'UTF-16LE' } });
    expect(refusal(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), 'plain')).toMatchObject({ code: 'encoding_unsupported', data: { encoding: 'UTF-32' } });
  });

  it('honours the PO header’s charset', () => {
    expect(decodeText(latin1(po('ISO-8859-1', 'Gävle')), 'f', { kind: 'po' })).toContain('msgstr "Gävle"');
    expect(decodeText(utf8(po('CHARSET', 'Gävle')), 'f', { kind: 'po' })).toContain('msgstr "Gävle"');
    expect(refusal(latin1(po('CHARSET', 'Gävle')), 'po')).toMatchObject({ code: 'not_utf8', line: 8 });
    expect(refusal(latin1(po('UTF-8', 'Gävle')), 'po')).toMatchObject({ code: 'not_utf8', line: 8 });
    expect(refusal(latin1(po('KOI8-R', 'x')), 'po')).toMatchObject({ code: 'encoding_unsupported', line: 5, data: { encoding: 'KOI8-R' } });
    // The charset of an ordinary entry is not the header's.
    expect(refusal(latin1('msgid "a"\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "b"\nmsgstr "ä"\n'), 'po')).toMatchObject({ code: 'not_utf8', line: 5 });
  });

  it('decodes leniently for counting, never refusing for the encoding', () => {
    expect(decodeText(latin1(xml('UTF-8', 'för')), 'f', { kind: 'xml', lenient: true })).toContain('f\ufffdr');
    expect(decodeText(latin1(xml('Shift_JIS', 'x')), 'f', { kind: 'xml', lenient: true })).toContain('<a>');
  });
});
