import path from 'node:path';
import { listFiles } from '../files/index.js';
import { compileTerms, type CompileOptions } from './compile.js';
import { readGlossaryFile } from './formats.js';
import { TermIndex } from './match.js';
import type { FoldOptions } from './text.js';
import type { Glossary } from './types.js';

/**
 * Read every glossary file matching `globs` below `cwd` (or the `files` given) into one
 * glossary. Entries keep their origin; ids are prefixed with the file name so two files
 * cannot clash.
 */
export async function loadGlossaries(
  cwd: string,
  options: { globs?: readonly string[]; files?: readonly string[]; sourceLanguage: string },
): Promise<Glossary> {
  const files = options.files ?? (await listFiles(cwd, options.globs ?? ['glossary/**/*.{csv,tbx}']));
  const languages: string[] = [options.sourceLanguage];
  const entries: Glossary['entries'][number][] = [];
  for (const file of files) {
    const glossary = await readGlossaryFile(path.resolve(cwd, file), { sourceLanguage: options.sourceLanguage, displayPath: file });
    for (const lang of glossary.languages) if (!languages.includes(lang)) languages.push(lang);
    const prefix = files.length > 1 ? `${path.basename(file)}#` : '';
    for (const entry of glossary.entries) entries.push(prefix === '' ? entry : { ...entry, id: `${prefix}${entry.id}` });
  }
  return { languages, entries };
}

/** A term index of `lang` over a glossary, compiled (and cached in `cacheDir`; see `CompileOptions`). */
export async function createTermIndex(glossary: Glossary, lang: string, options: FoldOptions & Pick<CompileOptions, 'cacheDir' | 'onCacheDamaged'> = {}): Promise<TermIndex> {
  const terms = await compileTerms(glossary, lang, { cacheDir: options.cacheDir, onCacheDamaged: options.onCacheDamaged });
  return new TermIndex(terms, options);
}
