/**
 * `hansa import` and `hansa export`: translators' files in and out.
 *
 * Import is all-or-nothing per file: the file is read and every translation in it matched
 * against the project before anything is written; one unknown segment, a file for another
 * document or language, or a target whose codes do not match rejects the whole file.
 * A `reviewed` or `final` translation in the project is never replaced by an import
 * (DESIGN §8.1); such differences are reported, not applied.
 */
import path from 'node:path';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { InputError } from '../errors/index.js';
import { decodeUtf8, writeFileAtomic } from '../files/index.js';
import { readTarget } from '../markdown/index.js';
import { readPo, writePo } from '../formats/po.js';
import { languageMatches, readTmx, tmxEntriesOf, writeTmx, type TmxFile } from '../formats/tmx.js';
import { readXliff12, writeXliff12 } from '../formats/xliff12.js';
import { readXliff2Import, writeXliff2 } from '../formats/xliff2.js';
import { isHumanApproved, segmentsOf, stateRank, type ImportedFile, type ImportedTranslation, type SegmentFile, type StoreSegment } from '../formats/types.js';
import { displayPath, type Project } from './project.js';
import { filled, isOpen, updateSegments } from './store.js';
import { retireSegments } from './retired.js';
import { loadWorkspace, type WorkspaceFile } from './workspace.js';

export type ExportFormat = 'xliff2' | 'xliff12' | 'po' | 'tmx';

const extensions: Readonly<Record<Exclude<ExportFormat, 'tmx'>, string>> = { xliff2: '.xlf', xliff12: '.xliff', po: '.po' };

/** Write the segment files of `languages` in `format` below `outDir`; returns the paths written. */
export async function exportProject(project: Project, options: { format: ExportFormat; languages: readonly string[]; outDir: string }): Promise<string[]> {
  const workspace = await loadWorkspace(project, options.languages);
  if (workspace.errors.length > 0) {
    const first = workspace.errors[0];
    throw new InputError('segment_file_invalid', first?.message ?? 'invalid input', { ...(first?.file === undefined ? {} : { file: first.file }), ...(first?.line === undefined ? {} : { line: first.line }), data: { reason: first?.message ?? '' } });
  }
  const out = path.resolve(project.cwd, options.outDir);
  const written: string[] = [];
  for (const lang of options.languages) {
    const files = workspace.files.filter((file) => file.lang === lang);
    if (options.format === 'tmx') {
      const target = path.join(out, `${project.config.sourceLanguage}-${lang}.tmx`);
      await writeFileAtomic(target, writeTmx(tmxEntriesOf(files.map((file) => file.current)), { sourceLanguage: project.config.sourceLanguage }));
      written.push(displayPath(project, target));
      continue;
    }
    const write = options.format === 'xliff2' ? writeXliff2 : options.format === 'xliff12' ? writeXliff12 : writePo;
    for (const file of files) {
      const target = path.join(out, lang, file.file.replace(/\.(md|markdown|mdx?)$/i, '') + extensions[options.format]);
      await writeFileAtomic(target, write(file.current));
      written.push(displayPath(project, target));
    }
  }
  return written;
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
  /** Differences refused because the project's translation is reviewed or final. */
  readonly keptReviewed: number;
}

