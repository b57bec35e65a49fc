/**
 * Gettext PO, for Poedit, Lokalize, Weblate and translate-toolkit users.
 *
 * One entry per segment: `msgctxt` is the segment id, `msgid` the source, `msgstr` the
 * target. The header names the document (`X-Hansa-Original`) and the languages and has no
 * dates, so the same segment file always gives the same bytes.
 *
 * Text: tagged text with the XML escapes undone where that cannot be misread, so a
 * translator sees `R&D <pc id="1">rośnie</pc> > 5%`. Only two things stay escaped:
 * - `<` before `pc`, `/pc` or `ph` (any case) is written `&lt;`, so every such `<` in a PO
 *   string starts one of our tags; anything else there is a broken tag, not text;
 * - `&` before `amp;`, `lt;` or `gt;` is written `&amp;`, so those three are the only
 *   escapes a reader undoes.
 * Everything else (`&`, `<`, `>`, quotes) is plain text, so the round trip is lossless.
 *
 * States, written: `reviewed`/`final`, and `translated` by a person → translated entry;
 * `translated` by a machine or memory → `#, fuzzy` (a draft, for review); `initial` → empty
 * `msgstr`, or with a draft target `#, fuzzy`. Without a target, the translation of the previous source (or the best memory
 * match) is offered as gettext's `msgmerge` does: fuzzy, with that source as `#| msgid`.
 * Other suggestions are `#.` comments, `<kind>: (<origin>, …) <text>`; a `proposal` (a
 * person's text waiting beside a reviewed translation) also names the file it came from.
 *
 * States, read (DESIGN §9): empty `msgstr` → `initial`; fuzzy → `initial`, a draft (a
 * machine's text for review, an offered translation of another source, a translator's
 * unfinished one): it fills an open segment as a draft and never replaces a translation;
 * otherwise `translated`, a person's translation. A PO file cannot tell a translator's work
 * from a reviewer's (OmegaT never writes `#, fuzzy`, so everything it fills from its memory
 * comes back as a plain entry): `reviewed` is for `hansa import --reviewed` to say. A
 * reviewed translation sent back unchanged stays reviewed (the project's own text at a lower
 * state is no news), and so does a draft sent back as it went out.
 *
 * The segment id is repeated in a `#. segment: <id>` comment, because translate-toolkit's
 * po2xliff drops `msgctxt` (translate/translate#268); the reader falls back to it.
 *
 * (One file of over 400 lines: the reader and writer of one format, whose round trip is
 * tested as one.)
 */
import type { Run } from '../markdown/tagged.js';
import { renderTagged } from '../markdown/tagged.js';
import { bestSuggestion, codeLegend, importError, oneLine, storeRuns } from './inline.js';
import type { ImportedFile, ImportedTranslation, SegmentFile, StoreNote, StoreSegment, StoreUnit, Suggestion, TranslationState } from './types.js';

