/**
 * The TBX glossary (ISO 30042): read TBX-Basic / TBX-Core 2019 (`<tbx>`, DCA and DCT styles)
 * and TBX 2008 (`<martif>`); write TBX-Basic 2019 in the DCA style.
 *
 * 1. Parsing goes through `parseXml`: no DTDs, no external entities (DESIGN §8.5).
 * 2. Structure: `conceptEntry` (2008: `termEntry`) → `langSec` (`langSet`) with `xml:lang`
 *    → `termSec` (`tig`, or `ntig` with a `termGrp`) → `term`. Elements are matched by local
 *    name, and a data category is either the `type` of a DCA element (`<termNote
 *    type="partOfSpeech">`) or the name of a DCT element (`<min:partOfSpeech>`).
 * 3. Terms: `partOfSpeech` → `partOfSpeech`; `administrativeStatus` (2008 also
 *    `normativeAuthorization`): `preferredTerm-admn-sts` and `standardizedTerm-admn-sts` →
 *    preferred, `admittedTerm-admn-sts`, `legalTerm-admn-sts`, `regulatedTerm-admn-sts` →
 *    admitted, `deprecatedTerm-admn-sts` and `supersededTerm-admn-sts` → deprecated. Without
 *    a status the first term of a language is preferred and the others admitted. A term's
 *    `<note>`s make its note.
 * 4. Entry note: the concept-level `<note>`s and `definition`s, joined by line ends; when
 *    there are none, those at the level of the source language.
 * 5. Hansa's own settings, which TBX-Basic has no data category for, are concept-level
 *    `<note>`s of the form `hansa:<key>=<value>` — a `<note>` is allowed anywhere in TBX-Basic
 *    and any TBX tool shows it to people as text:
 *      `hansa:doNotTranslate=yes`   keep the source form in every target (`doNotTranslate`),
 *      `hansa:caseSensitive=yes`    match with the same letter case (`caseSensitive`),
 *      `hansa:allowInversion=yes`   also match the two words in reverse order (`allowInversion`),
 *      `hansa:allowInversion=no`    keep the written order only (an opt-out).
 *    Values are yes/no/true/false/1/0. Without an `allowInversion` note the default applies: a
 *    two-word adjective–noun term matches in both orders (inversion.ts). The writer writes
 *    only what differs from the defaults: `yes` for the first two, `yes` or `no` for
 *    `allowInversion` when the entry sets it.
 *    A part of speech outside TBX-Basic's picklist (adjective, noun, other, verb, adverb), e.g.
 *    `properNoun`, is written as `other` plus a term-level `<note>hansa:partOfSpeech=properNoun</note>`.
 *    Read only, for files from other tools: `<admin type="doNotTranslate">yes</admin>` and
 *    `<termNote type="transferComment">do not translate</termNote>` also set doNotTranslate.
 * 6. The order of `Glossary.languages` is kept in the header, as
 *    `<sourceDesc><p>Hansa glossary; languages: pl, en, sv</p></sourceDesc>`. The reader puts
 *    the source language first, then the languages listed there, then any others met.
 * 7. Entries without any term are skipped. The writer needs at least one term per entry;
 *    an id that is not a valid XML id (`terms.csv#c12`) is made one (`terms.csv_c12`), with
 *    `-2`, `-3`… added if that clashes, so only valid ids round-trip unchanged.
 */
import type { Glossary, GlossaryEntry, Term, TermStatus } from './types.js';
import { escapeXmlAttribute, escapeXmlText, firstChild, parseXml, type XmlElement } from '../xml/index.js';
import { canonicalLanguage } from '../config/index.js';
import { invalid } from './invalid.js';

/** What the TBX reader needs to know besides the text. */
export interface TbxReadOptions {
  /** Language of the source terms; it comes first in `languages`. */
  readonly sourceLanguage: string;
}

/** The namespace of ISO 30042:2019 (TBX 3). */
export const tbxNamespace = 'urn:iso:std:iso:30042:ed-2';

const statusValues: Readonly<Record<string, TermStatus>> = {
  'preferredTerm-admn-sts': 'preferred',
  'standardizedTerm-admn-sts': 'preferred',
  'admittedTerm-admn-sts': 'admitted',
  'legalTerm-admn-sts': 'admitted',
  'regulatedTerm-admn-sts': 'admitted',
  'deprecatedTerm-admn-sts': 'deprecated',
  'supersededTerm-admn-sts': 'deprecated',
};