/** Import translators' files; each either goes in whole or not at all (its error is thrown). */
export async function importFile(project: Project, file: string, options: { languages?: readonly string[] } = {}): Promise<ImportReport> {
  const absolute = path.resolve(project.cwd, file);
  const display = displayPath(project, absolute);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw new InputError('file_unreadable', `cannot read ${display}`, { file: display, cause: error, data: { reason: (error as Error).message } });
  }
  const text = decodeUtf8(bytes, display);
  if (path.extname(display).toLowerCase() === '.tmx') {
    return importTmx(project, absolute, display, readTmx(text, display, { sourceLanguage: project.config.sourceLanguage }), options);
  }
  const imported = readImported(text, display);
  const lang = languageOf(imported, display, project, options.languages);
  const workspace = await loadWorkspace(project, [lang]);
  const original = imported.original;
  const target = workspace.files.find((item) => item.sourcePath === original || item.file === original);
  if (target === undefined) {
    throw new InputError('import_wrong_document', `${display} is for ${original ?? '(no document)'}`, { file: display, line: 1, data: { found: original ?? '(none)', expected: workspace.files.map((item) => item.sourcePath).join(', ') || '(no documents)' } });
  }
  const bad = workspace.errors.find((error) => error.file === target.display);
  if (bad !== undefined) throw new InputError('segment_file_invalid', bad.message, { file: bad.file, ...(bad.line === undefined ? {} : { line: bad.line }), data: { reason: bad.message } });
  const { file: updated, imported: count, unchanged, keptReviewed } = applyTranslations(target, imported.translations, display);
  if (count > 0) {
    // The file written is reconciled with the current source: translations whose source the
    // author removed since the last extract must reach the memory first, or they are lost.
    await retireSegments(project, lang, target.retired);
    await writeFileAtomic(target.absolute, writeXliff2(updated));
  }
  return { file: display, format: imported.format, lang, into: [target.display], imported: count, unchanged, keptReviewed };
}

