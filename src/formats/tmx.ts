/**
 * TMX 1.4b, the translation memory format every CAT tool reads.
 *
 * Written: a header naming Hansa, no dates (same entries, same bytes); one `<tu>` per
 * translation with the origin and state as `x-hansa-*` properties, a `<tuv>` for the source
 * and one for the target. Inline codes are TMX native-code elements: a paired code is
 * `<bpt i="n" x="n">**</bpt>…<ept i="n">**</ept>`, a standalone one `<ph x="n">…</ph>`, with
 * the Markdown delimiters (or the code's display text) as the native code and the
 * segment's local id as `x`, which TMX uses to match codes between languages.
 *
 * Read: other tools' TMX too. `xml:lang` or the older `lang`; `<hi>` only highlights, so its
 * text is kept; `<it>` and `<ut>` become standalone codes; `<bpt>`/`<ept>` that overlap or
 * lack their partner also become standalone codes, as tagged text must nest. Codes are
 * numbered by their first appearance in the source (by `x`, else `i`, else position), and
 * the target uses the same numbers. Every language of a `<tu>` other than the source gives
 * a translation, with its language; the state is the `x-hansa-state` property, else
 * `translated` (a memory's entry is a draft until someone reviews it in Hansa).
 */
import { escapeXmlAttribute, escapeXmlText, parseXml, childrenNamed, firstChild, type XmlElement } from '../xml/index.js';
import type { CodeKind } from '../markdown/types.js';
import type { Run } from '../markdown/tagged.js';
import { importError, isTranslationState, storeRuns, TaggedBuilder } from './inline.js';
import { segmentsOf, stateRank } from './types.js';
import type { ImportedFile, ImportedTranslation, SegmentFile, StoreCode, TranslationState } from './types.js';

/** One translation for a memory. */
export interface TmxEntry {
  /** Segment id, written as `tuid`. */
  readonly id?: string;
  /** Tagged source and target. */
  readonly source: string;
  readonly target: string;
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
  readonly origin?: string;
  readonly state?: TranslationState;
  /** The source's codes, so the native code text can be written; empty elements without them. */
  readonly codes?: readonly StoreCode[];
}

export interface TmxOptions {
  /** `srclang` of the header; default: the entries' one source language, or `*all*` if they differ. */
  readonly sourceLanguage?: string;
  /** `creationtoolversion` (the DTD requires one); callers pass Hansa's version. */
  readonly toolVersion?: string;
}

/** A translation read from TMX: also says which language it is in, as a `<tu>` may hold several. */
export interface TmxTranslation extends ImportedTranslation {
  readonly targetLanguage: string;
}

export interface TmxFile extends ImportedFile {
  readonly format: 'tmx';
  readonly translations: readonly TmxTranslation[];
}

/** The TMX document for `entries`, in their order. */
export function writeTmx(entries: readonly TmxEntry[], options: TmxOptions = {}): string {
  const languages = new Set(entries.map((entry) => entry.sourceLanguage));
  const [only] = languages;
  const sourceLanguage = options.sourceLanguage ?? (languages.size === 1 && only !== undefined ? only : '*all*');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<tmx version="1.4">',
    `  <header creationtool="Hansa" creationtoolversion="${escapeXmlAttribute(options.toolVersion ?? '0')}" segtype="sentence" o-tmf="hansa" adminlang="en" srclang="${escapeXmlAttribute(sourceLanguage)}" datatype="plaintext"/>`,
    '  <body>',
    ...entries.flatMap(tuLines),
    '  </body>',
    '</tmx>',
    '',
  ].join('\n');
}

function tuLines(entry: TmxEntry): string[] {
  const id = entry.id ?? '';
  const tuid = entry.id === undefined ? '' : ` tuid="${escapeXmlAttribute(entry.id)}"`;
  const codes = entry.codes ?? [];
  return [
    `    <tu${tuid}>`,
    ...(entry.origin === undefined ? [] : [`      <prop type="x-hansa-origin">${escapeXmlText(entry.origin)}</prop>`]),
    ...(entry.state === undefined ? [] : [`      <prop type="x-hansa-state">${entry.state}</prop>`]),
    `      <tuv xml:lang="${escapeXmlAttribute(entry.sourceLanguage)}"><seg>${segXml(storeRuns(entry.source, id), codes)}</seg></tuv>`,
    `      <tuv xml:lang="${escapeXmlAttribute(entry.targetLanguage)}"><seg>${segXml(storeRuns(entry.target, id), codes)}</seg></tuv>`,
    '    </tu>',
  ];
}

/** Markdown's own delimiters for paired codes: the native code TMX wants inside `<bpt>`/`<ept>`. */
const delimiters: Partial<Record<CodeKind, readonly [string, string]>> = {
  strong: ['**', '**'],
  emphasis: ['*', '*'],
  delete: ['~~', '~~'],
  link: ['[', ']'],
  linkReference: ['[', ']'],
};