const statusNames: Readonly<Record<TermStatus, string>> = {
  preferred: 'preferredTerm-admn-sts',
  admitted: 'admittedTerm-admn-sts',
  deprecated: 'deprecatedTerm-admn-sts',
};

/** TBX-Basic's picklist for `partOfSpeech`. */
const basicPartsOfSpeech = new Set(['adjective', 'noun', 'other', 'verb', 'adverb']);

const booleans: Readonly<Record<string, boolean>> = { yes: true, no: false, true: true, false: false, '1': true, '0': false };

/** DCA elements whose `type` names the data category; any other element name is the category (DCT). */
const typedElements = new Set(['admin', 'adminNote', 'descrip', 'descripNote', 'termNote', 'transac', 'transacNote', 'ref', 'xref']);

/** Groups whose first child is the data category and the rest notes about it. */
const groupElements = new Set(['termNoteGrp', 'descripGrp', 'adminGrp']);

const languagesPrefix = 'Hansa glossary; languages: ';

type EntryFlag = 'doNotTranslate' | 'caseSensitive' | 'allowInversion';
const entryFlags: readonly EntryFlag[] = ['doNotTranslate', 'caseSensitive', 'allowInversion'];

/** The settings of an entry as read so far; `allowInversion` stays unset unless a note sets it. */
type EntryFlags = { doNotTranslate: boolean; caseSensitive: boolean; allowInversion?: boolean };

/** Read a TBX glossary. Throws `InputError` (`glossary_invalid`, `xml_invalid`, `xml_dtd_refused`) with the line. */
export function readTbxGlossary(text: string, file: string, options: TbxReadOptions): Glossary {
  const root = parseXml(text, file);
  if (root.name !== 'tbx' && root.name !== 'martif') {
    throw invalid(file, root.line, `not a TBX document: the root element is <${root.qualifiedName}>, expected <tbx> or <martif>`);
  }
  const found: string[] = [options.sourceLanguage, ...declaredLanguages(root)];
  const body = firstChild(firstChild(root, 'text') ?? root, 'body');
  const entries: GlossaryEntry[] = [];
  const ids = new Map<string, number>();
  for (const element of body?.children ?? []) {
    if (element.name !== 'conceptEntry' && element.name !== 'termEntry') continue;
    const entry = readEntry(element, file, options.sourceLanguage);
    const earlier = ids.get(entry.id);
    if (earlier !== undefined) throw invalid(file, element.line, `duplicate entry id "${entry.id}" (lines ${earlier} and ${element.line})`);
    ids.set(entry.id, element.line);
    if (Object.keys(entry.terms).length === 0) continue;
    found.push(...Object.keys(entry.terms));
    entries.push(entry);
  }
  return { languages: [...new Set(found)], entries };
}

function declaredLanguages(root: XmlElement): string[] {
  const header = firstChild(root, 'tbxHeader') ?? firstChild(root, 'martifHeader');
  const sourceDesc = firstChild(firstChild(header ?? root, 'fileDesc') ?? root, 'sourceDesc');
  for (const p of sourceDesc?.children ?? []) {
    const text = p.text.trim();
    if (p.name !== 'p' || !text.startsWith(languagesPrefix)) continue;
    return text
      .slice(languagesPrefix.length)
      .split(',')
      .flatMap((code) => canonicalLanguage(code.trim()) ?? []);
  }
  return [];
}

function readEntry(element: XmlElement, file: string, sourceLanguage: string): GlossaryEntry {
  const flags: EntryFlags = { doNotTranslate: false, caseSensitive: false };
  const notes: string[] = [];
  const sourceNotes: string[] = [];
  const terms: Record<string, Term[]> = {};
  for (const child of flatten(element.children)) {
    if (child.name === 'langSec' || child.name === 'langSet') {
      const language = readLanguage(child, file);
      const list = terms[language] ?? [];
      for (const part of flatten(child.children)) {
        if (part.name === 'termSec' || part.name === 'tig' || part.name === 'ntig') {
          const term = readTerm(part, file, list.length === 0, flags);
          list.push(term);
        } else if (language === sourceLanguage) {
          const note = noteText(part);
          if (note !== undefined) sourceNotes.push(note);
        }
        if (isDoNotTranslate(part)) flags.doNotTranslate = true;
      }
      if (list.length > 0) terms[language] = list;
      continue;
    }
    if (isDoNotTranslate(child)) flags.doNotTranslate = true;
    const note = noteText(child);
    if (note === undefined) continue;
    const marker = readMarker(note);
    if (marker !== undefined && entryFlags.includes(marker.key as EntryFlag)) {
      flags[marker.key as EntryFlag] = readFlag(marker.value, file, child.line, marker.key);
    } else notes.push(note);
  }
  const note = (notes.length > 0 ? notes : sourceNotes).join('\n');
  return {
    id: element.attributes.id ?? `c${element.line}`,
    terms,
    ...flags,
    ...(note === '' ? {} : { note }),
    origin: { file, line: element.line },
  };
}

