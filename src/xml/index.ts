/**
 * The one XML reader of Hansa: XLIFF 1.2 and 2, TMX and TBX all come in through it, and the
 * XML it writes is escaped here. Files from translators, CAT tools and terminologists are
 * untrusted input, so the rules are set once, in one place, not per format.
 *
 * 1. One reader for every XML format: a format module walks the element tree this returns
 *    and never parses XML itself, so no format can be read with weaker rules than another.
 * 2. No DTDs (DESIGN §8.5): a document declaring anything (`<!DOCTYPE …[ … ]>` with an
 *    internal subset, or `<!ENTITY` anywhere) is refused with `xml_dtd_refused` before
 *    anything in it is used. Declarations are how external entities (XXE: a translation file
 *    that reads `/etc/passwd` or calls a URL) and expansion bombs ("billion laughs") work, and
 *    no localisation format needs one. A bare `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`, as OmegaT
 *    and Trados write, only names a DTD: it is ignored, never fetched.
 * 3. Only the five predefined entities and character references are known; any other
 *    entity reference is an error, as is anything not well-formed. Every error is an
 *    `InputError` (`xml_invalid`) naming the file and the line, counted as XML counts line
 *    ends (`\r\n`, `\r` and `\n` alike), so the user can go to the place.
 * 4. Characters XML cannot carry (most C0 controls, U+FFFE, U+FFFF, lone surrogates) are
 *    reported by code point, line and column, whether they are read or about to be written:
 *    `escapeXmlText` and `escapeXmlAttribute` refuse them rather than write a file no tool
 *    can open, and `nonXmlCharacters` lets a format with an escape of its own (XLIFF 2
 *    `<cp hex="…"/>`) keep them.
 * 5. Elements nested deeper than `maxXmlDepth` are refused, so walking the tree cannot
 *    overflow the stack on a hostile file.
 * 6. Namespaces are handled loosely: elements are matched by local name (`tbx:term` and
 *    `term` are both `term`); prefixes are not checked. Attributes keep the name as written,
 *    so `xml:lang` stays `xml:lang`. The result is a plain element tree with line numbers.
 */
import { SaxesParser } from 'saxes';
import { InputError } from '../errors/index.js';

/** One element of a parsed document. */
export interface XmlElement {
  /** Local name, without any prefix (`langSec` for both `langSec` and `tbx:langSec`). */
  readonly name: string;
  /** The name as written, prefix included. */
  readonly qualifiedName: string;
  /** Attributes by the name as written (`xml:lang`, `type`), entity references resolved. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Child elements, in document order. */
  readonly children: readonly XmlElement[];
  /** Text and child elements, in document order (mixed content, CDATA as text). */
  readonly content: readonly (string | XmlElement)[];
  /** All the text inside, descendants included, as DOM `textContent` gives it. */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

class Element implements XmlElement {
  readonly children: XmlElement[] = [];
  readonly content: (string | XmlElement)[] = [];
  #text: string | undefined;

  constructor(
    readonly name: string,
    readonly qualifiedName: string,
    readonly attributes: Readonly<Record<string, string>>,
    readonly line: number,
  ) {}

  get text(): string {
    this.#text ??= this.content.map((part) => (typeof part === 'string' ? part : part.text)).join('');
    return this.#text;
  }