const pairedTypes: Partial<Record<CodeKind, string>> = { strong: 'bold', emphasis: 'italic', link: 'link', linkReference: 'link' };
const standaloneTypes: Partial<Record<CodeKind, string>> = { image: 'image', imageReference: 'image', break: 'lb', footnoteReference: 'fnote' };

/** Runs as TMX `<seg>` content. */
function segXml(runs: readonly Run[], codes: readonly StoreCode[]): string {
  let out = '';
  for (const run of runs) {
    if (run.type === 'text') {
      out += escapeXmlText(run.value);
      continue;
    }
    const code = codes[run.id - 1];
    if (run.type === 'open') {
      const type = code === undefined ? '' : ` type="${pairedTypes[code.kind] ?? `x-${code.kind}`}"`;
      out += `<bpt i="${run.id}" x="${run.id}"${type}>${escapeXmlText(code === undefined ? '' : (delimiters[code.kind]?.[0] ?? code.disp))}</bpt>`;
    } else if (run.type === 'close') {
      out += `<ept i="${run.id}">${escapeXmlText(code === undefined ? '' : (delimiters[code.kind]?.[1] ?? ''))}</ept>`;
    } else {
      const type = code === undefined ? '' : ` type="${standaloneTypes[code.kind] ?? `x-${code.kind}`}"`;
      out += `<ph x="${run.id}"${type}>${escapeXmlText(code?.disp ?? '')}</ph>`;
    }
  }
  return out;
}

/**
 * Memory entries from segment files: every segment with a target at `minState` or beyond,
 * an identical source/target pair once (the first occurrence keeps its id and origin).
 */
export function tmxEntriesOf(files: readonly SegmentFile[], minState: TranslationState = 'translated'): TmxEntry[] {
  const seen = new Set<string>();
  const entries: TmxEntry[] = [];
  for (const file of files) {
    for (const segment of segmentsOf(file)) {
      if (segment.target === undefined || segment.target === '' || stateRank(segment.state) < stateRank(minState)) continue;
      const key = JSON.stringify([file.sourceLanguage, file.targetLanguage, segment.source, segment.target]);
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({
        id: segment.id,
        source: segment.source,
        target: segment.target,
        sourceLanguage: file.sourceLanguage,
        targetLanguage: file.targetLanguage,
        state: segment.state,
        codes: segment.codes,
        ...(segment.origin === undefined ? {} : { origin: segment.origin }),
      });
    }
  }
  return entries;
}

export interface ReadTmxOptions {
  /** The source language when the header's `srclang` is `*all*`; also overrides it. */
  readonly sourceLanguage?: string;
  /** Only translations into this language (`en` also takes `en-GB`). */
  readonly targetLanguage?: string;
}

/** Read a TMX file (Hansa's or another tool's). */
export function readTmx(text: string, fileName: string, options: ReadTmxOptions = {}): TmxFile {
  const root = parseXml(text, fileName);
  if (root.name !== 'tmx') throw importError(fileName, root.line, `not a TMX document (root element <${root.qualifiedName}>)`);
  const header = firstChild(root, 'header');
  if (header === undefined) throw importError(fileName, root.line, 'no <header> element');
  const srclang = header.attributes.srclang;
  if ((srclang === undefined || srclang === '') && options.sourceLanguage === undefined) throw importError(fileName, header.line, '<header> has no srclang');
  const sourceLanguage = options.sourceLanguage ?? srclang ?? '';
  const body = firstChild(root, 'body');
  if (body === undefined) throw importError(fileName, root.line, 'no <body> element');
  const units = childrenNamed(body, 'tu');
  // `*all*` (any language may be the source) says nothing about which one is; an empty memory needs none.
  if (sourceLanguage === '*all*' && units.length > 0) throw importError(fileName, header.line, 'srclang is *all*: say which language is the source');
  const translations = units.flatMap((tu) => tuTranslations(tu, sourceLanguage, options.targetLanguage, fileName));
  const targets = new Set(translations.map((translation) => translation.targetLanguage));
  const [target] = targets;
  return {
    format: 'tmx',
    sourceLanguage,
    ...(targets.size === 1 && target !== undefined ? { targetLanguage: target } : {}),
    translations,
  };
}

/** True when `tag` is the language `wanted` names (`pl` takes `pl-PL`), ignoring case. */
export function languageMatches(tag: string, wanted: string): boolean {
  const a = tag.toLowerCase().replace(/_/g, '-');
  const b = wanted.toLowerCase().replace(/_/g, '-');
  return a === b || a.startsWith(`${b}-`);
}

function tuvLanguage(tuv: XmlElement, fileName: string): string {
  const language = tuv.attributes['xml:lang'] ?? tuv.attributes.lang;
  if (language === undefined || language === '') throw importError(fileName, tuv.line, '<tuv> has no xml:lang');
  return language;
}

