import { describe, expect, it } from 'vitest';
import { defaultConfig, isKnownLanguage, parseConfig } from '../../src/config/index.js';
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

  it('reports broken JSON with its line', () => {
    expect(problem('{\n  "sourceLanguage": "pl",\n}').line).toBe(3);
  });

  it('knows the languages ICU knows', () => {
    for (const code of ['pl', 'en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'en-GB']) expect(isKnownLanguage(code)).toBe(true);
    for (const code of ['xx', 'english', 'EN', '', 'q']) expect(isKnownLanguage(code)).toBe(false);
  });
});
