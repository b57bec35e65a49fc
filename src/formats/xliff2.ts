/**
 * Hansa's segment files in XLIFF 2.1 (`translations/<lang>/**.xlf`, DESIGN §2): one file per
 * source document and target language, read back after any CAT tool has rewritten it.
 *
 * The shape written (2-space indentation, never any whitespace added inside content):
 *
 *   <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mda="…metadata:2.0"
 *       xmlns:mtc="…matches:2.0" version="2.1" srcLang="pl" trgLang="en">
 *     <file id="f1" original="content/pl/a.md" canResegment="no">
 *       <mda:metadata><mda:metaGroup category="hansa">
 *         <mda:meta type="sourceHash">…</mda:meta></mda:metaGroup></mda:metadata>
 *       <unit id="u1" name="paragraph">
 *         <mtc:matches>
 *           <mtc:match ref="#9f…" type="tm" subType="hansa:previous" origin="human" similarity="80">
 *             <mda:metadata>…<mda:meta type="state">reviewed</mda:meta>…</mda:metadata>
 *             <source>Stary <pc id="m1-1">tekst</pc>.</source>
 *             <target>Old <pc id="m1-1">text</pc>.</target>
 *           </mtc:match>
 *         </mtc:matches>
 *         <notes>
 *           <note id="n1" category="context">about the unit</note>
 *           <note id="9f….n2" category="glossary">about segment 9f…</note>
 *         </notes>
 *         <segment id="9f…" state="translated" subState="hansa:mt:deepl">
 *           <source>Ala ma <pc id="1-1" type="fmt" subType="xlf:b" dispStart="**" dispEnd="**"
 *               canOverlap="no">kota</pc>.</source>
 *           <target>Ala has a <pc id="1-1" …>cat</pc>.</target>
 *         </segment>
 *         <ignorable>
 *           <source xml:space="preserve"> </source>
 *         </ignorable>
 *       </unit>
 *     </file>
 *   </xliff>
 *
 * 1. Source hash: the Metadata module at file level (`mda:meta type="sourceHash"`), a core
 *    module every conformant tool must keep.
 * 2. Origin: `subState="hansa:<origin>"` (`hansa:mt:deepl`, `hansa:tm:fuzzy:87`, `hansa:human`);
 *    `state` is always written, as XLIFF requires when `subState` is present. A `subState`
 *    of another prefix (a CAT tool's own) is not an origin and is ignored.
 * 3. Codes: XLIFF wants code ids unique within the unit, so local code n of the unit's k-th
 *    segment becomes `k-n`, and code n of the unit's j-th match `mj-n`. Reading does not rely
 *    on that form: the codes of a source are numbered again in order of appearance (the
 *    rule of tagged text), so a tool that renumbers ids loses nothing. `type`/`subType` say
 *    the kind (`xlf:b` strong, `xlf:i` emphasis, `xlf:lb` break, else `hansa:<kind>`), and
 *    `disp`/`equiv` (`dispStart`/`equivStart` on `<pc>`) carry `StoreCode.disp`/`equiv`. A
 *    target's codes must be exactly its source's, each once; otherwise reading fails.
 *    Read also: `<sc>`/`<ec startRef>` pairs (well nested, not isolated) as paired codes,
 *    `<mrk>` unwrapped, `<sm>`/`<em>` dropped, `<cp hex>` as its character.
 * 4. States: XLIFF's four are Hansa's four. A segment past `initial` must have a target. An
 *    empty `<target/>` in state `initial` is what tools add to untranslated segments: it is
 *    read as no target, and the writer writes such a target as none.
 * 5. Notes: a note about a segment has the id `<segment id>.n<k>`, a note about the unit
 *    `n<k>` (k counts the unit's notes); a note without a category reads with category ''.
 * 6. Reviewer: who saved a segment's target in the review page, in a unit-level Metadata
 *    block, `<mda:metaGroup category="hansa:reviewer">` with one `<mda:meta type="<segment
 *    id>">name</mda:meta>` per reviewed segment (XLIFF allows one `mda:metadata` per unit,
 *    so the unit's segments share it). A name for a segment the unit lacks is dropped.
 * 7. Suggestions: the Translation Candidates module, `ref="#<segment id>"`, `type` tm (mt
 *    for machine, other for a proposal), `subType` `hansa:previous|memory|machine|proposal`,
 *    `origin`, `similarity`, and in `mda:meta` items the state of a previous translation or
 *    proposal and, for a proposal, the `file` it was imported from and the `author` and
 *    `date` that file gave (never the time of the import); similarity is written
 *    to two decimals. Matches from other tools read as memory (machine for `type="mt"`)
 *    suggestions; a match whose `ref` names no segment of its unit is dropped. Codes in a
 *    match carry no kind or display (a suggestion has no code list).
 * 8. Whitespace: `xml:space="preserve"` on a source/target whose text has whitespace at
 *    either end, two in a row, or a tab or line end; always on ignorables (gaps, plain text).
 *    Without `preserve`, whitespace runs holding a line end are taken as a tool's formatting:
 *    dropped between tags and at the edges of an element's content, one space elsewhere.
 * 9. Tolerance: namespaces are resolved (default namespace, `xlf:` or any prefix), elements
 *    and attributes of other namespaces are ignored wherever they are, units may sit in
 *    groups, attribute order and indentation do not matter, CDATA is text. Versions 2.0 and
 *    2.1 (namespace `…document:2.0`) and 2.2 (`…document:2.2`) are read.
 * 10. Errors: bad input is an `InputError` with the file and line: `segment_file_invalid`
 *    from `readXliff2`, `import_invalid` from `readXliff2Import`; XML that is malformed or
 *    has a DTD fails in `parseXml` (`xml_invalid`, `xml_dtd_refused`). The writer refuses a
 *    store it could not read back (`segment_file_invalid`, without a file).
 *
 * (One file of over 400 lines: reader and writer together, because the round trip — any CAT
 * tool's rewrite read back to the same segments — is the invariant both halves must keep.)
 */