function tuTranslations(tu: XmlElement, sourceLanguage: string, targetLanguage: string | undefined, fileName: string): TmxTranslation[] {
  const tuvs = childrenNamed(tu, 'tuv').map((tuv) => ({ tuv, language: tuvLanguage(tuv, fileName) }));
  const source = tuvs.find((t) => t.language.toLowerCase() === sourceLanguage.toLowerCase()) ?? tuvs.find((t) => languageMatches(t.language, sourceLanguage));
  // A multilingual memory may hold units without our source language: nothing to take from them.
  if (source === undefined) return [];
  const numbering = new Map<string, number>();
  const sourceText = segTagged(source.tuv, numbering, fileName);
  const tuProps = propsOf(tu);
  return tuvs
    .filter((t) => t !== source && (targetLanguage === undefined || languageMatches(t.language, targetLanguage)))
    .map(({ tuv, language }) => {
      const props = new Map([...tuProps, ...propsOf(tuv)]);
      const target = segTagged(tuv, new Map(numbering), fileName);
      const origin = props.get('x-hansa-origin');
      const named = props.get('x-hansa-state');
      if (named !== undefined && !isTranslationState(named)) throw importError(fileName, tuv.line, `unknown x-hansa-state "${named}"`);
      const state: TranslationState = target === '' ? 'initial' : (named ?? 'translated');
      // No id: a tuid names a memory entry, not a segment of a Hansa document.
      return {
        source: sourceText,
        target,
        state,
        ...(origin === undefined ? {} : { origin }),
        line: tuv.line,
        targetLanguage: language,
      };
    });
}

function propsOf(element: XmlElement): Map<string, string> {
  return new Map(childrenNamed(element, 'prop').map((prop) => [prop.attributes.type ?? '', prop.text]));
}

/** A code as the file names it, for matching between the languages of one `<tu>`. */
interface CodeEvent {
  readonly element: XmlElement;
  /** Pairs a `<bpt>` with its `<ept>` inside one `<tuv>`. */
  readonly pair?: string;
}

/**
 * Tagged text of a `<tuv>`'s `<seg>`. `numbering` maps the codes' names to local ids: filled
 * by the source, shared (copied) by each target so that matching codes get the same id.
 */
function segTagged(tuv: XmlElement, numbering: Map<string, number>, fileName: string): string {
  const seg = firstChild(tuv, 'seg');
  if (seg === undefined) throw importError(fileName, tuv.line, '<tuv> has no <seg>');
  const events: CodeEvent[] = [];
  collectCodes(seg, events);
  const paired = wellNestedPairs(events);
  const builder = new TaggedBuilder();
  let position = 0;
  const idOf = (name: string): number => {
    const known = numbering.get(name);
    if (known !== undefined) return known;
    const next = Math.max(0, ...numbering.values()) + 1;
    numbering.set(name, next);
    return next;
  };
  const walk = (element: XmlElement): void => {
    for (const part of element.content) {
      if (typeof part === 'string') {
        builder.text(part);
        continue;
      }
      const i = part.attributes.i ?? '';
      switch (part.name) {
        case 'hi':
          walk(part);
          break;
        case 'bpt':
          if (paired.has(i)) builder.open(idOf(part.attributes.x === undefined ? `i${i}` : `x${part.attributes.x}`), i);
          else builder.ph(idOf(part.attributes.x === undefined ? `b${i}` : `x${part.attributes.x}`));
          break;
        case 'ept':
          if (paired.has(i)) builder.close(i);
          else builder.ph(idOf(`e${i}`));
          break;
        case 'ph':
        case 'it':
        case 'ut':
          // Without x, the n-th such code of the target is taken to be the source's n-th.
          if (part.attributes.x === undefined) position += 1;
          builder.ph(idOf(part.attributes.x === undefined ? `p${position}` : `x${part.attributes.x}`));
          break;
        default:
          throw importError(fileName, part.line, `unknown element <${part.qualifiedName}> in <seg>`);
      }
    }
  };
  walk(seg);
  return builder.tagged();
}

/** The `<bpt>`/`<ept>` elements in document order, `<hi>` looked into. */
function collectCodes(element: XmlElement, events: CodeEvent[]): void {
  for (const child of element.children) {
    if (child.name === 'hi') collectCodes(child, events);
    else if (child.name === 'bpt' || child.name === 'ept') events.push({ element: child, pair: child.attributes.i ?? '' });
  }
}

/**
 * The `i` values whose `<bpt>`/`<ept>` pair can be a paired code: both present, once each,
 * nested within the others. `<hi>` boundaries are not checked, as `<hi>` leaves no trace.
 */
function wellNestedPairs(events: readonly CodeEvent[]): Set<string> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(`${event.element.name}${event.pair}`, (counts.get(`${event.element.name}${event.pair}`) ?? 0) + 1);
  const good = new Set<string>();
  const stack: string[] = [];
  for (const event of events) {
    const i = event.pair ?? '';
    if (counts.get(`bpt${i}`) !== 1 || counts.get(`ept${i}`) !== 1) continue;
    if (event.element.name === 'bpt') stack.push(i);
    else if (stack.at(-1) === i) {
      stack.pop();
      good.add(i);
    } else {
      // Overlapping: drop the pair; the codes opened after it still nest among themselves.
      const at = stack.indexOf(i);
      if (at >= 0) stack.splice(at, 1);
    }
  }
  return good;
}