function readLanguage(element: XmlElement, file: string): string {
  const raw = element.attributes['xml:lang'] ?? element.attributes.lang;
  if (raw === undefined) throw invalid(file, element.line, `<${element.qualifiedName}> has no xml:lang`);
  const code = canonicalLanguage(raw.trim());
  if (code === undefined) throw invalid(file, element.line, `unknown language code "${raw}" in <${element.qualifiedName}>`);
  return code;
}

function readTerm(element: XmlElement, file: string, isFirst: boolean, flags: EntryFlags): Term {
  let text: string | undefined;
  let status: TermStatus | undefined;
  let partOfSpeech: string | undefined;
  let markedPartOfSpeech: string | undefined;
  const notes: string[] = [];
  for (const part of flatten(element.children)) {
    const category = categoryOf(part);
    const value = part.text.trim();
    if (part.name === 'term') {
      if (value === '') throw invalid(file, part.line, 'an empty <term>');
      text = value;
    } else if (category === 'partOfSpeech') {
      if (value !== '') partOfSpeech = value;
    } else if (category === 'administrativeStatus' || category === 'normativeAuthorization') {
      status = statusValues[value];
      if (status === undefined) {
        throw invalid(file, part.line, `unknown administrative status "${value}" (expected ${Object.keys(statusValues).join(', ')})`);
      }
    } else if (isDoNotTranslate(part)) {
      flags.doNotTranslate = true;
    } else if (part.name === 'note' && value !== '') {
      const marker = readMarker(value);
      if (marker?.key === 'partOfSpeech') markedPartOfSpeech = marker.value.trim();
      else notes.push(value);
    }
  }
  if (text === undefined) throw invalid(file, element.line, `<${element.qualifiedName}> has no <term>`);
  const pos = markedPartOfSpeech ?? partOfSpeech;
  return {
    text,
    status: status ?? (isFirst ? 'preferred' : 'admitted'),
    ...(pos === undefined || pos === '' ? {} : { partOfSpeech: pos }),
    ...(notes.length === 0 ? {} : { note: notes.join('\n') }),
  };
}

/**
 * Children as if there were no groups: a `termGrp` (TBX 2008 `ntig`) by its contents, a
 * `descripGrp`, `adminGrp` or `termNoteGrp` by its first child, the category it groups.
 */
function flatten(children: readonly XmlElement[]): XmlElement[] {
  return children.flatMap((child) => {
    if (child.name === 'termGrp') return flatten(child.children);
    if (groupElements.has(child.name)) return child.children.slice(0, 1);
    return [child];
  });
}

function categoryOf(element: XmlElement): string {
  return typedElements.has(element.name) ? (element.attributes.type ?? '') : element.name;
}

/** The text of a `<note>` or a definition, trimmed; undefined for anything else or empty. */
function noteText(element: XmlElement): string | undefined {
  if (element.name !== 'note' && categoryOf(element) !== 'definition') return undefined;
  const text = element.text.trim();
  return text === '' ? undefined : text;
}

/** Other tools' ways to say "do not translate". */
function isDoNotTranslate(element: XmlElement): boolean {
  const category = categoryOf(element);
  const value = element.text.trim().toLowerCase();
  if (category === 'doNotTranslate') return booleans[value] === true;
  return category === 'transferComment' && /\bdo not translate\b/.test(value);
}

function readMarker(note: string): { key: string; value: string } | undefined {
  const match = /^hansa:([A-Za-z]+)=(.*)$/s.exec(note);
  return match === null ? undefined : { key: match[1] ?? '', value: match[2] ?? '' };
}