import { InputError } from '../errors/index.js';
import { escapeXmlAttribute, escapeXmlText, nonXmlCharacters, parseXml, type XmlElement } from '../xml/index.js';
import type { CodeKind } from '../markdown/types.js';
import { parseTagged, readTarget, renderTagged, type Run } from '../markdown/tagged.js';
import {
  translationStates,
  type ImportedFile,
  type ImportedTranslation,
  type SegmentFile,
  type StoreCode,
  type StoreNote,
  type StoreSegment,
  type StoreUnit,
  type Suggestion,
  type SuggestionKind,
  type UnitPart,
} from './types.js';

/**
 * Source or target text: escaped, with the characters XML cannot hold (`nonXmlCharacters`:
 * control characters from man pages, lone surrogates) as `<cp hex="…"/>` elements.
 */
function contentText(text: string): string {
  let out = '';
  let last = 0;
  for (const { index, character } of nonXmlCharacters(text)) {
    out += escapeXmlText(text.slice(last, index));
    out += `<cp hex="${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}"/>`;
    last = index + character.length;
  }
  return out + escapeXmlText(text.slice(last));
}

/** Namespace of XLIFF 2.0 and 2.1 core. */
export const xliff2Namespace = 'urn:oasis:names:tc:xliff:document:2.0';
const xliff22Namespace = 'urn:oasis:names:tc:xliff:document:2.2';
const matchesNamespace = 'urn:oasis:names:tc:xliff:matches:2.0';
const metadataNamespace = 'urn:oasis:names:tc:xliff:metadata:2.0';
const xmlNamespace = 'http://www.w3.org/XML/1998/namespace';

/** Versions read, by core namespace. */
const versionsByNamespace: Readonly<Record<string, readonly string[]>> = {
  [xliff2Namespace]: ['2.0', '2.1'],
  [xliff22Namespace]: ['2.2'],
};

/** `category` of the unit-level metaGroup that names segments' reviewers. */
const reviewerCategory = 'hansa:reviewer';

/** Prefix of Hansa's values in `subState` and `subType`. */
const hansaPrefix = 'hansa:';

/** How each code kind is typed for CAT tools; XLIFF reserves `xlf:b`, `xlf:i`, `xlf:lb` (all `fmt`). */
const codeTypes: Readonly<Record<CodeKind, { readonly type: string; readonly subType: string }>> = {
  emphasis: { type: 'fmt', subType: 'xlf:i' },
  strong: { type: 'fmt', subType: 'xlf:b' },
  delete: { type: 'fmt', subType: 'hansa:delete' },
  link: { type: 'link', subType: 'hansa:link' },
  linkReference: { type: 'link', subType: 'hansa:linkReference' },
  autolink: { type: 'link', subType: 'hansa:autolink' },
  inlineCode: { type: 'other', subType: 'hansa:inlineCode' },
  image: { type: 'image', subType: 'hansa:image' },
  imageReference: { type: 'image', subType: 'hansa:imageReference' },
  break: { type: 'fmt', subType: 'xlf:lb' },
  html: { type: 'other', subType: 'hansa:html' },
  footnoteReference: { type: 'link', subType: 'hansa:footnoteReference' },
};

const kindsBySubType: ReadonlyMap<string, CodeKind> = new Map(
  Object.entries(codeTypes).map(([kind, { subType }]) => [subType, kind as CodeKind]),
);

const suggestionKinds: readonly SuggestionKind[] = ['previous', 'memory', 'machine', 'proposal'];

/** The Translation Candidates `type` of each kind: a person's proposal is neither memory nor machine. */
const matchTypes: Readonly<Record<SuggestionKind, 'tm' | 'mt' | 'other'>> = { previous: 'tm', memory: 'tm', machine: 'mt', proposal: 'other' };

/** A match's values kept as `mda:meta` items, in this order. */
const matchMetaTypes = ['state', 'file', 'author', 'date'] as const;

// ───────────────────────────── writing ─────────────────────────────

/**
 * The segment file as XLIFF 2.1 text. Deterministic: the same store gives the same bytes.
 * Throws `InputError` (`segment_file_invalid`) for a store that would not read back:
 * ids that are not XML name tokens or not unique, malformed tagged text, codes not numbered
 * in order of appearance, a target whose codes differ from its source's, a unit without
 * parts, or a state past `initial` without a target.
 */
export interface Xliff2WriteOptions {
  /**
   * The lines of units already written, by unit object. A writer that saves one file again and
   * again with one segment changed (the review page) keeps one, so each save serializes only
   * the unit it changed (a unit's lines depend on the unit alone; units are never mutated).
   */
  readonly units?: WeakMap<StoreUnit, readonly string[]>;
}

