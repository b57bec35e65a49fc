/**
 * `hansa import` and `hansa export`: translators' files in and out.
 *
 * Import is all-or-nothing per file: the file is read and every translation in it matched
 * against the project before anything is written; one unknown segment, a file for another
 * document or language, or a target whose codes do not match rejects the whole file. Every
 * bad segment is reported at once (`ImportRefusedError`), so a translator mends them all
 * before the next import, not one per import.
 * A `reviewed` or `final` translation in the project is never replaced by an import
 * (DESIGN §8.1) unless the file is a reviewer's (`--reviewed`); a different text for one is
 * stored beside it as a proposal, named by the file it came from, and reported (§8.7).
 *
 * (One file of over 400 lines: import and export share the mapping between the exchange
 * formats and segment files, and a round trip through them is tested as one.)
 */
import path from 'node:path';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { coversImports, memoryImportDir } from '../config/index.js';
import { HansaError, ImportRefusedError, InputError, type Finding, type ImportProblem } from '../errors/index.js';
import { globMatcher, writeFileAtomic } from '../files/index.js';
import { decodeText } from '../files/text.js';
import { plainText, readTarget } from '../markdown/tagged.js';
import { isSourceCopy } from '../qa/checks.js';
import { readPo, writePo } from '../formats/po.js';
import { languageMatches, readTmx, tmxEntriesOf, writeTmx, type TmxFile } from '../formats/tmx.js';
import { readXliff12, writeXliff12 } from '../formats/xliff12.js';
import { readXliff2Import, writeXliff2 } from '../formats/xliff2.js';
import { isHumanApproved, segmentsOf, stateRank, type ImportedFile, type ImportedTranslation, type SegmentFile, type StoreCode, type StoreSegment, type Suggestion, type TranslationState } from '../formats/types.js';
import { codeProblemsOf, readableText, shortened } from './code-problems.js';
import { cacheRoot, contentRoot, displayPath, type Project } from './project.js';
import { filled, isOpen, updateSegments, withoutReviewer } from './store.js';
import { writeChanged } from './write-changed.js';
import { ioReporter, loadWorkspace, type WorkspaceFile } from './workspace.js';

export type ExportFormat = 'xliff2' | 'xliff12' | 'po' | 'tmx';

const extensions: Readonly<Record<Exclude<ExportFormat, 'tmx'>, string>> = { xliff2: '.xlf', xliff12: '.xliff', po: '.po' };

/**
 * Write the segment files of `languages` in `format` below `outDir`. A segment file that cannot
 * be read (or a source that cannot be extracted) is an error of its own and left out; the
 * other files and languages are still exported. Returns the paths written and the errors.
 */
export async function exportProject(project: Project, options: { format: ExportFormat; languages: readonly string[]; outDir: string }): Promise<{ written: string[]; errors: Finding[] }> {
  refuseProjectFolder(project, options.outDir);
  const workspace = await loadWorkspace(project, options.languages);
  const errors: Finding[] = [...workspace.errors];
  const out = path.resolve(project.cwd, options.outDir);
  const written: string[] = [];
  for (const lang of options.languages) {
    const reported = ioReporter(errors, lang);
    const files = workspace.files.filter((file) => file.lang === lang);
    if (options.format === 'tmx') {
      const target = path.join(out, `${project.config.sourceLanguage}-${lang}.tmx`);
      if (await reported(displayPath(project, target), () => writeFileAtomic(target, writeTmx(tmxEntriesOf(files.map((file) => file.current)), { sourceLanguage: project.config.sourceLanguage })))) {
        written.push(displayPath(project, target));
      }
      continue;
    }
    const write = options.format === 'xliff2' ? writeXliff2 : options.format === 'xliff12' ? writeXliff12 : writePo;
    for (const file of files) {
      const target = path.join(out, lang, file.file.replace(/\.(md|markdown|mdx?)$/i, '') + extensions[options.format]);
      if (await reported(displayPath(project, target), () => writeFileAtomic(target, write(file.current)))) written.push(displayPath(project, target));
    }
  }
  return { written, errors };
}

/**
 * Export writes for other tools, never into the project's own files: an `--out` inside (or
 * holding) the segment files, the sources, `dist/` or `.hansa/` would replace them without the
 * lock, the version check or the memory, so it is refused before anything is read.
 */