function readImported(text: string, display: string): ImportedFile {
  const extension = path.extname(display).toLowerCase();
  if (extension === '.po' || extension === '.pot') return readPo(text, display);
  if (/<xliff\b[^>]*\bversion\s*=\s*["']1\.[0-2]["']/.test(text.slice(0, 2000))) return readXliff12(text, display);
  return readXliff2Import(text, display);
}

/** The target language a file is for: it must say one, and the project must translate into it. */
function languageOf(imported: ImportedFile, display: string, project: Project, wanted: readonly string[] | undefined): string {
  const said = imported.targetLanguage;
  const targets = wanted ?? project.config.targetLanguages;
  const lang = said === undefined ? undefined : targets.find((code) => code.toLowerCase() === said.toLowerCase() || said.toLowerCase().startsWith(`${code.toLowerCase()}-`));
  if (lang === undefined) {
    throw new InputError('import_wrong_language', `${display} is for ${said ?? '(no language)'}`, { file: display, line: 1, data: { found: said ?? '(none)', expected: targets.join(', ') } });
  }
  if (imported.sourceLanguage !== undefined && imported.sourceLanguage.toLowerCase().split('-')[0] !== project.config.sourceLanguage.toLowerCase()) {
    throw new InputError('import_wrong_language', `${display} translates from ${imported.sourceLanguage}`, { file: display, line: 1, data: { found: imported.sourceLanguage, expected: project.config.sourceLanguage } });
  }
  return lang;
}

/** Apply translations to a segment file, or throw without changing anything. */
export function applyTranslations(
  target: WorkspaceFile,
  translations: readonly ImportedTranslation[],
  display: string,
): { file: SegmentFile; imported: number; unchanged: number; keptReviewed: number } {
  const byId = new Map<string, StoreSegment>(segmentsOf(target.current).map((segment) => [segment.id, segment]));
  const changes = new Map<string, ImportedTranslation>();
  for (const translation of translations) {
    const segment = translation.id === undefined ? undefined : byId.get(translation.id);
    if (segment !== undefined && segment.source !== translation.source) {
      throw new InputError('import_invalid', `segment ${segment.id}: stale source`, { file: display, line: translation.line, data: { reason: `segment ${segment.id} was translated from an older source text; export the file again` } });
    }
    if (segment === undefined) {
      throw new InputError('import_unknown_segment', `segment ${translation.id ?? '(no id)'} is not in ${target.sourcePath}`, { file: display, line: translation.line, data: { id: translation.id ?? '(no id)', document: target.sourcePath } });
    }
    // An empty target says nothing; an `initial` one is a draft (or an offer left as it was).
    if (translation.target === '') continue;
    const read = readTarget(segment.source, translation.target);
    if ('problem' in read) {
      throw new InputError('import_invalid', `segment ${segment.id}: codes do not match the source`, { file: display, line: translation.line, data: { reason: `segment ${segment.id}: the target's inline codes do not match the source (${read.problem.code})` } });
    }
    changes.set(segment.id, translation);
  }
  let imported = 0;
  let unchanged = 0;
  let keptReviewed = 0;
  const file = updateSegments(target.current, (segment) => {
    const change = changes.get(segment.id);
    if (change === undefined) return segment;
    const offered = (segment.suggestions ?? []).some((suggestion) => suggestion.target === change.target);
    if (change.state === 'initial') {
      // A draft: it fills an open segment as a draft, and never pushes a translation aside;
      // next to one it stays as a suggestion. An offer sent back untouched is no news.
      if (segment.target === change.target || (offered && isOpen(segment))) {
        unchanged += 1;
        return segment;
      }
      imported += 1;
      if (isOpen(segment)) return { ...withSuggestionOf(segment, segment.target), target: change.target, state: 'initial', origin: 'human' };
      return withSuggestionOf(segment, change.target);
    }
    const sameText = segment.target === change.target;
    if (sameText && (segment.state === change.state || stateRank(change.state) < stateRank(segment.state))) {
      unchanged += 1;
      return segment;
    }
    if (isHumanApproved(segment.state) && !isOpen(segment) && (!sameText || stateRank(change.state) < stateRank(segment.state))) {
      // A reviewed translation is only ever changed in the segment file itself; the other
      // text is not lost: it waits beside it as a suggestion for the reviewer.
      keptReviewed += 1;
      return sameText ? segment : withSuggestionOf(segment, change.target);
    }
    imported += 1;
    // A translator who changed the text made it theirs; one who only confirmed keeps its origin.
    const origin = sameText ? (segment.origin ?? 'human') : 'human';
    return { ...segment, target: change.target, state: change.state, origin };
  });
  return { file, imported, unchanged, keptReviewed };
}

/** `segment` with `text` offered beside its target (a person's, same source), once. */
function withSuggestionOf(segment: StoreSegment, text: string | undefined): StoreSegment {
  if (text === undefined || text === '' || text === segment.target || (segment.suggestions ?? []).some((item) => item.target === text)) return segment;
  return { ...segment, suggestions: [...(segment.suggestions ?? []), { kind: 'previous', source: segment.source, target: text, origin: 'human', state: 'initial' }] };
}

/**
 * A TMX file joins the project memory (`memory/`); open segments matching it exactly are filled.
 * A memory may hold several target languages (CAT tools export one multilingual TMX): each
 * language the project translates into (or `--to` names) is used; a file with none of them
 * is refused like any file for another language. (Fix: the file used to be refused unless it
 * held exactly one target language, so multilingual memories could not be imported at all.)
 */
async function importTmx(project: Project, absolute: string, display: string, imported: TmxFile, options: { languages?: readonly string[] }): Promise<ImportReport> {
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
      if (!target.exists) continue;
      let changed = 0;
      const updated = updateSegments(target.current, (segment) => {
        const match = bySource.get(segment.source);
        if (match === undefined || !isOpen(segment) || 'problem' in readTarget(segment.source, match.target)) return segment;
        changed += 1;
        return filled(segment, { target: match.target, origin: 'tm:exact' });
      });
      if (changed > 0) {
        // As in importFile: translations of removed sources go to the memory, not to the bin.
        await retireSegments(project, lang, target.retired);
        await writeFileAtomic(target.absolute, writeXliff2(updated));
        into.push(target.display);
        count += changed;
      }
    }
  }
  return { file: display, format: 'tmx', lang: languages.join(','), into, imported: count, unchanged: 0, keptReviewed: 0 };
}

/**
 * Copy a TMX file into the memory folder, atomically. A different memory already there under
 * the same name is kept and the new one gets `-2`, `-3` … (Fix: the copy used to replace it,
 * so a second translator's `pl-en.tmx` silently erased the first one's memory.)
 */
async function copyToMemory(project: Project, absolute: string): Promise<string> {
  const memoryDir = path.resolve(project.cwd, project.config.memory.files[0]?.split('/')[0] ?? 'memory');
  if (path.dirname(path.resolve(absolute)) === memoryDir) return absolute;
  await mkdir(memoryDir, { recursive: true });
  const bytes = await readFile(absolute);
  const extension = path.extname(absolute);
  const stem = path.basename(absolute, extension);
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