export function writeXliff2(file: SegmentFile, options: Xliff2WriteOptions = {}): string {
  checkLanguage(file.sourceLanguage);
  checkLanguage(file.targetLanguage);
  checkUniqueIds(file);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xliff xmlns="${xliff2Namespace}" xmlns:mda="${metadataNamespace}" xmlns:mtc="${matchesNamespace}" version="2.1"` +
      ` srcLang="${escapeXmlAttribute(file.sourceLanguage)}" trgLang="${escapeXmlAttribute(file.targetLanguage)}">`,
    `  <file id="f1" original="${escapeXmlAttribute(file.original)}" canResegment="no">`,
    ...(file.sourceHash === undefined ? [] : indent(metadataLines([['sourceHash', file.sourceHash]]), 4)),
    // A file needs at least one unit or group: a document with nothing to translate gets an empty group.
    ...(file.units.length === 0 ? ['    <group id="empty"/>'] : file.units.flatMap((unit) => writtenUnit(unit, options.units))),
    '  </file>',
    '</xliff>',
  ];
  return `${lines.join('\n')}\n`;
}

/** A unit's lines at the file's indentation, from `cache` when it has them. */
function writtenUnit(unit: StoreUnit, cache: WeakMap<StoreUnit, readonly string[]> | undefined): readonly string[] {
  const known = cache?.get(unit);
  if (known !== undefined) return known;
  const lines = indent(unitLines(unit), 4);
  cache?.set(unit, lines);
  return lines;
}

function unitLines(unit: StoreUnit): string[] {
  if (unit.parts.length === 0) throw storeError(`unit ${unit.id} has no segments`);
  const segments = unit.parts.flatMap((part) => ('segment' in part ? [part.segment] : []));
  const name = unit.name === undefined ? '' : ` name="${escapeXmlAttribute(unit.name)}"`;
  const matches = segments.flatMap((segment) => (segment.suggestions ?? []).map((suggestion) => ({ segment, suggestion })));
  const taken = unitIdSpace(unit, segments);
  const lines = [`<unit id="${unit.id}"${name}>`];
  if (matches.length > 0) {
    lines.push('  <mtc:matches>');
    matches.forEach(({ segment, suggestion }, index) => lines.push(...indent(matchLines(segment, suggestion, index + 1, taken), 4)));
    lines.push('  </mtc:matches>');
  }
  lines.push(...indent(reviewerLines(segments), 2));
  if (unit.notes !== undefined && unit.notes.length > 0) {
    lines.push('  <notes>');
    unit.notes.forEach((note, index) => lines.push(`    ${noteXml(note, index + 1)}`));
    lines.push('  </notes>');
  }
  let ordinal = 0;
  for (const part of unit.parts) {
    if ('segment' in part) {
      ordinal += 1;
      lines.push(...indent(segmentLines(part.segment, ordinal, taken), 2));
    } else {
      lines.push('  <ignorable>', `    <source xml:space="preserve">${contentText(part.gap)}</source>`, '  </ignorable>');
    }
  }
  lines.push('</unit>');
  return lines;
}

function segmentLines(segment: StoreSegment, ordinal: number, taken: Set<string>): string[] {
  const sourceRuns = orderedRuns(segment.source, `the source of segment ${segment.id}`);
  const codeCount = sourceRuns.filter((run) => run.type !== 'text' && run.type !== 'close').length;
  if (codeCount !== segment.codes.length) {
    throw storeError(`segment ${segment.id} has ${codeCount} codes in its source but ${segment.codes.length} in its code list`);
  }
  const target = segment.target === '' && segment.state === 'initial' ? undefined : segment.target;
  if (target === undefined && segment.state !== 'initial') {
    throw storeError(`segment ${segment.id} is ${segment.state} but has no target`);
  }
  const attributes = (id: number, paired: boolean): string => codeAttributes(segment.codes[id - 1], paired);
  const ref = (id: number): string => `${ordinal}-${id}`;
  claimCodeIds(taken, codeCount, ref, `of segment ${segment.id}`);
  const subState = segment.origin === undefined ? '' : ` subState="${escapeXmlAttribute(hansaPrefix + segment.origin)}"`;
  const lines = [`<segment id="${segment.id}" state="${segment.state}"${subState}>`, `  ${contentXml('source', sourceRuns, ref, attributes)}`];
  if (target !== undefined) {
    const checked = readTarget(segment.source, target);
    if ('problem' in checked) throw storeError(`the target of segment ${segment.id} does not have its source's codes`);
    lines.push(`  ${contentXml('target', checked.runs, ref, attributes)}`);
  }
  lines.push('</segment>');
  return lines;
}

function matchLines(segment: StoreSegment, suggestion: Suggestion, index: number, taken: Set<string>): string[] {
  const where = `a suggestion for segment ${segment.id}`;
  const sourceRuns = orderedRuns(suggestion.source, `the source of ${where}`);
  const targetRuns = taggedRuns(suggestion.target, `the target of ${where}`);
  checkCandidateTarget(sourceRuns, targetRuns, where);
  const attributes = [
    `ref="#${segment.id}"`,
    `type="${matchTypes[suggestion.kind]}"`,
    `subType="${hansaPrefix}${suggestion.kind}"`,
    suggestion.origin === '' ? '' : `origin="${escapeXmlAttribute(suggestion.origin)}"`,
    suggestion.similarity === undefined ? '' : `similarity="${similarityText(suggestion.similarity, where)}"`,
  ].filter((attribute) => attribute !== '');
  const ref = (id: number): string => `m${index}-${id}`;
  claimCodeIds(taken, sourceRuns.filter((run) => run.type === 'open' || run.type === 'ph').length, ref, `of ${where}`);
  const none = (): string => '';
  const meta = matchMetaTypes.flatMap((type): [string, string][] => {
    const value = suggestion[type];
    return value === undefined ? [] : [[type, value]];
  });
  return [
    `<mtc:match ${attributes.join(' ')}>`,
    ...(meta.length === 0 ? [] : indent(metadataLines(meta), 2)),
    `  ${contentXml('source', sourceRuns, ref, none)}`,
    `  ${contentXml('target', targetRuns, ref, none)}`,
    '</mtc:match>',
  ];
}

function noteXml(note: StoreNote, index: number): string {
  const id = note.segment === undefined ? `n${index}` : `${note.segment}.n${index}`;
  if (!isNmtoken(id)) throw storeError(`a note is about segment "${note.segment ?? ''}", which is not an XML name token`);
  const category = note.category === '' ? '' : ` category="${escapeXmlAttribute(note.category)}"`;
  return `<note id="${id}"${category}>${escapeXmlText(note.text)}</note>`;
}

/** The unit's Metadata block naming the reviewer of each reviewed segment (principle 6); none when no segment has one. */
function reviewerLines(segments: readonly StoreSegment[]): string[] {
  const reviewed = segments.flatMap((segment) => (segment.reviewer === undefined ? [] : [[segment.id, segment.reviewer] as const]));
  if (reviewed.length === 0) return [];
  return [
    '<mda:metadata>',
    `  <mda:metaGroup category="${reviewerCategory}">`,
    ...reviewed.map(([id, name]) => `    <mda:meta type="${escapeXmlAttribute(id)}">${escapeXmlText(name)}</mda:meta>`),
    '  </mda:metaGroup>',
    '</mda:metadata>',
  ];
}

/** A Metadata module block holding Hansa's values, as `[type, value]` pairs in order. */
function metadataLines(entries: readonly (readonly [string, string])[]): string[] {
  return [
    '<mda:metadata>',
    '  <mda:metaGroup category="hansa">',
    ...entries.map(([type, value]) => `    <mda:meta type="${type}">${escapeXmlText(value)}</mda:meta>`),
    '  </mda:metaGroup>',
    '</mda:metadata>',
  ];
}

