/**
 * XLIFF 1.2 (urn:oasis:names:tc:xliff:document:1.2, strict schema), for CAT tools that
 * predate XLIFF 2: one `<file>` per document, one `<group>` per unit, one `<trans-unit>`
 * per segment (the text between segments is not translated, so it is not a unit).
 *
 * Inline codes: a paired code is `<g id="n" ctype>`, a standalone one `<x id="n" ctype
 * equiv-text/>`, with the segment's local ids (ids in 1.2 are per trans-unit). What each
 * code stands for is also told in a note, as 1.2 has no display text for codes.
 *
 * States, written:
 * - `initial` without a draft: the source copied into `<target state="needs-translation"
 *   phase-name="hansa-source-copy">` (the phase is declared in the header). OmegaT's XLIFF
 *   filter offers only units that have a target, and translates the target's text, so an
 *   export without targets shows it nothing to translate; other tools show the copy as
 *   untranslated. A draft target, if any, gets `state="new"` instead.
 * - `translated`: `needs-review-translation` when a machine or memory made it (the 1.2 way
 *   to ask for review), with `state-qualifier` `leveraged-mt`/`exact-match`/`fuzzy-match`/
 *   `leveraged-tm`; `translated` when a human did.
 * - `reviewed`: `signed-off`, `final`: `final`; both with `approved="yes"` for tools that
 *   only know that attribute.
 *
 * States, read (what the tool says about the target):
 * - no or empty `<target>` → `initial`;
 * - a target in Hansa's `hansa-source-copy` phase: still the source → no translation
 *   (sent back untouched); changed → `translated` unless the tool also set a state past
 *   `needs-translation` (OmegaT changes the text and keeps every attribute as it was);
 * - `new`, `needs-translation`, `needs-l10n`, `needs-adaptation` → `initial`: the tool says
 *   the work is not done, so a target there is a draft, not a translation;
 * - no state, an `x-` state, `translated`, `needs-review-*` → `translated`;
 * - `signed-off` → `reviewed`, `final` → `final`; `approved="yes"` → at least `reviewed`.
 *
 * Suggestions become `<alt-trans>` (`previous-version` for the translation of an earlier
 * source, with its state; `proposal`, with the file it came from as the origin, for a
 * person's text waiting beside a reviewed translation). Origins are written as notes for the translator; the reader
 * leaves origins to the importer, which knows what it exported.
 */
import { escapeXmlAttribute, escapeXmlText, parseXml, childrenNamed, firstChild, type XmlElement } from '../xml/index.js';
import type { CodeKind } from '../markdown/types.js';
import type { Run } from '../markdown/tagged.js';
import { codeId, codeLegend, importError, storeRuns, TaggedBuilder } from './inline.js';
import type {
  ImportedFile,
  ImportedTranslation,
  SegmentFile,
  StoreCode,
  StoreNote,
  StoreSegment,
  StoreUnit,
  Suggestion,
  TranslationState,
} from './types.js';

export const xliff12Namespace = 'urn:oasis:names:tc:xliff:document:1.2';

/** The phase of a target that is the source copied by Hansa, for tools that need a target to translate. */
export const sourceCopyPhase = 'hansa-source-copy';

