import { describe, expect, it } from 'vitest';
import { defaultConfig, isKnownLanguage, memoryImportDir, parseConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors/index.js';

function problem(text: string): { message: string; line: number | undefined; data: unknown } {
  try {
    parseConfig(text, 'hansa.config.json');
  } catch (error) {
    if (error instanceof InputError) return { message: error.message, line: error.line, data: error.data };
    throw error;
  }
  throw new Error('expected a problem');
}

describe('config', () => {
  it('has the defaults of DESIGN §2', () => {
    expect(defaultConfig()).toMatchObject({
      sourceLanguage: 'pl',
      targetLanguages: ['en', 'sv'],
      contentDir: 'content/{lang}',
      providers: ['memory'],
      frontmatter: { translatable: ['title', 'description', 'summary', 'tags'] },
    });
  });

  it('names an unknown key, its line and the known keys', () => {
    expect(problem('{\n  "outdir": "x"\n}')).toMatchObject({ line: 2, data: { key: 'outdir', expected: expect.stringContaining('outDir') } });
  });

  it('names a nested unknown key', () => {
    expect(problem('{\n  "feed": {\n    "titel": "x"\n  }\n}')).toMatchObject({ line: 3, data: { key: 'feed.titel' } });
  });

  it('names a value of the wrong type', () => {
    expect(problem('{ "workers": 0 }').data).toMatchObject({ key: 'workers' });
    expect(problem('{ "providers": ["deepl-pro"] }').data).toMatchObject({ key: 'providers.0' });
  });

  it('refuses a length ratio whose min is above its max', () => {
    expect(problem('{\n  "qa": {\n    "lengthRatio": { "min": 2, "max": 0.5 }\n  }\n}')).toMatchObject({
      message: 'qa.lengthRatio: qa.lengthRatio.min no greater than qa.lengthRatio.max (got min 2, max 0.5)',
      line: 3,
      data: { key: 'qa.lengthRatio' },
    });
    expect(parseConfig('{ "qa": { "lengthRatio": { "min": 1, "max": 1 } } }', 'hansa.config.json').qa.lengthRatio).toEqual({ min: 1, max: 1 });
  });

  it('puts imported memories where memory.files reads them', () => {
    const files = (...globs: string[]) => ({ files: globs });
    expect(memoryImportDir(defaultConfig().memory)).toBe('memory');
    expect(memoryImportDir(files('tm/**/*.tmx'))).toBe('tm');
    expect(memoryImportDir(files('tm.tmx', 'shared/tm/*.tmx'))).toBe('shared/tm');
    expect(memoryImportDir(files('tm.tmx', 'memory/**/*.tmx'))).toBe('memory');
    expect(memoryImportDir({ files: ['**/*.tmx'], importDir: 'imports/' })).toBe('imports');
    expect(parseConfig('{ "memory": { "files": ["tm.tmx", "memory/*.tmx"] } }', 'hansa.config.json').memory.files).toEqual(['tm.tmx', 'memory/*.tmx']);
  });

  it('refuses an import folder memory.files does not cover, and one outside the project', () => {
    // One fixed memory file and no import folder is a valid project: the import refuses (exchange tests).
    expect(parseConfig('{ "memory": { "files": ["tm.tmx"] } }', 'hansa.config.json').memory.files).toEqual(['tm.tmx']);
    expect(problem('{ "memory": { "importDir": "imports" } }').data).toMatchObject({ key: 'memory.importDir', expected: expect.stringContaining('add "imports/**/*.tmx" to memory.files') });
    for (const folder of ['../tm', '/srv/tm', 'tm/*', '.', 'a//b', 'a\\b']) {
      expect(problem(JSON.stringify({ memory: { files: ['**/*.tmx'], importDir: folder } })).data, folder).toMatchObject({ key: 'memory.importDir', expected: expect.stringContaining('a folder below the project') });
    }
  });

  it('reports broken JSON with its line', () => {
    expect(problem('{\n  "sourceLanguage": "pl",\n}').line).toBe(3);
  });

  it('knows the languages ICU knows', () => {
    for (const code of ['pl', 'en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'en-GB']) expect(isKnownLanguage(code)).toBe(true);
    for (const code of ['xx', 'english', 'EN', '', 'q']) expect(isKnownLanguage(code)).toBe(false);
  });
});