/** `<source>` or `<target>` with inline codes; `preserve` when a tool must not touch its whitespace. */
function contentXml(
  name: 'source' | 'target',
  runs: readonly Run[],
  ref: (id: number) => string,
  attributes: (id: number, paired: boolean) => string,
): string {
  let body = '';
  for (const run of runs) {
    if (run.type === 'text') body += contentText(run.value);
    else if (run.type === 'open') body += `<pc id="${ref(run.id)}"${attributes(run.id, true)}>`;
    else if (run.type === 'close') body += '</pc>';
    else body += `<ph id="${ref(run.id)}"${attributes(run.id, false)}/>`;
  }
  // A placeholder stands between the texts around it; the edges of a paired code do not.
  const plain = runs.map((run) => (run.type === 'text' ? run.value : run.type === 'ph' ? 'x' : '')).join('');
  const space = needsPreserve(plain) ? ' xml:space="preserve"' : '';
  return body === '' ? `<${name}${space}/>` : `<${name}${space}>${body}</${name}>`;
}

/** Whitespace a tool could normalise away unless told to preserve it. */
function needsPreserve(plain: string): boolean {
  return /^[ \t\r\n]|[ \t\r\n]$|[ \t\r\n]{2}|[\t\r\n]/.test(plain);
}

function codeAttributes(code: StoreCode | undefined, paired: boolean): string {
  if (code === undefined) return '';
  const { type, subType } = codeTypes[code.kind];
  const disp = escapeXmlAttribute(code.disp);
  const equiv = code.equiv === undefined ? undefined : escapeXmlAttribute(code.equiv);
  if (!paired) return ` type="${type}" subType="${subType}" disp="${disp}"${equiv === undefined ? '' : ` equiv="${equiv}"`}`;
  // Emphasis markers close as they open (`**…**`); other codes show a closing `/…` tag.
  const dispEnd = /^[*_~]*$/.test(code.disp) ? disp : `/${disp}`;
  const equivStart = equiv === undefined ? '' : ` equivStart="${equiv}"`;
  return ` type="${type}" subType="${subType}" dispStart="${disp}" dispEnd="${dispEnd}"${equivStart} canOverlap="no"`;
}

/** Runs of tagged text whose codes are numbered 1…n in order of appearance, as reading renumbers them. */
function orderedRuns(tagged: string, where: string): Run[] {
  const runs = taggedRuns(tagged, where);
  let next = 1;
  for (const run of runs) {
    if (run.type === 'open' || run.type === 'ph') {
      if (run.id !== next) throw storeError(`the codes of ${where} are not numbered 1, 2, … in order of appearance`);
      next += 1;
    }
  }
  return runs;
}

function taggedRuns(tagged: string, where: string): Run[] {
  const parsed = parseTagged(tagged);
  if ('problem' in parsed) throw storeError(`${where} is not well-formed tagged text (${parsed.problem.code})`);
  return parsed.runs;
}

/** A candidate's target may drop codes of its source, but not add, repeat or change one. */
function checkCandidateTarget(sourceRuns: readonly Run[], targetRuns: readonly Run[], where: string): void {
  const kinds = new Map(sourceRuns.flatMap((run) => (run.type === 'open' || run.type === 'ph' ? [[run.id, run.type] as const] : [])));
  const seen = new Set<number>();
  for (const run of targetRuns) {
    if (run.type !== 'open' && run.type !== 'ph') continue;
    if (kinds.get(run.id) !== run.type || seen.has(run.id)) throw storeError(`the target of ${where} has codes its source lacks`);
    seen.add(run.id);
  }
}

/**
 * `similarity` as an `xs:decimal`, to two decimals: a percentage needs no more, and xmllint
 * (libxml2) rejects decimals of many digits.
 */
function similarityText(similarity: number, where: string): string {
  if (!Number.isFinite(similarity) || similarity < 0 || similarity > 100) {
    throw storeError(`the similarity of ${where} is not between 0 and 100`);
  }
  return String(Number(similarity.toFixed(2)));
}

function checkUniqueIds(file: SegmentFile): void {
  const units = new Set<string>();
  const segments = new Set<string>();
  for (const unit of file.units) {
    if (units.has(unit.id)) throw storeError(`unit id ${unit.id} is used twice`);
    units.add(unit.id);
    for (const part of unit.parts) {
      if (!('segment' in part)) continue;
      if (segments.has(part.segment.id)) throw storeError(`segment id ${part.segment.id} is used twice`);
      segments.add(part.segment.id);
    }
  }
}

/** XLIFF ids are name tokens; segment and code ids share one space per unit. */
function unitIdSpace(unit: StoreUnit, segments: readonly StoreSegment[]): Set<string> {
  if (!isNmtoken(unit.id)) throw storeError(`unit id "${unit.id}" is not an XML name token`);
  const taken = new Set<string>();
  for (const segment of segments) {
    if (!isNmtoken(segment.id)) throw storeError(`segment id "${segment.id}" is not an XML name token`);
    taken.add(segment.id);
  }
  return taken;
}

/** Claim the code ids `ref(1)` … `ref(count)` in a unit's id space. */
function claimCodeIds(taken: Set<string>, count: number, ref: (id: number) => string, unitId: string): void {
  for (let n = 1; n <= count; n++) {
    const id = ref(n);
    if (taken.has(id)) throw storeError(`code id ${id} ${unitId} clashes with a segment id`);
    taken.add(id);
  }
}

function checkLanguage(language: string): void {
  if (!/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/.test(language)) throw storeError(`"${language}" is not a language tag`);
}

function isNmtoken(value: string): boolean {
  return /^[-.0-9:A-Z_a-z\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]+$/u.test(
    value,
  );
}

function indent(lines: readonly string[], spaces: number): string[] {
  const pad = ' '.repeat(spaces);
  return lines.map((line) => pad + line);
}

function storeError(reason: string): InputError {
  return new InputError('segment_file_invalid', `cannot write segment file: ${reason}`, { data: { reason } });
}

// ───────────────────────────── reading ─────────────────────────────

type ErrorCode = 'segment_file_invalid' | 'import_invalid';

/** How to read: for a segment file or for an import. */
interface Mode {
  readonly file: string;
  readonly code: ErrorCode;
  /** Segment files need segment ids, `original` and `trgLang`; a translator's file to import may lack them. */
  readonly strict: boolean;
}