function refuseProjectFolder(project: Project, outDir: string): void {
  const out = path.resolve(project.cwd, outDir);
  const { config } = project;
  const owned = [path.resolve(project.cwd, config.translationsDir), contentRoot(project), path.resolve(project.cwd, config.outDir), cacheRoot(project)];
  const inside = (child: string, parent: string): boolean => {
    const relative = path.relative(parent, child);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  };
  const clash = owned.find((folder) => inside(out, folder) || inside(folder, out));
  if (clash !== undefined) {
    throw new InputError('export_into_project', `--out ${outDir} overlaps ${displayPath(project, clash) || '.'}`, { data: { out: outDir, folder: displayPath(project, clash) || '.' } });
  }
}

/** What importing one file did. */
export interface ImportReport {
  readonly file: string;
  readonly format: ImportedFile['format'];
  readonly lang: string;
  /** Segment file updated (XLIFF, PO), or memory file added (TMX). */
  readonly into: readonly string[];
  readonly imported: number;
  readonly unchanged: number;
  /**
   * Texts that could not replace the translation in force (reviewed or final; for a draft,
   * any translation): each is a `proposal` beside it in the segment file (DESIGN §8.7),
   * stored now (`proposals`) or already waiting there from an earlier import (`waiting`).
   */
  readonly keptReviewed: number;
  /** Proposals this import stored in the segment file (`into[0]`). */
  readonly proposals: number;
  /** Kept texts the segment file already held as proposals: nothing stored twice. */
  readonly waiting: number;
  /** Targets that were their source text (a tool's copy, untouched): left open, not imported. */
  readonly sourceCopies: number;
  /**
   * Segments of the document the file had an entry for (with a target or not), and segments
   * the document has: fewer in the file means the other segments were not in it (a tool that
   * saves only some entries) and stay as they were. Not for TMX.
   */
  readonly segmentsInFile?: number;
  readonly segmentsInDocument?: number;
  /** The source document the file is for (`content/pl/a.md`); not for TMX. */
  readonly document?: string;
}

/** How `hansa import` takes a file. */
export interface ImportOptions {
  /** Target languages accepted; default: the config's `targetLanguages`. */
  readonly languages?: readonly string[];
  /**
   * The file is a reviewer's (`--reviewed`): its translations count as reviewed (but those
   * the file itself still marks for review), and its reviewed and final targets replace
   * reviewed translations (final ones also final translations), which is how a reviewer
   * accepts a proposal. Default `false`: a translation is as the file states it (`translated`
   * from a file that keeps no states) and never replaces a reviewed or final translation.
   */
  readonly reviewed?: boolean;
  /** Stops a TMX import between two segment files (each is whole, written or not). */
  readonly signal?: AbortSignal;
}

/** Import translators' files; each either goes in whole or not at all (its error is thrown). */
export async function importFile(project: Project, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const absolute = path.resolve(project.cwd, file);
  const display = displayPath(project, absolute);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw new InputError('file_unreadable', `cannot read ${display}`, { file: display, cause: error, data: { reason: (error as Error).message } });
  }
  // In the encoding the file names (XML declaration, PO header), strictly: see `decodeText`.
  const text = decodeText(bytes, display, { kind: /\.pot?$/i.test(display) ? 'po' : 'xml' });
  if (path.extname(display).toLowerCase() === '.tmx') {
    return importTmx(project, absolute, display, readTmx(text, display, { sourceLanguage: project.config.sourceLanguage }), options);
  }
  const imported = readImported(text, display);
  const lang = languageOf(imported, display, project, options.languages);
  const workspace = await loadWorkspace(project, [lang]);
  const original = imported.original;
  const target = workspace.files.find((item) => item.sourcePath === original || item.file === original);
  // A segment file that cannot be read (another encoding, broken XML) is left as it is, named.
  const refused = workspace.refused.find((item) => item.lang === lang && (item.sourcePath === original || item.file === original));
  if (refused !== undefined) throw refused.error;
  if (target === undefined) {
    throw new InputError('import_wrong_document', `${display} is for ${original ?? '(no document)'}`, { file: display, line: 1, data: { found: original ?? '(none)', expected: workspace.files.map((item) => item.sourcePath).join(', ') || '(no documents)' } });
  }
  const bad = workspace.errors.find((error) => error.file === target.display);
  if (bad !== undefined) throw new InputError('segment_file_invalid', bad.message, { file: bad.file, ...(bad.line === undefined ? {} : { line: bad.line }), data: { reason: bad.message } });
  const sender = { file: display, ...(imported.author === undefined ? {} : { author: imported.author }), ...(imported.date === undefined ? {} : { date: imported.date }) };
  const apply = (into: WorkspaceFile): ReturnType<typeof applyTranslations> => applyTranslations(into, imported.translations, display, { sender, reviewed: options.reviewed === true });
  const { imported: count, unchanged, proposals, waiting, sourceCopies, file: written } = await writeChanged(project, target, apply, (applied) => applied.imported > 0 || applied.proposals > 0);
  const inDocument = new Set(segmentsOf(written).map((segment) => segment.id));
  const held = new Set(imported.segmentIds ?? imported.translations.flatMap((translation) => (translation.id === undefined ? [] : [translation.id])));
  const coverage = { segmentsInFile: [...held].filter((id) => inDocument.has(id)).length, segmentsInDocument: inDocument.size };
  return { file: display, format: imported.format, lang, into: [target.display], imported: count, unchanged, keptReviewed: proposals + waiting, proposals, waiting, sourceCopies, ...coverage, document: target.sourcePath };
}