/** The PO file for a segment file. */
export function writePo(file: SegmentFile): string {
  const entries = file.units.flatMap((unit) => {
    const segments = unit.parts.flatMap((part) => ('segment' in part ? [part.segment] : []));
    return segments.map((segment, index) => entryLines(segment, unit, notesFor(unit, segments, segment, index === 0)));
  });
  return [headerLines(file), ...entries].map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

function headerLines(file: SegmentFile): string[] {
  const field = (value: string): string => value.replace(/[\r\n]+/g, ' ');
  const fields = [
    `Project-Id-Version: ${field(file.original)}`,
    // Empty rather than absent, so msgfmt -c has nothing to warn about, and no date.
    'PO-Revision-Date: ',
    'Last-Translator: ',
    'Language-Team: ',
    `Language: ${field(file.targetLanguage).replace(/-/g, '_')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    'X-Generator: Hansa',
    `X-Hansa-Original: ${field(file.original)}`,
    `X-Hansa-Source-Language: ${field(file.sourceLanguage)}`,
  ];
  return [`# ${oneLine(file.original)}: ${file.sourceLanguage} → ${file.targetLanguage}`, 'msgid ""', 'msgstr ""', ...fields.map((f) => quoted(`${f}\n`))];
}

/** The notes to show with a segment: its own, and the unit's general ones on its first segment. */
function notesFor(unit: StoreUnit, segments: readonly StoreSegment[], segment: StoreSegment, first: boolean): StoreNote[] {
  return (unit.notes ?? []).filter((note) =>
    note.segment === undefined || !segments.some((s) => s.id === note.segment) ? first : note.segment === segment.id,
  );
}

function entryLines(segment: StoreSegment, unit: StoreUnit, notes: readonly StoreNote[]): string[] {
  const offered = segment.target === undefined ? bestSuggestion(segment.suggestions) : undefined;
  const target = segment.target ?? offered?.target;
  const byMachine = segment.state === 'translated' && segment.origin !== undefined && segment.origin !== 'human';
  const fuzzy = target !== undefined && (offered !== undefined || segment.state === 'initial' || byMachine);
  const legend = codeLegend(segment.codes).map((line) => line.replace(/^(\d+) = /, (_, id: string) => `${tagOf(segment.source, Number(id))} = `));
  const others = (segment.suggestions ?? []).filter((suggestion) => suggestion !== offered);
  const comments = [
    unit.name === undefined ? `unit ${unit.id}` : `unit ${unit.id} (${unit.name})`,
    `segment: ${segment.id}`,
    ...legend,
    ...(segment.origin === undefined ? [] : [`origin: ${segment.origin}`]),
    ...notes.map((note) => `${note.category}: ${note.text}`),
    ...(offered === undefined ? [] : [`offered: ${offered.kind === 'previous' ? 'translation of the previous source' : 'translation of a similar source'} ${suggestionLabel(offered)}`]),
    ...others.map((suggestion) => `${suggestion.kind}: ${suggestionLabel(suggestion)} ${poText(storeRuns(suggestion.target, segment.id))}`),
  ];
  return [
    ...comments.map((comment) => `#. ${oneLine(comment)}`),
    ...(fuzzy ? ['#, fuzzy'] : []),
    ...(offered === undefined ? [] : keywordLines('#| msgid', poText(storeRuns(offered.source, segment.id)))),
    ...keywordLines('msgctxt', segment.id),
    ...keywordLines('msgid', poText(storeRuns(segment.source, segment.id))),
    ...keywordLines('msgstr', target === undefined ? '' : poText(storeRuns(target, segment.id))),
  ];
}

function suggestionLabel(suggestion: Suggestion): string {
  const similarity = suggestion.similarity === undefined ? '' : `, ${Math.round(suggestion.similarity)}%`;
  const state = suggestion.state === undefined ? '' : `, ${suggestion.state}`;
  // A proposal says where it came from, and who sent it when the file said.
  const sent = [suggestion.file === undefined ? '' : `from ${suggestion.file}`, suggestion.author ?? '', suggestion.date ?? ''].filter((part) => part !== '');
  return `(${suggestion.origin}${similarity}${state}${sent.length === 0 ? '' : `, ${sent.join(', ')}`})`;
}

/** How code `id` of `source` looks in PO text: its opening tag. */
function tagOf(source: string, id: number): string {
  const run = storeRuns(source, '').find((r) => (r.type === 'open' || r.type === 'ph') && r.id === id);
  return run?.type === 'open' ? `<pc id="${id}">` : `<ph id="${id}"/>`;
}

/** Runs as PO text: tags as in tagged text, text unescaped except where it could be misread. */
export function poText(runs: readonly Run[]): string {
  let out = '';
  for (const run of runs) {
    if (run.type === 'text') out += run.value.replace(/&(?=(?:amp|lt|gt);)/g, '&amp;').replace(/<(?=\/?p[ch])/gi, '&lt;');
    else out += renderTagged([run]);
  }
  return out;
}

const poTagPattern = /<pc\s+id="(\d+)"\s*>|<\/pc\s*>|<ph\s+id="(\d+)"\s*\/>|<(?=\/?p[ch])/gi;

/** Tagged text from PO text, or the reason it is not valid (a broken or unbalanced tag). */
export function taggedOfPoText(text: string): { tagged: string } | { problem: string } {
  const runs: Run[] = [];
  const open: number[] = [];
  let last = 0;
  const addText = (value: string): void => {
    if (value !== '') runs.push({ type: 'text', value: value.replace(/&(amp|lt|gt);/g, (_, name: string) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>')) });
  };
  for (const match of text.matchAll(poTagPattern)) {
    addText(text.slice(last, match.index));
    last = match.index + match[0].length;
    const [whole, pcId, phId] = match;
    // The pattern is case-blind so that `<PC id="1">` is caught as a broken tag, not taken as text.
    if (pcId !== undefined && whole.startsWith('<pc')) {
      open.push(Number(pcId));
      runs.push({ type: 'open', id: Number(pcId) });
    } else if (phId !== undefined && whole.startsWith('<ph')) {
      runs.push({ type: 'ph', id: Number(phId) });
    } else if (whole.startsWith('</pc')) {
      const id = open.pop();
      if (id === undefined) return { problem: 'a </pc> closes no <pc> tag' };
      runs.push({ type: 'close', id });
    } else {
      const shown = text.slice(match.index, match.index + 16).split('>')[0] ?? '';
      return { problem: `broken tag "${shown}…" (tags are <pc id="n">…</pc> and <ph id="n"/>; write &lt; for a plain "<")` };
    }
  }
  addText(text.slice(last));
  if (open.length > 0) return { problem: 'a <pc> tag is never closed' };
  return { tagged: renderTagged(runs) };
}

const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

/** A PO string literal. */
function quoted(value: string): string {
  // eslint-disable-next-line no-control-regex
  const body = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => escapes[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return `"${body}"`;
}

/** `keyword "value"`, or as gettext writes text with inner line ends: `keyword ""` and a line per line. */
function keywordLines(keyword: string, value: string): string[] {
  const prefix = keyword.startsWith('#|') ? '#| ' : '';
  const lines = value.split(/(?<=\n)/);
  if (lines.length <= 1) return [`${keyword} ${quoted(value)}`];
  return [`${keyword} ""`, ...lines.map((line) => `${prefix}${quoted(line)}`)];
}

/** A keyword's string and the line it starts on. */
interface PoString {
  readonly value: string;
  readonly line: number;
}

/** One entry of a PO file, as written. */
export interface PoEntry {
  readonly line: number;
  readonly translatorComments: readonly string[];
  readonly extractedComments: readonly string[];
  readonly references: readonly string[];
  readonly flags: readonly string[];
  /** The `#|` previous fields (`msgctxt`, `msgid`, `msgid_plural`). */
  readonly previous: Readonly<Record<string, string>>;
  readonly msgctxt?: PoString;
  readonly msgid: PoString;
  readonly msgidPlural?: PoString;
  /** `msgstr`, or `msgstr[n]` by n for plural entries. */
  readonly msgstr: readonly PoString[];
}

interface Draft {
  line: number;
  translatorComments: string[];
  extractedComments: string[];
  references: string[];
  flags: string[];
  previous: Record<string, string>;
  fields: Map<string, { value: string; line: number }>;
  /** The field continuation strings go to. */
  current?: { value: string; line: number };
  previousCurrent?: string;
}

const keywordPattern = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$/;

/**
 * Parse PO text into entries (obsolete `#~` entries skipped), with line numbers.
 * Throws `InputError('import_invalid')` at the line of the first syntax error.
 */
export function parsePo(text: string, fileName: string): PoEntry[] {
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
  const entries: PoEntry[] = [];
  let draft: Draft | undefined;
  const fresh = (line: number): Draft => ({ line, translatorComments: [], extractedComments: [], references: [], flags: [], previous: {}, fields: new Map() });
  const finish = (): void => {
    if (draft !== undefined && draft.fields.size > 0) entries.push(entryOf(draft, fileName));
    draft = undefined;
  };
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '') return finish();
    if (content.startsWith('#~')) return;
    if (content.startsWith('#')) {
      // A comment after a complete entry starts the next one.
      if (draft !== undefined && draft.fields.size > 0) finish();
      draft ??= fresh(line);
      return addComment(draft, content, line, fileName);
    }
    if (content.startsWith('"')) {
      const target = draft?.current;
      if (target === undefined) throw importError(fileName, line, 'a string continues no msgid, msgstr or msgctxt');
      target.value += parseString(content, line, fileName);
      return;
    }
    const match = keywordPattern.exec(content);
    if (match === null) throw importError(fileName, line, `unexpected text "${content.slice(0, 30)}" (expected msgctxt, msgid, msgstr, a string or a comment)`);
    const [, keyword = '', , rest = ''] = match;
    // msgctxt or msgid after a msgstr starts the next entry, even without a blank line.
    if ((keyword === 'msgctxt' || keyword === 'msgid') && draft !== undefined && hasMsgstr(draft)) finish();
    draft ??= fresh(line);
    if (draft.fields.has(keyword)) throw importError(fileName, line, `${keyword} appears twice in one entry`);
    if (keyword === 'msgctxt' && draft.fields.has('msgid')) throw importError(fileName, line, 'msgctxt must come before msgid');
    if (keyword !== 'msgctxt' && keyword !== 'msgid' && !draft.fields.has('msgid')) throw importError(fileName, line, `${keyword} without msgid`);
    if (keyword === 'msgid_plural' && hasMsgstr(draft)) throw importError(fileName, line, 'msgid_plural must come before msgstr');
    const field = { value: parseString(rest, line, fileName), line };
    draft.fields.set(keyword, field);
    draft.current = field;
    draft.previousCurrent = undefined;
  });
  finish();
  return entries;
}

function hasMsgstr(draft: Draft): boolean {
  return [...draft.fields.keys()].some((key) => key.startsWith('msgstr'));
}

function addComment(draft: Draft, text: string, line: number, fileName: string): void {
  const kind = text.charAt(1);
  const body = text.slice(2).replace(/^ /, '');
  draft.current = undefined;
  if (kind !== '|') draft.previousCurrent = undefined;
  if (kind === '.') draft.extractedComments.push(body);
  else if (kind === ':') draft.references.push(...body.split(/\s+/).filter((r) => r !== ''));
  else if (kind === ',') draft.flags.push(...body.split(',').map((f) => f.trim()).filter((f) => f !== ''));
  else if (kind === '|') addPrevious(draft, body.trim(), line, fileName);
  else draft.translatorComments.push(text.slice(1).replace(/^ /, ''));
}

/** `#| msgid "…"` and its continuations: kept to know the entry offers another source's translation. */
function addPrevious(draft: Draft, body: string, line: number, fileName: string): void {
  if (body.startsWith('"')) {
    if (draft.previousCurrent === undefined) throw importError(fileName, line, 'a #| string continues no #| field');
    draft.previous[draft.previousCurrent] += parseString(body, line, fileName);
    return;
  }
  const match = /^(msgctxt|msgid_plural|msgid)\s+(".*)$/.exec(body);
  if (match === null) throw importError(fileName, line, 'a #| line must hold msgctxt, msgid or a string');
  const [, keyword = '', rest = ''] = match;
  draft.previous[keyword] = parseString(rest, line, fileName);
  draft.previousCurrent = keyword;
}

function entryOf(draft: Draft, fileName: string): PoEntry {
  const msgid = draft.fields.get('msgid');
  if (msgid === undefined) throw importError(fileName, draft.line, 'an entry without msgid');
  const msgidPlural = draft.fields.get('msgid_plural');
  const msgstr = [...draft.fields.entries()].filter(([key]) => key.startsWith('msgstr')).map(([, field]) => field);
  if (msgstr.length === 0) throw importError(fileName, msgid.line, 'msgid without msgstr');
  if (msgidPlural === undefined && draft.fields.has('msgstr[0]')) throw importError(fileName, msgid.line, 'msgstr[n] without msgid_plural');
  if (msgidPlural !== undefined && draft.fields.has('msgstr')) throw importError(fileName, msgid.line, 'msgid_plural needs msgstr[n], not msgstr');
  const msgctxt = draft.fields.get('msgctxt');
  return {
    line: draft.line,
    translatorComments: draft.translatorComments,
    extractedComments: draft.extractedComments,
    references: draft.references,
    flags: draft.flags,
    previous: draft.previous,
    ...(msgctxt === undefined ? {} : { msgctxt }),
    msgid,
    ...(msgidPlural === undefined ? {} : { msgidPlural }),
    msgstr,
  };
}

const unescapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '?': '?' };

/** The value of one PO string literal (`"…"` and nothing after it). */
function parseString(text: string, line: number, fileName: string): string {
  if (!text.startsWith('"')) throw importError(fileName, line, 'a string must start with "');
  let value = '';
  let i = 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') {
      if (text.slice(i + 1).trim() !== '') throw importError(fileName, line, `text after the closing quote: "${text.slice(i + 1).trim().slice(0, 20)}"`);
      return value;
    }
    if (c !== '\\') {
      value += c;
      i += 1;
      continue;
    }
    const next = text.charAt(i + 1);
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
    if (octal !== null) {
      value += String.fromCharCode(Number.parseInt(octal[0], 8));
      i += 1 + octal[0].length;
    } else if (hex !== null) {
      value += String.fromCharCode(Number.parseInt(hex[1] ?? '0', 16));
      i += 1 + hex[0].length;
    } else if (next in unescapes) {
      value += unescapes[next];
      i += 2;
    } else {
      throw importError(fileName, line, next === '' ? 'a string ends in a lone backslash' : `unknown escape \\${next}`);
    }
  }
  throw importError(fileName, line, 'unterminated string (no closing ")');
}

/** Read a PO file a translator sends back (see the file comment for states and text). */
export function readPo(text: string, fileName: string): ImportedFile {
  const entries = parsePo(text, fileName);
  const header = entries.find((entry) => entry.msgctxt === undefined && entry.msgid.value === '');
  const fields = header === undefined ? new Map<string, string>() : headerFields(header.msgstr[0]?.value ?? '');
  // The header's charset is about bytes: `decodeText` (src/files/text.ts) honoured it when the
  // file was read, so `text` is already decoded whatever it names.
  const language = fields.get('language');
  const author = filledField(fields.get('last-translator'), 'FULL NAME <EMAIL@ADDRESS>');
  const date = filledField(fields.get('po-revision-date'), 'YEAR-MO-DA HO:MI+ZONE');
  const original = fields.get('x-hansa-original');
  const sourceLanguage = fields.get('x-hansa-source-language');
  const translations = entries.filter((entry) => entry !== header).map((entry) => translationOf(entry, fileName));
  return {
    format: 'po',
    ...(original === undefined || original === '' ? {} : { original }),
    ...(sourceLanguage === undefined || sourceLanguage === '' ? {} : { sourceLanguage }),
    ...(language === undefined || language === '' ? {} : { targetLanguage: language.replace(/_/g, '-') }),
    ...(author === undefined ? {} : { author }),
    ...(date === undefined ? {} : { date }),
    translations,
  };
}

/** A header value a tool actually filled in: not empty, not xgettext's placeholder. */
function filledField(value: string | undefined, placeholder: string): string | undefined {
  return value === undefined || value === '' || value === placeholder ? undefined : value;
}

/** Header fields by lower-case name. */
function headerFields(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of value.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return fields;
}

function translationOf(entry: PoEntry, fileName: string): ImportedTranslation {
  if (entry.msgidPlural !== undefined) throw importError(fileName, entry.msgidPlural.line, 'plural entries (msgid_plural) are not used by Hansa');
  const msgstr = entry.msgstr[0] ?? entry.msgid;
  const source = taggedOfPoText(entry.msgid.value);
  if ('problem' in source) throw importError(fileName, entry.msgid.line, `msgid: ${source.problem}`);
  const target = taggedOfPoText(msgstr.value);
  if ('problem' in target) throw importError(fileName, msgstr.line, `msgstr: ${target.problem}`);
  // An empty msgctxt is no id: translate-toolkit's xliff2po writes `msgctxt ""` on an entry
  // whose msgid repeats (a sentence that occurs twice), so the comment must still count then.
  const context = entry.msgctxt?.value;
  const id = context === undefined || context === '' ? idComment(entry.extractedComments) : context;
  const state = poState(target.tagged !== '', entry.flags.includes('fuzzy'));
  return { ...(id === undefined ? {} : { id }), source: source.tagged, target: target.tagged, state, line: msgstr.line };
}

/** The segment id from a `#. segment: <id>` comment, for files that lost their msgctxt. */
function idComment(comments: readonly string[]): string | undefined {
  for (const comment of comments) {
    const match = /^segment: (\S+)$/.exec(comment.trim());
    if (match !== null) return match[1];
  }
  return undefined;
}

/** The Hansa state of a PO entry (see the file comment). */
export function poState(hasTarget: boolean, fuzzy: boolean): TranslationState {
  return hasTarget && !fuzzy ? 'translated' : 'initial';
}