/** What a reader needs besides the document. */
interface Context extends Mode {
  /** The core namespace of this document (2.0 or 2.2). */
  readonly core: string;
}

/** An element with its namespace resolved and the `xml:space` in force. */
interface Node {
  readonly element: XmlElement;
  readonly namespace: string | undefined;
  readonly scope: ReadonlyMap<string, string>;
  readonly preserve: boolean;
}

/** A segment as read, with where it and its target are, for messages. */
interface ReadSegment {
  readonly segment: StoreSegment;
  readonly line: number;
  readonly targetLine: number | undefined;
}

interface ReadDocument {
  readonly original: string | undefined;
  readonly sourceLanguage: string;
  readonly targetLanguage: string | undefined;
  readonly sourceHash: string | undefined;
  readonly units: readonly StoreUnit[];
  readonly segments: readonly ReadSegment[];
}

/**
 * Read a segment file written by `writeXliff2`, possibly rewritten by a CAT tool since.
 * Throws `InputError` with `fileName` and the line: `segment_file_invalid` for anything
 * that is not a Hansa segment file (see the module comment), `xml_invalid` or
 * `xml_dtd_refused` from the XML parser.
 */
export function readXliff2(text: string, fileName: string): SegmentFile {
  const document = readDocument(text, { file: fileName, code: 'segment_file_invalid', strict: true });
  return {
    original: document.original ?? '',
    sourceLanguage: document.sourceLanguage,
    targetLanguage: document.targetLanguage ?? '',
    ...(document.sourceHash === undefined ? {} : { sourceHash: document.sourceHash }),
    units: document.units,
  };
}

/**
 * Read a translator's XLIFF 2.x file for `hansa import`: every segment with a target
 * (an empty target in state `initial` is none), with the line of its target. Segment ids,
 * `original` and `trgLang` may be missing. Errors are `import_invalid` (or the XML
 * parser's); a target whose codes differ from its source's fails the whole file.
 */
export function readXliff2Import(text: string, fileName: string): ImportedFile {
  const document = readDocument(text, { file: fileName, code: 'import_invalid', strict: false });
  const translations = document.segments.flatMap(({ segment, line, targetLine }): ImportedTranslation[] =>
    segment.target === undefined
      ? []
      : [
          {
            ...(segment.id === '' ? {} : { id: segment.id }),
            source: segment.source,
            target: segment.target,
            state: segment.state,
            ...(segment.origin === undefined ? {} : { origin: segment.origin }),
            line: targetLine ?? line,
          },
        ],
  );
  return {
    format: 'xliff2',
    segmentIds: document.segments.map(({ segment }) => segment.id).filter((id) => id !== ''),
    ...(document.original === undefined ? {} : { original: document.original }),
    sourceLanguage: document.sourceLanguage,
    ...(document.targetLanguage === undefined ? {} : { targetLanguage: document.targetLanguage }),
    translations,
  };
}

function readDocument(text: string, mode: Mode): ReadDocument {
  const root = rootNode(parseXml(text, mode.file));
  const { element } = root;
  const versions = root.namespace === undefined ? undefined : versionsByNamespace[root.namespace];
  if (root.namespace === undefined || element.name !== 'xliff' || versions === undefined) {
    const version = element.attributes['version'];
    const what = element.name === 'xliff' && version !== undefined ? `XLIFF ${version}` : `<${element.qualifiedName}>`;
    throw fail(mode, element.line, `not an XLIFF 2 document: the root is ${what} in namespace ${root.namespace ?? '(none)'}`);
  }
  const context: Context = { ...mode, core: root.namespace };
  const version = element.attributes['version'];
  if (version === undefined || !versions.includes(version)) {
    throw fail(context, element.line, `XLIFF version ${version === undefined ? '(none)' : `"${version}"`} is not ${versions.join(' or ')}`);
  }
  const sourceLanguage = element.attributes['srcLang'];
  if (sourceLanguage === undefined || sourceLanguage === '') throw fail(context, element.line, 'the <xliff> element has no srcLang');
  const targetLanguage = element.attributes['trgLang'];
  if (context.strict && (targetLanguage === undefined || targetLanguage === '')) {
    throw fail(context, element.line, 'the <xliff> element has no trgLang');
  }
  const files = coreChildren(root, context, 'file');
  const [fileNode] = files;
  if (fileNode === undefined || files.length > 1) {
    throw fail(context, files[1]?.element.line ?? element.line, `expected one <file>, found ${files.length}`);
  }
  const original = fileNode.element.attributes['original'];
  if (context.strict && original === undefined) throw fail(context, fileNode.element.line, 'the <file> element has no original');

  const units: StoreUnit[] = [];
  const segments: ReadSegment[] = [];
  const unitIds = new Set<string>();
  const segmentIds = new Set<string>();
  for (const unitNode of unitNodes(fileNode, context)) {
    const { unit, read } = readUnit(unitNode, context);
    if (unitIds.has(unit.id)) throw fail(context, unitNode.element.line, `unit id ${unit.id} is used twice`);
    unitIds.add(unit.id);
    for (const item of read) {
      const { id } = item.segment;
      if (id !== '' && segmentIds.has(id)) throw fail(context, item.line, `segment id ${id} is used twice`);
      segmentIds.add(id);
    }
    units.push(unit);
    segments.push(...read);
  }
  return {
    original,
    sourceLanguage,
    targetLanguage: targetLanguage === '' ? undefined : targetLanguage,
    sourceHash: metaValue(fileNode, 'sourceHash'),
    units,
    segments,
  };
}

/** The units of a file in document order, those inside groups included. */
function unitNodes(node: Node, context: Context): Node[] {
  return childNodes(node).flatMap((child) => {
    if (child.namespace !== context.core) return [];
    if (child.element.name === 'unit') return [child];
    return child.element.name === 'group' ? unitNodes(child, context) : [];
  });
}