function readImported(text: string, display: string): ImportedFile {
  const extension = path.extname(display).toLowerCase();
  if (extension === '.po' || extension === '.pot') return readPo(text, display);
  if (/<xliff\b[^>]*\bversion\s*=\s*["']1\.[0-2]["']/.test(text.slice(0, 2000))) return readXliff12(text, display);
  return readXliff2Import(text, display);
}

/** The target language a file is for: the one it says (or, when it says none, the one `--to` gives), which the project must translate into. */
function languageOf(imported: ImportedFile, display: string, project: Project, wanted: readonly string[] | undefined): string {
  const said = imported.targetLanguage;
  const targets = wanted ?? project.config.targetLanguages;
  // A file that names no target language (tools that write none, such as translate-toolkit's
  // po2xliff) is for the one language `--to` gives; else it is refused with `found: ''`, and
  // the CLI asks for `--to` (`example`: the language to show in the command it suggests).
  if (said === undefined && wanted?.length !== 1) {
    const example = wanted?.[0] ?? project.config.targetLanguages[0] ?? 'en';
    throw new InputError('import_wrong_language', `${display} names no target language: say which with --to LANG`, { file: display, line: 1, data: { found: '', expected: targets.join(', '), given: (wanted ?? []).join(', '), example } });
  }
  const lang = said === undefined ? wanted?.[0] : targets.find((code) => code.toLowerCase() === said.toLowerCase() || said.toLowerCase().startsWith(`${code.toLowerCase()}-`));
  if (lang === undefined) {
    throw new InputError('import_wrong_language', `${display} is for ${said ?? '(no language)'}`, { file: display, line: 1, data: { found: said ?? '(none)', expected: targets.join(', ') } });
  }
  // The target language first: a file that names none (po2xliff's, which also calls every
  // source en-US) is asked for `--to` before anything else is said about it.
  if (imported.sourceLanguage !== undefined && imported.sourceLanguage.toLowerCase().split('-')[0] !== project.config.sourceLanguage.toLowerCase()) {
    throw new InputError('import_wrong_language', `${display} translates from ${imported.sourceLanguage}`, { file: display, line: 1, data: { found: imported.sourceLanguage, expected: project.config.sourceLanguage } });
  }
  return lang;
}

/** The most bad segments of one file an import lists; the others are counted. */
export const importProblemLimit = 50;

/** The bad segments of a file being imported: the first `importProblemLimit` kept, the rest counted. */
class ProblemList {
  readonly #listed: ImportProblem[] = [];
  #more = 0;

  add(problem: ImportProblem): void {
    if (this.#listed.length < importProblemLimit) this.#listed.push(problem);
    else this.#more += 1;
  }

  /** Refuse the file `display` when any segment was bad. */
  throwIfAny(display: string): void {
    const [first, ...others] = this.#listed;
    if (first !== undefined) throw new ImportRefusedError(display, [first, ...others], this.#more);
  }
}

/** A segment's text as a problem shows it: readable (`codes`: its code table, when known), on one line, shortened. */
function shownText(tagged: string, codes?: readonly StoreCode[]): string {
  return shortened(readableText(tagged, codes));
}

/** Where a file came from, as the proposals it leaves record it. */
export interface Sender {
  /** The file, project-relative, as `hansa import` was given it. */
  readonly file: string;
  /** Who, when the file says (PO `Last-Translator`). */
  readonly author?: string;
  /** When, as the file says; never the time of the import (same inputs, same bytes). */
  readonly date?: string;
}

/**
 * Apply translations to a segment file, or throw without changing anything.
 *
 * 1. The project's own text sent back (the same state or lower), or an offer left as it
 *    was, is no news (`unchanged`).
 * 2. A draft (`initial`) fills an open segment as a draft; beside a translation it is a proposal.
 * 3. A translation replaces one that is not reviewed or final, or confirms the same text higher.
 * 4. A different text for a reviewed or final translation never replaces it (DESIGN §8.1): it
 *    is stored beside it as a proposal, with the file it came from (§8.7). Only a reviewer's
 *    file (`reviewed`) replaces it, with a reviewed or final text at least as far along.
 * 5. A proposal is stored once (the same text again is `waiting`) and never equal to the
 *    target; one that becomes the target has been accepted and leaves the list.
 */
export function applyTranslations(
  target: WorkspaceFile,
  translations: readonly ImportedTranslation[],
  display: string,
  options: { readonly sender?: Sender; readonly reviewed?: boolean } = {},
): { file: SegmentFile; imported: number; unchanged: number; proposals: number; waiting: number; sourceCopies: number } {
  const byId = new Map<string, StoreSegment>(segmentsOf(target.current).map((segment) => [segment.id, segment]));
  const changes = new Map<string, ImportedTranslation>();
  const problems = new ProblemList();
  let sourceCopies = 0;
  for (const translation of asSent(translations, options.reviewed === true)) {
    const segment = translation.id === undefined ? undefined : byId.get(translation.id);
    if (segment !== undefined && segment.source !== translation.source) {
      problems.add({ code: 'stale_source', segment: segment.id, line: translation.line, source: shownText(translation.source), current: shownText(segment.source, segment.codes) });
      continue;
    }
    if (segment === undefined) {
      problems.add({ code: 'unknown_segment', ...(translation.id === undefined ? {} : { segment: translation.id }), line: translation.line, source: shownText(translation.source), document: target.sourcePath });
      continue;
    }
    // An empty target says nothing; an `initial` one is a draft (or an offer left as it was).
    if (translation.target === '') continue;
    // The source sent back as the target (a tool's copy of it, a segment nobody touched) is
    // no translation, whatever state the file gives it: it stays open and is never published.
    if (isSourceCopy(plainText(segment.source), plainText(translation.target))) {
      sourceCopies += 1;
      continue;
    }
    const read = readTarget(segment.source, translation.target);
    if ('problem' in read) {
      problems.add({ code: 'code_mismatch', segment: segment.id, line: translation.line, source: shownText(segment.source, segment.codes), codes: codeProblemsOf(segment.source, translation.target, segment.codes) });
      continue;
    }
    changes.set(segment.id, translation);
  }
  // All or nothing: a file with any bad segment imports none, and says what is wrong with each.
  problems.throwIfAny(display);
  let imported = 0;
  let unchanged = 0;
  let proposals = 0;
  let waiting = 0;
  const sender: Sender = options.sender ?? { file: display };
  const propose = (segment: StoreSegment, change: ImportedTranslation): StoreSegment => {
    if ((segment.suggestions ?? []).some((item) => item.kind === 'proposal' && item.target === change.target)) {
      waiting += 1;
      return segment;
    }
    proposals += 1;
    const proposal: Suggestion = { kind: 'proposal', source: segment.source, target: change.target, origin: 'human', state: change.state, ...sender };
    return { ...segment, suggestions: [...(segment.suggestions ?? []), proposal] };
  };
  const file = updateSegments(target.current, (segment) => {
    const change = changes.get(segment.id);
    if (change === undefined) return segment;
    const offered = (segment.suggestions ?? []).some((suggestion) => suggestion.target === change.target);
    if (change.state === 'initial') {
      // A draft: it fills an open segment as a draft, and never pushes a translation aside;
      // next to one it waits as a proposal. An offer sent back untouched is no news.
      if (segment.target === change.target || (offered && isOpen(segment))) {
        unchanged += 1;
        return segment;
      }
      if (!isOpen(segment)) return propose(segment, change);
      imported += 1;
      return { ...withoutReviewer(withSuggestionOf(segment, segment.target, 'initial')), target: change.target, state: 'initial', origin: 'human' };
    }
    const sameText = segment.target === change.target;
    if (sameText && (segment.state === change.state || stateRank(change.state) < stateRank(segment.state))) {
      unchanged += 1;
      return segment;
    }
    const byReviewer = options.reviewed === true && isHumanApproved(change.state) && stateRank(change.state) >= stateRank(segment.state);
    if (!sameText && isHumanApproved(segment.state) && !isOpen(segment) && !byReviewer) {
      // A reviewed translation is only changed by a reviewer; the other text waits beside it.
      return propose(segment, change);
    }
    imported += 1;
    // A translator who changed the text made it theirs; one who only confirmed keeps its origin.
    const origin = sameText ? (segment.origin ?? 'human') : 'human';
    // A person's text pushed aside by another (two translators, or an older export sent back
    // late) stays beside the new one: which is right is for a reviewer to say (DESIGN §8.7).
    // A reviewer's file has said it.
    const kept = !sameText && !byReviewer && segment.origin === 'human' ? withSuggestionOf(segment, segment.target, segment.state) : segment;
    // A reviewer named by the review page vouched for the text it saw, not for another one.
    const vouched = sameText ? kept : withoutReviewer(kept);
    return withoutProposalOf({ ...vouched, target: change.target, state: change.state, origin }, change.target);
  });
  return { file, imported, unchanged, proposals, waiting, sourceCopies };
}

/**
 * The translations as their sender vouches for them: a reviewer's file (`--reviewed`) makes
 * every translation in it reviewed, but for those the file itself still marks for review
 * (XLIFF 1.2 `needs-review-*`; PO `fuzzy` entries are drafts); otherwise the file's states
 * stand (a tool that keeps no states gives `translated`, see the readers).
 */
function asSent(translations: readonly ImportedTranslation[], reviewed: boolean): readonly ImportedTranslation[] {
  if (!reviewed) return translations;
  return translations.map((translation) => (translation.state === 'translated' && translation.needsReview !== true ? { ...translation, state: 'reviewed' } : translation));
}

/** `segment` with `text` (a person's, same source, in `state`) offered beside the target it is about to get, once. */
function withSuggestionOf(segment: StoreSegment, text: string | undefined, state: TranslationState): StoreSegment {
  if (text === undefined || text === '' || (segment.suggestions ?? []).some((item) => item.target === text)) return segment;
  return { ...segment, suggestions: [...(segment.suggestions ?? []), { kind: 'previous', source: segment.source, target: text, origin: 'human', state }] };
}

/** `segment` with no `suggestions` key at all (an empty list is not written either way). */
function withoutSuggestions({ suggestions: _suggestions, ...segment }: StoreSegment): StoreSegment {
  return segment;
}

/** `segment` without the proposal of `text`, which it has just accepted as its target. */
function withoutProposalOf(segment: StoreSegment, text: string): StoreSegment {
  const suggestions = (segment.suggestions ?? []).filter((item) => item.kind !== 'proposal' || item.target !== text);
  if (suggestions.length === (segment.suggestions ?? []).length) return segment;
  return suggestions.length === 0 ? withoutSuggestions(segment) : { ...segment, suggestions };
}

/**
 * A TMX file joins the project memory (`memoryImportDir`); open segments matching it exactly are filled.
 * A memory may hold several target languages (CAT tools export one multilingual TMX): each
 * language the project translates into (or `--to` names) is used; a file with none of them
 * is refused like any file for another language. (Fix: the file used to be refused unless it
 * held exactly one target language, so multilingual memories could not be imported at all.)
 */
async function importTmx(project: Project, absolute: string, display: string, imported: TmxFile, options: { languages?: readonly string[]; signal?: AbortSignal }): Promise<ImportReport> {
  const targets = options.languages ?? project.config.targetLanguages;
  const found = [...new Set(imported.translations.map((translation) => translation.targetLanguage))];
  const languages = targets.filter((code) => found.some((tag) => languageMatches(tag, code)));
  if (languages.length === 0) {
    const said = found.join(', ') || '(none)';
    throw new InputError('import_wrong_language', `${display} is for ${said}`, { file: display, line: 1, data: { found: said, expected: targets.join(', ') } });
  }
  const copy = await copyToMemory(project, absolute);
  const workspace = await loadWorkspace(project, languages);
  let count = 0;
  const into: string[] = [displayPath(project, copy)];
  for (const lang of languages) {
    const bySource = new Map<string, ImportedTranslation>();
    for (const translation of imported.translations) {
      if (translation.target !== '' && languageMatches(translation.targetLanguage, lang) && !bySource.has(translation.source)) bySource.set(translation.source, translation);
    }
    for (const target of workspace.files.filter((file) => file.lang === lang)) {
      options.signal?.throwIfAborted();
      if (!target.exists) continue;
      const fill = (current: WorkspaceFile): { file: SegmentFile; changed: number } => {
        let changed = 0;
        const file = updateSegments(current.current, (segment) => {
          const match = bySource.get(segment.source);
          if (match === undefined || !isOpen(segment) || 'problem' in readTarget(segment.source, match.target)) return segment;
          changed += 1;
          return filled(segment, { target: match.target, origin: 'tm:exact' });
        });
        return { file, changed };
      };
      let changed: number;
      try {
        ({ changed } = await writeChanged(project, target, fill, (applied) => applied.changed > 0));
      } catch (error) {
        // The memory is in place and some segment files may be filled already: say so, not
        // "nothing was imported". Importing the file again fills the rest (filled ones are not open).
        if (!(error instanceof HansaError) || error.code === 'interrupted') throw error;
        throw new InputError('import_partial', `${target.display}: ${error.message}`, {
          file: error.file ?? target.display,
          ...(error.line === undefined ? {} : { line: error.line }),
          cause: error,
          data: { reason: error.message, ...(error.data['errno'] === undefined ? {} : { errno: error.data['errno'] }), file: display, files: into.length - 1, segments: count, memory: displayPath(project, copy) },
        });
      }
      if (changed > 0) {
        into.push(target.display);
        count += changed;
      }
    }
  }
  return { file: display, format: 'tmx', lang: languages.join(','), into, imported: count, unchanged: 0, keptReviewed: 0, proposals: 0, waiting: 0, sourceCopies: 0 };
}

/**
 * Copy a TMX file into the import folder (`memoryImportDir`: `memory.importDir`, which the
 * config guarantees `memory.files` covers), atomically, as `<name>.tmx`, so later runs read it.
 * A file `memory.files` already covers stays where it is. A different memory already there
 * under the same name is kept and the new one gets `-2`, `-3` … (Fix: the copy used to replace
 * it, so a second translator's `pl-en.tmx` silently erased the first one's memory; and the
 * folder was guessed from the first glob's first segment, so `["tm.tmx"]` made a folder `tm.tmx`.)
 */
async function copyToMemory(project: Project, absolute: string): Promise<string> {
  const relative = path.relative(project.cwd, path.resolve(absolute)).split(path.sep).join('/');
  if (!relative.startsWith('../') && !path.isAbsolute(relative) && globMatcher(project.config.memory.files)(relative)) return absolute;
  const folder = memoryImportDir(project.config.memory);
  if (!coversImports(project.config.memory.files, folder)) {
    // Copied where no later run reads it, the memory would be lost without a word.
    throw new InputError('config_invalid', `memory.files does not cover ${folder}/, where imported TMX files go`, {
      data: { key: 'memory.files', expected: `globs covering ${folder}/ (add "${folder}/**/*.tmx"), or memory.importDir set to a folder they cover` },
    });
  }
  const memoryDir = path.resolve(project.cwd, folder);
  await mkdir(memoryDir, { recursive: true });
  const bytes = await readFile(absolute);
  // `.TMX` too: `memory.files` globs are case-sensitive.
  const extension = '.tmx';
  const stem = path.basename(absolute, path.extname(absolute));
  for (let n = 1; ; n += 1) {
    const copy = path.join(memoryDir, `${stem}${n === 1 ? '' : `-${n}`}${extension}`);
    const existing = await readFile(copy).catch(() => undefined);
    if (existing !== undefined && existing.equals(bytes)) return copy;
    if (existing !== undefined) continue;
    await copyFile(absolute, `${copy}.hansa-tmp`);
    await rename(`${copy}.hansa-tmp`, copy);
    return copy;
  }
}


