/**
 * `translations/<lang>/retired.tmx`: translations whose source disappeared (DESIGN §8.1: to
 * the memory, not to the bin). Every rewrite of a segment file adds what left it.
 */
import path from 'node:path';
import { writeFileAtomic } from '../files/index.js';
import { readTextFile } from '../files/text.js';
import { HansaError } from '../errors/index.js';
import { hasNonXmlCharacters } from '../xml/index.js';
import { readTmx, writeTmx, type TmxEntry } from '../formats/tmx.js';
import type { StoreSegment } from '../formats/types.js';
import { isRetiredProposal } from './store.js';
import { displayPath, type Project } from './project.js';

/** Where translations whose source disappeared are kept, per language. */
export function retiredPath(project: Project, lang: string): string {
  return path.resolve(project.cwd, project.config.translationsDir, lang, 'retired.tmx');
}


/**
 * Add translations whose source is gone to `translations/<lang>/retired.tmx` (DESIGN §8.1),
 * whenever a segment file is rewritten (extract, translate, import): reconciled with the current source, so without this a paragraph the author deleted
 * since the last extract would lose its (reviewed) translation. Same entries, same order as
 * the translate pipeline writes them, so a later run finds nothing new to add.
 */
export async function retireSegments(project: Project, lang: string, segments: readonly StoreSegment[]): Promise<void> {
  // A draft (`initial`) is nobody's translation yet: it is not kept as memory. A retired
  // proposal is a person's text, kept as the draft it is (the memory skips drafts; DESIGN §8.7).
  const leaving = segments.filter((segment) => segment.target !== undefined && segment.target !== '' && (segment.state !== 'initial' || isRetiredProposal(segment)));
  if (leaving.length === 0) return;
  const { config } = project;
  const file = retiredPath(project, lang);
  const display = displayPath(project, file);
  // Translators may edit this file too: decoded strictly, or it would be rewritten with U+FFFD.
  const text = await readTextFile(file, display, { kind: 'xml' }).catch((error: unknown) => {
    if (error instanceof HansaError) throw error;
    return undefined;
  });
  const earlier = text === undefined ? [] : readTmx(text, display, { sourceLanguage: config.sourceLanguage, targetLanguage: lang }).translations;
  const entries: TmxEntry[] = earlier.map((entry) => ({ source: entry.source, target: entry.target, sourceLanguage: config.sourceLanguage, targetLanguage: lang, ...(entry.origin === undefined ? {} : { origin: entry.origin }), state: entry.state }));
  const seen = new Set(entries.map((entry) => `${entry.source}\u0000${entry.target}`));
  let added = 0;
  for (const segment of leaving) {
    const key = `${segment.source}\u0000${segment.target ?? ''}`;
    // TMX has no escape for characters XML forbids (XLIFF 2 has `<cp>`), and `writeTmx` refuses
    // them: a translation holding one is left out, or no retired translation could be kept.
    if (seen.has(key) || hasNonXmlCharacters(segment.source) || hasNonXmlCharacters(segment.target ?? '')) continue;
    seen.add(key);
    added += 1;
    entries.push({ id: segment.id, source: segment.source, target: segment.target ?? '', sourceLanguage: config.sourceLanguage, targetLanguage: lang, origin: segment.origin ?? 'human', state: segment.state, codes: segment.codes });
  }
  if (added > 0) await writeFileAtomic(file, writeTmx(entries));
}