function readUnit(node: Node, context: Context): { unit: StoreUnit; read: ReadSegment[] } {
  const id = node.element.attributes['id'];
  if (id === undefined || id === '') throw fail(context, node.element.line, 'a <unit> has no id');
  const parts: UnitPart[] = [];
  const read: ReadSegment[] = [];
  for (const child of childNodes(node)) {
    if (child.namespace !== context.core) continue;
    if (child.element.name === 'segment') {
      const segment = readSegment(child, context);
      read.push(segment);
      parts.push({ segment: segment.segment });
    } else if (child.element.name === 'ignorable') {
      parts.push({ gap: ignorableText(child, context) });
    }
  }
  if (parts.length === 0 && context.strict) throw fail(context, node.element.line, `unit ${id} has no segments`);
  // An import takes targets only, so candidates from the translator's tool are not even read.
  const withSuggestions = context.strict ? attachSuggestions(node, context, read) : new Map<StoreSegment, StoreSegment>();
  if (context.strict) attachReviewers(node, read, withSuggestions);
  const notes = readNotes(node, context);
  const name = node.element.attributes['name'];
  const unit: StoreUnit = {
    id,
    ...(name === undefined ? {} : { name }),
    parts: parts.map((part) => ('segment' in part ? { segment: withSuggestions.get(part.segment) ?? part.segment } : part)),
    ...(notes.length === 0 ? {} : { notes }),
  };
  return { unit, read: read.map((item) => ({ ...item, segment: withSuggestions.get(item.segment) ?? item.segment })) };
}

function readSegment(node: Node, context: Context): ReadSegment {
  const { element } = node;
  const id = element.attributes['id'] ?? '';
  const name = id === '' ? 'a segment without id' : `segment ${id}`;
  if (context.strict && id === '') throw fail(context, element.line, 'a <segment> has no id');
  const stateValue = element.attributes['state'] ?? 'initial';
  const named = translationStates.find((value) => value === stateValue);
  if (named === undefined) throw fail(context, element.line, `${name} has the unknown state "${stateValue}"`);
  const subState = element.attributes['subState'];
  const origin = subState?.startsWith(hansaPrefix) ? subState.slice(hansaPrefix.length) : undefined;

  const sourceNode = coreChildren(node, context, 'source')[0];
  if (sourceNode === undefined) throw fail(context, element.line, `${name} has no <source>`);
  const source = localSource(inlines(sourceNode, context), context, name);
  const targetNode = coreChildren(node, context, 'target')[0];
  const written = targetNode === undefined ? undefined : localTarget(inlines(targetNode, context), source.refs, context, `the target of ${name}`);
  // XLIFF's default state is `initial`, but a translator's file with a target and no state
  // at all comes from a tool that keeps no states: its text is a translation by a person.
  const state = !context.strict && element.attributes['state'] === undefined && written !== undefined && written !== '' ? 'translated' : named;
  // An empty target of an untranslated segment is a tool's placeholder, not a translation.
  const target = written === '' && state === 'initial' ? undefined : written;
  // An import's targets are checked against the project's segments by the importer, which
  // names every code that is missing or added in every segment; a segment file is checked here.
  if (target !== undefined && targetNode !== undefined && context.strict) {
    const checked = readTarget(source.tagged, target);
    if ('problem' in checked) {
      const detail = checked.problem.code === 'code_mismatch' ? `: expected ${listed(checked.problem.expected)}, found ${listed(checked.problem.actual)}` : '';
      throw fail(context, targetNode.element.line, `the target of ${name} does not have the codes of its source${detail}`);
    }
  }
  if (target === undefined && state !== 'initial') throw fail(context, element.line, `${name} is ${state} but has no target`);
  const segment: StoreSegment = {
    id,
    source: source.tagged,
    codes: source.codes,
    ...(target === undefined ? {} : { target }),
    state,
    ...(origin === undefined ? {} : { origin }),
  };
  return { segment, line: element.line, targetLine: targetNode?.element.line };
}