  append(part: string | Element): void {
    if (typeof part === 'string') {
      const last = this.content.length - 1;
      const previous = this.content[last];
      if (typeof previous === 'string') this.content[last] = previous + part;
      else this.content.push(part);
    } else {
      this.children.push(part);
      this.content.push(part);
    }
  }
}

const dtdRefused = 'DTDs are not accepted';

/** Deepest element nesting accepted; real localisation files stay far below it. */
export const maxXmlDepth = 500;

/**
 * Parse a whole XML document into an element tree; returns the root element.
 * Throws `InputError` (`xml_dtd_refused` or `xml_invalid`) naming `file` and the line.
 */
export function parseXml(text: string, file: string): XmlElement {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // saxes calls a control character "disallowed" without naming it, and a lone surrogate
  // slips past it into a confusing error further on: find the first one here.
  const bad = forbidden.exec(source);
  if (bad !== null) {
    const lineStart = Math.max(source.lastIndexOf('\n', bad.index - 1), source.lastIndexOf('\r', bad.index - 1)) + 1;
    const column = [...source.slice(lineStart, bad.index)].length + 1;
    const reason = `${codePointOf(bad[0])} is not a character XML can carry (column ${column})`;
    throw new InputError('xml_invalid', `malformed XML: ${reason}`, { file, line: lineAt(source, bad.index), data: { reason } });
  }
  const parser = new SaxesParser<{ position: true; xmlns: false }>({ position: true, xmlns: false });
  const stack: Element[] = [];
  let root: Element | undefined;
  let startLine = 1;

  parser.on('error', (error) => {
    // saxes calls an `<!ENTITY` outside a DOCTYPE "incorrect syntax"; name the real reason.
    const entity = source.indexOf('<!ENTITY');
    if (entity >= 0) throw refuseDtd(file, lineAt(source, entity));
    const reason = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    throw new InputError('xml_invalid', `malformed XML: ${reason}`, { file, line: parser.line, data: { reason } });
  });
  parser.on('doctype', (doctype) => {
    if (doctype.includes('[')) throw refuseDtd(file, parser.line - countNewlines(doctype));
  });
  // saxes reports a start tag once its name is read, maybe lines after the `<`; count lines up to the `<`.
  let counted = 0;
  let countedLine = 1;
  parser.on('opentagstart', () => {
    const open = source.lastIndexOf('<', parser.position - 1);
    countedLine += countNewlines(source.slice(counted, open));
    counted = open;
    startLine = countedLine;
  });
  parser.on('opentag', (tag) => {
    const element = new Element(localName(tag.name), tag.name, tag.attributes, startLine);
    const parent = stack.at(-1);
    if (stack.length >= maxXmlDepth) {
      const reason = `elements nested deeper than ${maxXmlDepth} levels`;
      throw new InputError('xml_invalid', reason, { file, line: startLine, data: { reason } });
    }
    if (parent === undefined) root = element;
    else parent.append(element);
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (data) => {
    stack.at(-1)?.append(data);
  });
  parser.on('cdata', (data) => {
    stack.at(-1)?.append(data);
  });

  parser.write(source).close();
  if (root === undefined) {
    throw new InputError('xml_invalid', 'malformed XML: no root element', { file, line: 1, data: { reason: 'no root element' } });
  }
  return root;
}

/** Child elements of `element` with local name `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The first child element with local name `name`, if any. */
export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Escape text for element content. `\r` becomes `&#13;` so that it survives line-end normalisation. */
export function escapeXmlText(text: string): string {
  checkXmlChars(text);
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Escape text for a double-quoted attribute value; tabs and line ends become character references. */
export function escapeXmlAttribute(text: string): string {
  checkXmlChars(text);
  return text.replace(/[&<>"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Characters XML 1.0 cannot carry at all, not even as references: C0 controls but tab, line
 * feed and carriage return (man pages have them), U+FFFE, U+FFFF and lone surrogates (with
 * `u`, `\ud800-\udfff` matches only a surrogate that is not half of a pair). The one test of
 * this for every XML format Hansa writes.
 */
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/u;
const everyForbidden = new RegExp(forbidden.source, 'gu');

/** True when `text` holds a character no XML document can carry (TMX has no escape for it). */
export function hasNonXmlCharacters(text: string): boolean {
  return forbidden.test(text);
}

/**
 * The characters of `text` no XML document can carry, each with its offset (in UTF-16 code
 * units), in order: for formats that have an escape of their own (XLIFF 2 `<cp hex="…"/>`).
 */
export function nonXmlCharacters(text: string): { readonly index: number; readonly character: string }[] {
  return [...text.matchAll(everyForbidden)].map((match) => ({ index: match.index, character: match[0] }));
}

function checkXmlChars(text: string): void {
  const match = forbidden.exec(text);
  if (match !== null) {
    const reason = `${codePointOf(match[0])} cannot be written to XML`;
    throw new InputError('xml_invalid', reason, { data: { reason } });
  }
}

/** `U+0001` for a character. */
function codePointOf(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function refuseDtd(file: string, line: number): InputError {
  return new InputError('xml_dtd_refused', dtdRefused, { file, line });
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Line ends in `text` as XML counts them: `\r\n`, `\r` and `\n` are one each. */
function countNewlines(text: string): number {
  return text.match(lineEnd)?.length ?? 0;
}

const lineEnd = /\r\n?|\n/g;

function lineAt(text: string, index: number): number {
  return countNewlines(text.slice(0, index)) + 1;
}
