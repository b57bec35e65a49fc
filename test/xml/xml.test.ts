import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.js';
import { escapeXmlAttribute, escapeXmlText, hasNonXmlCharacters, maxXmlDepth, nonXmlCharacters, parseXml } from '../../src/xml/index.js';

/** The error `run` throws, as the CLI shows it: code, where, message. */
function failure(run: () => unknown): { code: string; location: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return { code: error.code, location: error.location, message: error.message };
    throw error;
  }
  throw new Error('expected an InputError');
}

const scratch = mkdtempSync(path.join(tmpdir(), 'hansa-xml-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A local server that counts requests: an entity or DTD fetched would show here. */
let requests = 0;
let base = '';
const server = createServer((_request, response) => {
  requests += 1;
  response.end('<!ENTITY leaked "fetched">');
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Give a request that might have been started the time to arrive. */
const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

describe('declarations (DTDs, entities)', () => {
  it('refuses a DOCTYPE with declarations, naming the file and the line of the DOCTYPE', () => {
    const text = '<?xml version="1.0"?>\n\n<!DOCTYPE x [\n  <!ENTITY e "boom">\n]>\n<x>&e;</x>';
    expect(failure(() => parseXml(text, 'translations/en/a.xlf'))).toMatchInlineSnapshot(`
      {
        "code": "xml_dtd_refused",
        "location": "translations/en/a.xlf:3",
        "message": "DTDs are not accepted",
      }
    `);
  });

  it('refuses <!ENTITY> even without a DOCTYPE', () => {
    expect(failure(() => parseXml('<x>\n<!ENTITY e "boom">\n</x>', 'x.xml'))).toMatchInlineSnapshot(`
      {
        "code": "xml_dtd_refused",
        "location": "x.xml:2",
        "message": "DTDs are not accepted",
      }
    `);
  });

  it('refuses billion laughs at once', () => {
    const levels = Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`);
    const text = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">\n${levels.join('\n')}\n]>\n<lolz>&lol9;</lolz>`;
    const start = performance.now();
    expect(failure(() => parseXml(text, 'bomb.tmx'))).toMatchObject({ code: 'xml_dtd_refused', location: 'bomb.tmx:2' });
    expect(performance.now() - start).toBeLessThan(200);
  });

  it('never fetches an external entity, by file or by URL, nor shows what it names', async () => {
    const secret = 'hansa-secret-7f3a';
    const file = path.join(scratch, 'secret.txt');
    writeFileSync(file, secret);
    const documents = [
      `<!DOCTYPE x [<!ENTITY e SYSTEM "${pathToFileURL(file).href}">]>\n<x>&e;</x>`,
      `<!DOCTYPE x [<!ENTITY e SYSTEM "${base}/entity">]>\n<x>&e;</x>`,
      `<!DOCTYPE x [<!ENTITY % p SYSTEM "${base}/parameter"> %p;]>\n<x>&leaked;</x>`,
      `<!DOCTYPE x PUBLIC "-//X//EN" "${base}/x.dtd" [<!ENTITY e SYSTEM "${base}/entity">]>\n<x>&e;</x>`,
    ];
    for (const text of documents) {
      const error = failure(() => parseXml(text, 'x.xliff'));
      expect(error).toMatchObject({ code: 'xml_dtd_refused', location: 'x.xliff:1' });
      expect(JSON.stringify(error)).not.toContain(secret);
    }
    await settled();
    expect(requests).toBe(0);
  });

  it('ignores a DOCTYPE that only names a DTD (OmegaT and Trados write one): nothing fetched, nothing declared', async () => {
    expect(parseXml(`<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "${base}/tmx14.dtd">\n<tmx version="1.4"/>`, 'm.tmx').name).toBe('tmx');
    // An entity that DTD might have declared stays unknown.
    expect(failure(() => parseXml(`<!DOCTYPE x SYSTEM "${base}/x.dtd">\n<x>&leaked;</x>`, 'x.xml'))).toMatchObject({ code: 'xml_invalid', location: 'x.xml:2' });
    await settled();
    expect(requests).toBe(0);
  });
});

describe('malformed documents', () => {
  it('reports undefined entities, bad nesting, a second root and no root, with the line', () => {
    const cases = ['<x>\n<y>&nbsp;</y>\n</x>', '<x>\n<y>\n</x>', '<x>\n</x>\n<z/>', ''].map((text) => failure(() => parseXml(text, 'x.xml')));
    expect(cases).toMatchInlineSnapshot(`
      [
        {
          "code": "xml_invalid",
          "location": "x.xml:2",
          "message": "malformed XML: undefined entity",
        },
        {
          "code": "xml_invalid",
          "location": "x.xml:3",
          "message": "malformed XML: unexpected close tag",
        },
        {
          "code": "xml_invalid",
          "location": "x.xml:3",
          "message": "malformed XML: documents may contain only one root",
        },
        {
          "code": "xml_invalid",
          "location": "x.xml:1",
          "message": "malformed XML: document must contain a root element",
        },
      ]
    `);
  });

  it('counts lines the same with LF, CRLF and CR line ends, in errors and on elements', () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const lines = (text: string): string => text.replaceAll('\n', end);
      expect(failure(() => parseXml(lines('<x>\n\n<y>\n</x>'), 'x.xml')).location, JSON.stringify(end)).toBe('x.xml:4');
      expect(failure(() => parseXml(lines('<x>\n\n<y>&bad;</y></x>'), 'x.xml')).location, JSON.stringify(end)).toBe('x.xml:3');
      expect(failure(() => parseXml(lines('<?xml version="1.0"?>\n<!DOCTYPE x\n[<!ENTITY e "e">]>\n<x/>'), 'x.xml')).location, JSON.stringify(end)).toBe('x.xml:2');
      const root = parseXml(lines('<?xml version="1.0"?>\n<root>\n😀 <a\n  b="c"/>\n\n<d/></root>'), 'x.xml');
      expect(root.children.map((child) => [child.name, child.line]), JSON.stringify(end)).toEqual([['a', 3], ['d', 6]]);
    }
  });
});

describe('depth limit', () => {
  const nested = (depth: number): string => `<?xml version="1.0"?>\n<a>\n${'<b>'.repeat(depth - 1)}${'</b>'.repeat(depth - 1)}</a>`;

  it(`reads ${maxXmlDepth} levels of elements`, () => {
    let element = parseXml(nested(maxXmlDepth), 'x.xml');
    let depth = 1;
    for (let child = element.children[0]; child !== undefined; child = element.children[0]) [element, depth] = [child, depth + 1];
    expect(depth).toBe(maxXmlDepth);
  });

  it('refuses one level more instead of overflowing the stack, at the line of the element', () => {
    expect(failure(() => parseXml(nested(maxXmlDepth + 1), 'x.xml'))).toMatchInlineSnapshot(`
      {
        "code": "xml_invalid",
        "location": "x.xml:3",
        "message": "elements nested deeper than 500 levels",
      }
    `);
    expect(failure(() => parseXml(nested(100_000), 'x.xml')).location).toBe('x.xml:3');
  });
});

describe('characters XML cannot carry', () => {
  it('reports the first one read by code point, line and column', () => {
    expect(
      [
        '<x>\nab\u0001c</x>',
        '<x>\r\n<y a="\u000b"/>\r\n</x>',
        '<x>\n\n  😀 \ud800</x>',
        '<x>\n<!-- \uffff -->\n</x>',
      ].map((text) => failure(() => parseXml(text, 'x.tmx'))),
    ).toMatchInlineSnapshot(`
      [
        {
          "code": "xml_invalid",
          "location": "x.tmx:2",
          "message": "malformed XML: U+0001 is not a character XML can carry (column 3)",
        },
        {
          "code": "xml_invalid",
          "location": "x.tmx:2",
          "message": "malformed XML: U+000B is not a character XML can carry (column 7)",
        },
        {
          "code": "xml_invalid",
          "location": "x.tmx:3",
          "message": "malformed XML: U+D800 is not a character XML can carry (column 5)",
        },
        {
          "code": "xml_invalid",
          "location": "x.tmx:2",
          "message": "malformed XML: U+FFFF is not a character XML can carry (column 6)",
        },
      ]
    `);
  });

  it('refuses a character reference to one', () => {
    expect(failure(() => parseXml('<x>\n&#1;</x>', 'x.xml'))).toMatchObject({ code: 'xml_invalid', location: 'x.xml:2' });
  });

  it('refuses to write one, naming it', () => {
    expect(failure(() => escapeXmlText('a\u0001'))).toMatchObject({ code: 'xml_invalid', message: 'U+0001 cannot be written to XML' });
    expect(failure(() => escapeXmlAttribute('\ud800'))).toMatchObject({ code: 'xml_invalid', message: 'U+D800 cannot be written to XML' });
  });

  it('finds each with its offset, for formats that escape them', () => {
    expect(hasNonXmlCharacters('tab\tline\nreturn\r 😀')).toBe(false);
    expect(nonXmlCharacters('a\u0001b 😀 \ud800\uffff')).toEqual([
      { index: 1, character: '\u0001' },
      { index: 7, character: '\ud800' },
      { index: 8, character: '\uffff' },
    ]);
  });
});

describe('escapes', () => {
  /** Strings of characters XML can carry, markup and line ends made likely. */
  const xmlText = fc.string({
    unit: fc.oneof(
      fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', ']]>', '&amp;', '&#13;', ' '),
      fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCodePoint(code)),
      fc.integer({ min: 0xe000, max: 0xfffd }).map((code) => String.fromCodePoint(code)),
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
    ),
  });

  it('gives back any text written with escapeXmlText', () => {
    fc.assert(
      fc.property(xmlText, (text) => {
        expect(parseXml(`<x>${escapeXmlText(text)}</x>`, 'x.xml').text).toBe(text);
      }),
    );
  });

  it('gives back any attribute value written with escapeXmlAttribute', () => {
    fc.assert(
      fc.property(xmlText, (text) => {
        expect(parseXml(`<x a="${escapeXmlAttribute(text)}"/>`, 'x.xml').attributes['a']).toBe(text);
      }),
    );
  });
});

describe('the element tree', () => {
  it('matches local names, keeps xml:lang, mixed content, CDATA and lines', () => {
    const root = parseXml('\ufeff<?xml version="1.0"?>\n<a:root xmlns:a="urn:x" xml:lang="pl">\n  x &amp; <a:b\n type="t">y<![CDATA[<z>]]></a:b>&#13;</a:root>', 'x.xml');
    expect(root.name).toBe('root');
    expect(root.qualifiedName).toBe('a:root');
    expect(root.attributes['xml:lang']).toBe('pl');
    expect(root.line).toBe(2);
    expect(root.children.map((c) => [c.name, c.line, c.attributes['type'], c.text])).toEqual([['b', 3, 't', 'y<z>']]);
    expect(root.content[0]).toBe('\n  x & ');
    expect(root.text).toBe('\n  x & y<z>\r');
  });
});