function listed(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

/** The text of an ignorable's source, kept as written: gaps are whitespace that matters. */
function ignorableText(node: Node, context: Context): string {
  const source = coreChildren(node, context, 'source')[0];
  if (source === undefined) throw fail(context, node.element.line, 'an <ignorable> has no <source>');
  const preserved: Node = { ...source, preserve: true };
  return inlines(preserved, context)
    .map((item) => (item.type === 'text' ? item.value : ''))
    .join('');
}

/** Suggestions from `<mtc:matches>`, added to the segments their `ref` names. */
function attachSuggestions(node: Node, context: Context, read: readonly ReadSegment[]): Map<StoreSegment, StoreSegment> {
  const byId = new Map(read.map((item) => [item.segment.id, item.segment]));
  const found = new Map<StoreSegment, Suggestion[]>();
  for (const matches of childNodes(node).filter((child) => child.namespace === matchesNamespace && child.element.name === 'matches')) {
    for (const match of childNodes(matches).filter((child) => child.namespace === matchesNamespace && child.element.name === 'match')) {
      const ref = match.element.attributes['ref'] ?? '';
      const segment = byId.get(ref.slice(ref.lastIndexOf('/') + 1).replace(/^#/, ''));
      if (segment === undefined || segment.id === '') continue;
      found.set(segment, [...(found.get(segment) ?? []), readMatch(match, context, segment.id)]);
    }
  }
  return new Map([...found].map(([segment, suggestions]) => [segment, { ...segment, suggestions }]));
}

/** Reviewers named in the unit's Metadata block (principle 6), added to the segments (in `changed`, over earlier changes). */
function attachReviewers(node: Node, read: readonly ReadSegment[], changed: Map<StoreSegment, StoreSegment>): void {
  const isMeta = (child: Node, name: string): boolean => child.namespace === metadataNamespace && child.element.name === name;
  const names = new Map<string, string>();
  for (const metadata of childNodes(node).filter((child) => isMeta(child, 'metadata'))) {
    for (const group of childNodes(metadata).filter((child) => isMeta(child, 'metaGroup') && child.element.attributes['category'] === reviewerCategory)) {
      for (const meta of childNodes(group).filter((child) => isMeta(child, 'meta'))) {
        const id = meta.element.attributes['type'];
        const name = meta.element.text.trim();
        if (id !== undefined && name !== '') names.set(id, name);
      }
    }
  }
  if (names.size === 0) return;
  for (const { segment } of read) {
    const reviewer = names.get(segment.id);
    if (reviewer !== undefined) changed.set(segment, { ...(changed.get(segment) ?? segment), reviewer });
  }
}

function readMatch(node: Node, context: Context, segmentId: string): Suggestion {
  const { element } = node;
  const where = `a match for segment ${segmentId}`;
  const subType = element.attributes['subType'] ?? '';
  const kind =
    suggestionKinds.find((value) => subType === hansaPrefix + value) ?? (element.attributes['type'] === 'mt' ? 'machine' : 'memory');
  const similarityValue = element.attributes['similarity'];
  const similarity = similarityValue === undefined ? undefined : similarityValue.trim() === '' ? Number.NaN : Number(similarityValue);
  if (similarity !== undefined && !(Number.isFinite(similarity) && similarity >= 0 && similarity <= 100)) {
    throw fail(context, element.line, `${where} has the similarity "${similarityValue ?? ''}", not a number from 0 to 100`);
  }
  const stateValue = metaValue(node, 'state');
  const state = stateValue === undefined ? undefined : translationStates.find((value) => value === stateValue);
  if (stateValue !== undefined && state === undefined) throw fail(context, element.line, `${where} has the unknown state "${stateValue}"`);
  const sourceNode = coreChildren(node, context, 'source')[0];
  const targetNode = coreChildren(node, context, 'target')[0];
  if (sourceNode === undefined || targetNode === undefined) throw fail(context, element.line, `${where} needs a <source> and a <target>`);
  const source = localSource(inlines(sourceNode, context), context, where);
  const target = localTarget(inlines(targetNode, context), source.refs, context, `the target of ${where}`);
  const file = metaValue(node, 'file');
  const author = metaValue(node, 'author');
  const date = metaValue(node, 'date');
  return {
    kind,
    source: source.tagged,
    target,
    origin: element.attributes['origin'] ?? '',
    ...(similarity === undefined ? {} : { similarity }),
    ...(state === undefined ? {} : { state }),
    ...(file === undefined ? {} : { file }),
    ...(author === undefined ? {} : { author }),
    ...(date === undefined ? {} : { date }),
  };
}

function readNotes(node: Node, context: Context): StoreNote[] {
  const notes = coreChildren(node, context, 'notes').flatMap((notesNode) => coreChildren(notesNode, context, 'note'));
  return notes.map(({ element }) => {
    const about = /^(.+)\.n\d+$/.exec(element.attributes['id'] ?? '')?.[1];
    const text = element.content.map((part) => (typeof part === 'string' ? part : '')).join('');
    return { category: element.attributes['category'] ?? '', text, ...(about === undefined ? {} : { segment: about }) };
  });
}

/** The text of `<mda:meta type="…">` in a Metadata block directly below `node`; Hansa's values are tokens, so trimmed. */
function metaValue(node: Node, type: string): string | undefined {
  const isMeta = (child: Node, name: string): boolean => child.namespace === metadataNamespace && child.element.name === name;
  const search = (parent: Node): string | undefined => {
    for (const child of childNodes(parent)) {
      if (isMeta(child, 'meta') && child.element.attributes['type'] === type) return child.element.text.trim();
      if (isMeta(child, 'metaGroup')) {
        const value = search(child);
        if (value !== undefined) return value;
      }
    }
    return undefined;
  };
  for (const metadata of childNodes(node).filter((child) => isMeta(child, 'metadata'))) {
    const value = search(metadata);
    if (value !== undefined) return value;
  }
  return undefined;
}

// ── inline content ──

/** One piece of source or target content; codes carry the id they have in the file. */
type Inline =
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'open'; readonly ref: string; readonly code: StoreCode; readonly line: number }
  | { readonly type: 'close'; readonly ref: string }
  | { readonly type: 'ph'; readonly ref: string; readonly code: StoreCode; readonly line: number };

/** The content of a `<source>` or `<target>`, codes checked to be well nested. */
function inlines(node: Node, context: Context): Inline[] {
  const out: Inline[] = [];
  const open: OpenCode[] = [];
  walkInline(node, context, out, open);
  const unclosed = open.at(-1);
  if (unclosed !== undefined) throw fail(context, node.element.line, `<sc id="${unclosed.ref}"> has no <ec> in the same ${node.element.name}`);
  return out;
}

function walkInline(node: Node, context: Context, out: Inline[], open: OpenCode[]): void {
  const parts = node.element.content;
  for (const [index, part] of parts.entries()) {
    if (typeof part === 'string') {
      const value = node.preserve ? part : withoutIndentation(part, index === 0, index === parts.length - 1);
      if (value !== '') out.push({ type: 'text', value });
    } else {
      const child = childNode(part, node);
      // Elements of other namespaces are not content (the schema allows none; tools add them anyway).
      if (child.namespace === context.core) walkCode(child, node, context, out, open);
    }
  }
}

/** A code whose end is still to come, as written in the file. */
interface OpenCode {
  readonly ref: string;
  readonly element: 'pc' | 'sc';
}

function walkCode(child: Node, parent: Node, context: Context, out: Inline[], open: OpenCode[]): void {
  const { element } = child;
  const ref = element.attributes['id'] ?? '';
  switch (element.name) {
    case 'pc':
      requireId(context, element, ref);
      out.push({ type: 'open', ref, code: codeOf(element, true), line: element.line });
      open.push({ ref, element: 'pc' });
      walkInline(child, context, out, open);
      if (open.pop()?.ref !== ref) throw fail(context, element.line, `a code opened inside <pc id="${ref}"> is not closed inside it`);
      out.push({ type: 'close', ref });
      return;
    case 'ph':
      requireId(context, element, ref);
      out.push({ type: 'ph', ref, code: codeOf(element, false), line: element.line });
      return;
    case 'sc':
      requireId(context, element, ref);
      if (element.attributes['isolated'] === 'yes') throw fail(context, element.line, `isolated <sc id="${ref}">: a code may not cross segments`);
      out.push({ type: 'open', ref, code: codeOf(element, true), line: element.line });
      open.push({ ref, element: 'sc' });
      return;
    case 'ec': {
      const start = element.attributes['startRef'];
      if (start === undefined) throw fail(context, element.line, 'an <ec> without startRef: a code may not cross segments');
      const top = open.at(-1);
      if (top?.element !== 'sc' || top.ref !== start) {
        throw fail(context, element.line, `<ec startRef="${start}"> does not close the innermost open code`);
      }
      open.pop();
      out.push({ type: 'close', ref: start });
      return;
    }
    case 'mrk':
      // An annotation (a term, a comment): its text is content, the marker is not.
      walkInline(child, context, out, open);
      return;
    case 'sm':
    case 'em':
      return;
    case 'cp': {
      const code = Number.parseInt(element.attributes['hex'] ?? '', 16);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw fail(context, element.line, '<cp> without a valid hex');
      out.push({ type: 'text', value: String.fromCodePoint(code) });
      return;
    }
    default:
      throw fail(context, element.line, `<${element.qualifiedName}> is not allowed in <${parent.element.qualifiedName}>`);
  }
}

/**
 * Without `xml:space="preserve"`, whitespace holding a line end is a tool's formatting (Hansa
 * writes `preserve` wherever such whitespace is content): a pretty-printer's indentation
 * between tags and at the edges of an element's content is dropped, and a line wrapped where
 * there was a space becomes that space again.
 */
function withoutIndentation(text: string, atStart: boolean, atEnd: boolean): string {
  if (/^[ \t\r\n]*\n[ \t\r\n]*$/.test(text)) return '';
  let value = text;
  if (atStart) value = value.replace(/^[ \t\r\n]*\n[ \t\r\n]*/, '');
  if (atEnd) value = value.replace(/[ \t\r\n]*\n[ \t\r\n]*$/, '');
  return value.replace(/[ \t\r\n]*\n[ \t\r\n]*/g, ' ');
}

function requireId(context: Context, element: XmlElement, ref: string): void {
  if (ref === '') throw fail(context, element.line, `<${element.qualifiedName}> has no id`);
}

/** A code's kind and display from its attributes; a code typed by another tool gets the nearest kind. */
function codeOf(element: XmlElement, paired: boolean): StoreCode {
  const attributes = element.attributes;
  const kind = kindsBySubType.get(attributes['subType'] ?? '') ?? guessedKind(attributes['type'], paired);
  const disp = (element.name === 'pc' ? attributes['dispStart'] : attributes['disp']) ?? '';
  const equiv = element.name === 'pc' ? attributes['equivStart'] : attributes['equiv'];
  return { kind, disp, ...(equiv === undefined ? {} : { equiv }) };
}

function guessedKind(type: string | undefined, paired: boolean): CodeKind {
  if (paired) return type === 'link' ? 'link' : 'emphasis';
  if (type === 'link') return 'autolink';
  if (type === 'image') return 'image';
  return type === 'fmt' ? 'break' : 'html';
}

/** A source as tagged text: codes numbered in order of appearance, with the file's id of each. */
function localSource(
  items: readonly Inline[],
  context: Context,
  name: string,
): { tagged: string; codes: StoreCode[]; refs: ReadonlyMap<string, { id: number; paired: boolean }> } {
  const refs = new Map<string, { id: number; paired: boolean }>();
  const codes: StoreCode[] = [];
  const runs: Run[] = [];
  const openIds: number[] = [];
  for (const item of items) {
    if (item.type === 'text') {
      runs.push(item);
      continue;
    }
    if (item.type === 'close') {
      runs.push({ type: 'close', id: openIds.pop() ?? 0 });
      continue;
    }
    if (refs.has(item.ref)) throw fail(context, item.line, `code id ${item.ref} is used twice in the source of ${name}`);
    const id = codes.length + 1;
    refs.set(item.ref, { id, paired: item.type === 'open' });
    codes.push(item.code);
    if (item.type === 'open') openIds.push(id);
    runs.push(item.type === 'open' ? { type: 'open', id } : { type: 'ph', id });
  }
  return { tagged: renderTagged(runs), codes, refs };
}

/** A target as tagged text with its source's local code ids. */
function localTarget(
  items: readonly Inline[],
  refs: ReadonlyMap<string, { id: number; paired: boolean }>,
  context: Context,
  where: string,
): string {
  const runs: Run[] = [];
  const openIds: number[] = [];
  for (const item of items) {
    if (item.type === 'text') runs.push(item);
    else if (item.type === 'close') runs.push({ type: 'close', id: openIds.pop() ?? 0 });
    else {
      const local = refs.get(item.ref);
      if (local === undefined) throw fail(context, item.line, `${where} has code id ${item.ref}, which its source lacks`);
      if (local.paired !== (item.type === 'open')) {
        throw fail(context, item.line, `${where} has code ${item.ref} as a ${item.type === 'open' ? 'paired' : 'standalone'} code, unlike its source`);
      }
      if (item.type === 'open') openIds.push(local.id);
      runs.push({ type: item.type, id: local.id });
    }
  }
  return renderTagged(runs);
}

// ── namespaces ──

function rootNode(element: XmlElement): Node {
  return childNode(element, { scope: new Map([['xml', xmlNamespace]]), preserve: false });
}

function childNode(element: XmlElement, parent: Pick<Node, 'scope' | 'preserve'>): Node {
  const declared = Object.entries(element.attributes).flatMap(([name, value]): [string, string][] =>
    name === 'xmlns' ? [['', value]] : name.startsWith('xmlns:') ? [[name.slice('xmlns:'.length), value]] : [],
  );
  const scope = declared.length === 0 ? parent.scope : new Map([...parent.scope, ...declared]);
  const colon = element.qualifiedName.indexOf(':');
  // `xmlns=""` undeclares the default namespace: an empty URI is no namespace.
  const namespace = scope.get(colon < 0 ? '' : element.qualifiedName.slice(0, colon)) || undefined;
  const space = element.attributes['xml:space'];
  return { element, namespace, scope, preserve: space === undefined ? parent.preserve : space === 'preserve' };
}

function childNodes(node: Node): Node[] {
  return node.element.children.map((child) => childNode(child, node));
}

function coreChildren(node: Node, context: Context, name: string): Node[] {
  return childNodes(node).filter((child) => child.namespace === context.core && child.element.name === name);
}

function fail(context: Mode, line: number, reason: string): InputError {
  return new InputError(context.code, reason, { file: context.file, line, data: { reason } });
}
