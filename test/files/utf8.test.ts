import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8 } from '../../src/files/index.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function decodes(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The bytes where the table of well-formed sequences has its edges. */
const edgeBytes = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff, 0x0a];

/** Byte arrays mixing well-formed text, edge bytes, near-sequences and random bytes, so that both outcomes are common. */
const byteArrays = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 4 }).map((text) => encoder.encode(text)),
      fc.array(fc.constantFrom(...edgeBytes), { minLength: 1, maxLength: 4 }).map((values) => Uint8Array.from(values)),
      // A lead byte and continuation bytes: well-formed or not only by the table's finer ranges.
      fc
        .tuple(fc.integer({ min: 0xc0, max: 0xff }), fc.array(fc.integer({ min: 0x80, max: 0xbf }), { minLength: 1, maxLength: 3 }))
        .map(([lead, rest]) => Uint8Array.from([lead, ...rest])),
      fc.uint8Array({ minLength: 1, maxLength: 3 }),
    ),
    { maxLength: 12 },
  )
  .map((chunks) => Uint8Array.from(chunks.flatMap((chunk) => [...chunk])));

describe('firstInvalidUtf8', () => {
  it('agrees with TextDecoder (fatal) on whether the bytes are UTF-8', () => {
    fc.assert(
      fc.property(byteArrays, (bytes) => (firstInvalidUtf8(bytes) === bytes.length) === decodes(bytes)),
      { numRuns: 3000 },
    );
  });

  it('returns the start of the first ill-formed sequence: the longest prefix TextDecoder accepts', () => {
    fc.assert(
      fc.property(byteArrays, (bytes) => {
        const at = firstInvalidUtf8(bytes);
        expect(decodes(bytes.subarray(0, at))).toBe(true);
        for (let end = at + 1; end <= bytes.length; end++) expect(decodes(bytes.subarray(0, end)), `prefix of ${end} bytes`).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('follows the restricted second-byte ranges of Table 3-7', () => {
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe0, 0x9f, 0xbf]))).toBe(1); // overlong U+07FF
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe0, 0xa0, 0x80]))).toBe(4); // U+0800
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate U+D800
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0x9f, 0xbf]))).toBe(4); // U+D7FF
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xf0, 0x8f, 0xbf, 0xbf]))).toBe(1); // overlong U+FFFF
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xf4, 0x90, 0x80, 0x80]))).toBe(1); // U+110000
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xf4, 0x8f, 0xbf, 0xbf]))).toBe(5); // U+10FFFF
    expect(firstInvalidUtf8(Uint8Array.from([0xc0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.from([0xf5, 0x80, 0x80, 0x80]))).toBe(0);
  });
});

describe('decodeUtf8', () => {
  it('names the line of an encoded surrogate', () => {
    const bytes = Uint8Array.from([...encoder.encode('pierwsza\n'), 0xed, 0xa0, 0x80, ...encoder.encode('\ntrzecia\nczwarta\n\u00e9\n')]);
    expect(() => decodeUtf8(bytes, 'a.md')).toThrow(expect.objectContaining({ code: 'not_utf8', file: 'a.md', line: 2, data: { offset: 9 } }));
  });
});
