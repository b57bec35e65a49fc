/**
 * Article chrome and tags come from i18next resources (`locales/<lang>/content.json`),
 * not from a machine: a category name is translated once, by people, for every site.
 * The project's own `locales/` wins over the ones bundled with Hansa.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';
import { z } from 'zod';
import { HansaError, InputError } from '../errors/index.js';
import { readTextFile } from '../files/text.js';

const contentSchema = z.object({ tags: z.record(z.string(), z.string()).default({}), chrome: z.record(z.string(), z.string()).default({}) }).loose();

/** Hansa's own `locales/` folder. */
export const bundledLocales = fileURLToPath(new URL('../../../locales/', import.meta.url));

/** Looks up tag translations. */
export interface TagTranslator {
  /** The translation of a tag, or undefined when no resource has it. */
  translate(tag: string, lang: string): string | undefined;
}

/** Load `content.json` of every language from the project's and Hansa's `locales/`. */
export async function loadTagTranslator(projectDir: string, languages: readonly string[]): Promise<TagTranslator> {
  const instance: i18n = i18next.createInstance();
  await instance.init({ resources: {}, keySeparator: false, nsSeparator: false, initAsync: false, returnNull: false });
  for (const lang of languages) {
    for (const dir of [bundledLocales, path.join(projectDir, 'locales')]) {
      const file = path.join(dir, lang, 'content.json');
      const relative = path.relative(projectDir, file);
      const shown = relative.startsWith('..') ? file : relative.split(path.sep).join('/');
      let text: string;
      try {
        // People edit these: decoded strictly, a wrong encoding is refused at its line.
        text = await readTextFile(file, shown, { kind: 'plain' });
      } catch (error) {
        if (error instanceof HansaError) throw error;
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new InputError('file_unreadable', `invalid JSON in ${shown}`, { file: shown, data: { reason: (error as Error).message } });
      }
      const parsed = contentSchema.safeParse(json);
      if (!parsed.success) {
        const reason = `${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
        throw new InputError('file_unreadable', `invalid resources in ${shown}`, { file: shown, data: { reason } });
      }
      instance.addResourceBundle(lang, 'tags', parsed.data.tags, true, true);
    }
  }
  return {
    translate(tag: string, lang: string): string | undefined {
      return instance.exists(tag, { lng: lang, ns: 'tags' }) ? instance.t(tag, { lng: lang, ns: 'tags' }) : undefined;
    },
  };
}