/** The XLIFF 1.2 document for a segment file. */
export function writeXliff12(file: SegmentFile): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xliff version="1.2" xmlns="${xliff12Namespace}">`,
    `  <file original="${escapeXmlAttribute(file.original)}" source-language="${escapeXmlAttribute(file.sourceLanguage)}" target-language="${escapeXmlAttribute(file.targetLanguage)}" datatype="x-markdown">`,
    '    <header>',
    '      <phase-group>',
    `        <phase phase-name="${sourceCopyPhase}" process-name="copy-source" tool-id="hansa"/>`,
    '      </phase-group>',
    '      <tool tool-id="hansa" tool-name="Hansa"/>',
    '    </header>',
    '    <body>',
    ...file.units.flatMap(groupLines),
    '    </body>',
    '  </file>',
    '</xliff>',
    '',
  ].join('\n');
}

/** A unit as a `<group>`: its own notes, then a trans-unit per segment. */
function groupLines(unit: StoreUnit): string[] {
  const segments = unit.parts.flatMap((part) => ('segment' in part ? [part.segment] : []));
  if (segments.length === 0) return [];
  const name = unit.name === undefined ? '' : ` resname="${escapeXmlAttribute(unit.name)}"`;
  const notes = unit.notes ?? [];
  const unitNotes = notes.filter((note) => note.segment === undefined || !segments.some((s) => s.id === note.segment));
  return [
    `      <group id="${escapeXmlAttribute(unit.id)}"${name}>`,
    ...unitNotes.map((note) => `        ${noteElement(`hansa:${note.category}`, note.text)}`),
    ...segments.flatMap((segment) => transUnitLines(segment, notes.filter((note) => note.segment === segment.id))),
    '      </group>',
  ];
}

function transUnitLines(segment: StoreSegment, notes: readonly StoreNote[]): string[] {
  const indent = '          ';
  const approved = segment.state === 'reviewed' || segment.state === 'final' ? ' approved="yes"' : '';
  const legend = codeLegend(segment.codes);
  return [
    `        <trans-unit id="${escapeXmlAttribute(segment.id)}" xml:space="preserve"${approved}>`,
    `${indent}<source>${inlineXml(storeRuns(segment.source, segment.id), segment.codes)}</source>`,
    `${indent}${segment.target === undefined ? sourceCopyElement(segment) : targetElement(segment)}`,
    ...(legend.length === 0 ? [] : [`${indent}${noteElement('hansa:codes', legend.join('\n'), 'source')}`]),
    ...(segment.origin === undefined ? [] : [`${indent}${noteElement('hansa:origin', segment.origin, 'target')}`]),
    ...notes.map((note) => `${indent}${noteElement(`hansa:${note.category}`, note.text)}`),
    ...(segment.suggestions ?? []).flatMap((suggestion) => altTransLines(suggestion, segment.id, indent)),
    '        </trans-unit>',
  ];
}

function targetElement(segment: StoreSegment): string {
  const { state, qualifier } = xliff12WrittenState(segment.state, segment.origin);
  const qualified = qualifier === undefined ? '' : ` state-qualifier="${qualifier}"`;
  const content = inlineXml(storeRuns(segment.target ?? '', segment.id), segment.codes);
  return `<target state="${state}"${qualified}>${content}</target>`;
}

/** An open segment's target: its source, marked as a copy to translate (see the file comment). */
function sourceCopyElement(segment: StoreSegment): string {
  return `<target state="needs-translation" phase-name="${sourceCopyPhase}">${inlineXml(storeRuns(segment.source, segment.id), segment.codes)}</target>`;
}

/** The 1.2 state (and qualifier) for a Hansa state and the origin of the translation. */
export function xliff12WrittenState(state: TranslationState, origin?: string): { state: string; qualifier?: string } {
  if (state === 'initial') return { state: 'new' };
  if (state === 'reviewed') return { state: 'signed-off' };
  if (state === 'final') return { state: 'final' };
  const qualifier = qualifierOf(origin);
  return qualifier === undefined ? { state: 'translated' } : { state: 'needs-review-translation', qualifier };
}

/** How a machine or memory made a translation, in 1.2 terms; undefined for people. */
function qualifierOf(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (origin.startsWith('mt:')) return 'leveraged-mt';
  if (origin === 'tm:exact' || origin === 'tm:in-context') return 'exact-match';
  if (origin.startsWith('tm:fuzzy')) return 'fuzzy-match';
  if (origin.startsWith('tm:')) return 'leveraged-tm';
  return undefined;
}

function altTransLines(suggestion: Suggestion, segmentId: string, indent: string): string[] {
  const quality = suggestion.similarity === undefined ? '' : ` match-quality="${Math.round(suggestion.similarity)}"`;
  const type = suggestion.kind === 'previous' ? ' alttranstype="previous-version"' : suggestion.kind === 'proposal' ? ' alttranstype="proposal"' : '';
  const state = suggestion.state === undefined ? '' : ` state="${xliff12WrittenState(suggestion.state).state}"`;
  // A proposal's origin is the file a person sent it in (1.2: "the tool, system or repository").
  const origin = suggestion.kind === 'proposal' ? (suggestion.file ?? suggestion.origin) : suggestion.origin;
  // No codes: the suggestion's codes are its own source's, not this segment's.
  return [
    `${indent}<alt-trans origin="${escapeXmlAttribute(origin)}"${quality}${type} xml:space="preserve">`,
    `${indent}  <source>${inlineXml(storeRuns(suggestion.source, segmentId), [])}</source>`,
    `${indent}  <target${state}>${inlineXml(storeRuns(suggestion.target, segmentId), [])}</target>`,
    `${indent}</alt-trans>`,
  ];
}

function noteElement(from: string, text: string, annotates?: 'source' | 'target'): string {
  const about = annotates === undefined ? '' : ` annotates="${annotates}"`;
  return `<note from="${escapeXmlAttribute(from)}"${about}>${escapeXmlText(text)}</note>`;
}

/** Runs as 1.2 inline content: `<g>` for paired codes, `<x/>` for standalone ones. */
function inlineXml(runs: readonly Run[], codes: readonly StoreCode[]): string {
  let out = '';
  for (const run of runs) {
    if (run.type === 'text') out += escapeXmlText(run.value);
    else if (run.type === 'close') out += '</g>';
    else {
      const code = codes[run.id - 1];
      const paired = run.type === 'open';
      const ctype = code === undefined ? '' : ` ctype="${ctypeOf(code.kind, paired)}"`;
      if (paired) out += `<g id="${run.id}"${ctype}>`;
      else {
        const equiv = code?.equiv === undefined || code.equiv === '' ? '' : ` equiv-text="${escapeXmlAttribute(code.equiv)}"`;
        out += `<x id="${run.id}"${ctype}${equiv}/>`;
      }
    }
  }
  return out;
}

const delimiterTypes: Partial<Record<CodeKind, string>> = { strong: 'bold', emphasis: 'italic', link: 'link', linkReference: 'link' };
const placeholderTypes: Partial<Record<CodeKind, string>> = { image: 'image', imageReference: 'image', break: 'lb' };

/** The schema's ctype for a code, or an `x-` name where the schema has none. */
function ctypeOf(kind: CodeKind, paired: boolean): string {
  return (paired ? delimiterTypes[kind] : placeholderTypes[kind]) ?? `x-${kind}`;
}

/** Read an XLIFF 1.2 (or 1.1/1.0) file a translator sends back. */
export function readXliff12(text: string, fileName: string): ImportedFile {
  const root = parseXml(text, fileName);
  if (root.name !== 'xliff') throw importError(fileName, root.line, `not an XLIFF document (root element <${root.qualifiedName}>)`);
  const version = root.attributes.version ?? '';
  if (!/^1\.[0-2]$/.test(version)) throw importError(fileName, root.line, `XLIFF version "${version}" is not 1.0, 1.1 or 1.2`);
  const files = childrenNamed(root, 'file');
  const first = files[0];
  if (first === undefined) throw importError(fileName, root.line, 'no <file> element');
  const header = fileHeader(first, fileName);
  for (const other of files.slice(1)) {
    const next = fileHeader(other, fileName);
    if (next.original !== header.original || next.sourceLanguage !== header.sourceLanguage || next.targetLanguage !== header.targetLanguage) {
      throw importError(fileName, other.line, 'the <file> elements are for different documents or languages; import one document per file');
    }
  }
  const translations = files.flatMap((file) => transUnitsOf(firstChild(file, 'body'))).map((unit) => translationOf(unit, fileName));
  return { format: 'xliff12', ...header, translations };
}

function fileHeader(file: XmlElement, fileName: string): Pick<ImportedFile, 'original' | 'sourceLanguage' | 'targetLanguage'> {
  const sourceLanguage = file.attributes['source-language'];
  if (sourceLanguage === undefined || sourceLanguage === '') throw importError(fileName, file.line, '<file> has no source-language');
  const original = file.attributes.original;
  const targetLanguage = file.attributes['target-language'];
  return {
    sourceLanguage,
    ...(original === undefined ? {} : { original }),
    ...(targetLanguage === undefined || targetLanguage === '' ? {} : { targetLanguage }),
  };
}

/** The translatable trans-units below `element`, groups walked, in document order. */
function transUnitsOf(element: XmlElement | undefined): XmlElement[] {
  if (element === undefined) return [];
  return element.children.flatMap((child) => {
    if (child.name === 'group') return child.attributes.translate === 'no' ? [] : transUnitsOf(child);
    if (child.name === 'trans-unit') return child.attributes.translate === 'no' ? [] : [child];
    return [];
  });
}

function translationOf(unit: XmlElement, fileName: string): ImportedTranslation {
  const id = unit.attributes.id;
  if (id === undefined) throw importError(fileName, unit.line, '<trans-unit> has no id');
  const source = firstChild(unit, 'source');
  if (source === undefined) throw importError(fileName, unit.line, `<trans-unit id="${id}"> has no <source>`);
  const target = firstChild(unit, 'target');
  const sourceText = taggedOf(source, fileName);
  const written = target === undefined ? '' : taggedOf(target, fileName);
  const copied = target?.attributes['phase-name'] === sourceCopyPhase;
  // Hansa's copy of the source sent back as it was is no translation at all.
  const targetText = copied && written === sourceText ? '' : written;
  const named = xliff12State(target?.attributes.state, unit.attributes.approved === 'yes', targetText !== '');
  if (named === undefined) throw importError(fileName, target?.line ?? unit.line, `unknown state "${target?.attributes.state ?? ''}"`);
  // The copy changed while its state stayed: the tool translated it and left the attributes be.
  const state = copied && targetText !== '' && named === 'initial' ? 'translated' : named;
  const needsReview = state === 'translated' && unit.attributes.approved !== 'yes' && (target?.attributes.state ?? '').startsWith('needs-review-');
  return { id, source: sourceText, target: targetText, state, ...(needsReview ? { needsReview } : {}), line: target?.line ?? unit.line };
}

const readStates: Readonly<Record<string, TranslationState>> = {
  new: 'initial',
  'needs-translation': 'initial',
  'needs-l10n': 'initial',
  'needs-adaptation': 'initial',
  translated: 'translated',
  'needs-review-translation': 'translated',
  'needs-review-l10n': 'translated',
  'needs-review-adaptation': 'translated',
  'signed-off': 'reviewed',
  final: 'final',
  // XLIFF 2 names, which some tools write into 1.2 files.
  initial: 'initial',
  reviewed: 'reviewed',
};

/** The Hansa state of a 1.2 target (see the file comment); undefined for an unknown state name. */
export function xliff12State(state: string | undefined, approved: boolean, hasTarget: boolean): TranslationState | undefined {
  if (!hasTarget) return 'initial';
  const named = state === undefined || state.startsWith('x-') ? 'translated' : readStates[state];
  if (named === undefined) return undefined;
  return approved && (named === 'initial' || named === 'translated') ? 'reviewed' : named;
}

/**
 * Tagged text from 1.2 inline content. `<g>`/`<x/>` are what Hansa writes; `<bx>`/`<ex>`,
 * `<bpt>`/`<ept>`, `<ph>` and `<it>` are what other tools may turn them into; `<mrk>` only
 * annotates, so its text is kept and the element dropped.
 */
function taggedOf(element: XmlElement, fileName: string): string {
  const builder = new TaggedBuilder();
  addInline(element, builder, fileName);
  if (builder.unclosed > 0) throw importError(fileName, element.line, 'an inline code is opened but never closed');
  return builder.tagged();
}

function addInline(element: XmlElement, builder: TaggedBuilder, fileName: string): void {
  for (const part of element.content) {
    if (typeof part === 'string') {
      builder.text(part);
      continue;
    }
    const id = (): number => {
      const value = codeId(part.attributes.rid ?? part.attributes.id);
      if (value === undefined) throw importError(fileName, part.line, `<${part.name}> needs a numeric id, as Hansa wrote it`);
      return value;
    };
    switch (part.name) {
      case 'g':
        builder.open(id());
        addInline(part, builder, fileName);
        builder.close();
        break;
      case 'mrk':
        addInline(part, builder, fileName);
        break;
      case 'x':
      case 'ph':
      case 'it':
        builder.ph(id());
        break;
      case 'bx':
      case 'bpt':
        builder.open(id());
        break;
      case 'ex':
      case 'ept':
        if (!builder.close(String(id()))) throw importError(fileName, part.line, `<${part.name}> closes a code that is not the one open`);
        break;
      default:
        throw importError(fileName, part.line, `unknown inline element <${part.qualifiedName}>`);
    }
  }
}