function readFlag(value: string, file: string, line: number, key: string): boolean {
  const flag = booleans[value.trim().toLowerCase()];
  if (flag === undefined) throw invalid(file, line, `hansa:${key}: expected yes, no, true, false, 1 or 0, got "${value}"`);
  return flag;
}

/**
 * Write a glossary as TBX-Basic (ISO 30042:2019, DCA style). The source language is the
 * first of `languages`. Throws `InputError` (`glossary_invalid`) for an entry without terms,
 * and (`xml_invalid`) for characters XML cannot hold.
 */
export function writeTbxGlossary(glossary: Glossary): string {
  const source = glossary.languages[0];
  if (source === undefined) throw invalid(undefined, undefined, 'the glossary has no languages, so no source language');
  const languages = [...new Set([...glossary.languages, ...glossary.entries.flatMap((e) => Object.keys(e.terms))])];
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<tbx type="TBX-Basic" style="dca" xml:lang="${escapeXmlAttribute(source)}" xmlns="${tbxNamespace}">`,
    '  <tbxHeader>',
    '    <fileDesc>',
    '      <sourceDesc>',
    `        <p>${escapeXmlText(languagesPrefix + languages.join(', '))}</p>`,
    '      </sourceDesc>',
    '    </fileDesc>',
    '  </tbxHeader>',
  ];
  if (glossary.entries.length === 0) out.push('  <text/>');
  else {
    out.push('  <text>', '    <body>');
    const ids = new Set<string>();
    for (const entry of glossary.entries) {
      let id = isNcName(entry.id) ? entry.id : xmlId(entry.id);
      for (let n = 2; ids.has(id); n++) id = `${xmlId(entry.id)}-${n}`;
      ids.add(id);
      writeEntry(entry, id, languages, out);
    }
    out.push('    </body>', '  </text>');
  }
  out.push('</tbx>', '');
  return out.join('\n');
}

function writeEntry(entry: GlossaryEntry, id: string, languages: readonly string[], out: string[]): void {
  out.push(`      <conceptEntry id="${escapeXmlAttribute(id)}">`);
  // Only what differs from the default: yes for the first two, yes or no for allowInversion.
  for (const flag of entryFlags) {
    const value = entry[flag];
    if (value === true || (value === false && flag === 'allowInversion')) out.push(`        <note>hansa:${flag}=${value ? 'yes' : 'no'}</note>`);
  }
  if (entry.note !== undefined && entry.note !== '') out.push(`        <note>${escapeXmlText(entry.note)}</note>`);
  let written = false;
  for (const language of languages) {
    const terms = entry.terms[language] ?? [];
    if (terms.length === 0) continue;
    written = true;
    out.push(`        <langSec xml:lang="${escapeXmlAttribute(language)}">`);
    for (const term of terms) {
      out.push('          <termSec>', `            <term>${escapeXmlText(term.text)}</term>`);
      // TBX wants a term's termNotes before its notes.
      const pos = term.partOfSpeech;
      const basic = pos === undefined || basicPartsOfSpeech.has(pos);
      if (pos !== undefined) out.push(`            <termNote type="partOfSpeech">${basic ? pos : 'other'}</termNote>`);
      out.push(`            <termNote type="administrativeStatus">${statusNames[term.status]}</termNote>`);
      if (!basic) out.push(`            <note>hansa:partOfSpeech=${escapeXmlText(pos)}</note>`);
      if (term.note !== undefined && term.note !== '') out.push(`            <note>${escapeXmlText(term.note)}</note>`);
      out.push('          </termSec>');
    }
    out.push('        </langSec>');
  }
  if (!written) throw invalid(entry.origin.file, entry.origin.line, `entry ${entry.id} has no terms`);
  out.push('      </conceptEntry>');
}

/** XML 1.0 NCName (the type of TBX ids). */
const ncName =
  /^[A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}][-.0-9A-Z_a-z\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]*$/u;

function isNcName(id: string): boolean {
  return ncName.test(id);
}

/** `id` made a valid NCName: characters outside NameChar become `_`, and `_` goes first if needed. */
function xmlId(id: string): string {
  const chars = [...id].map((c) => (ncName.test(`a${c}`) ? c : '_')).join('');
  return ncName.test(chars) ? chars : `_${chars}`;
}

