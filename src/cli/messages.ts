/**
 * Hansa's own messages, through i18next: `locales/<en|pl>/cli.json`.
 * The language comes from `--ui-lang`, else `LANG`/`LC_ALL`/`LC_MESSAGES`, else English.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';

/**
 * Hansa's own `locales/` folder (as `bundledLocales` in pipeline/tags.ts, which is not
 * imported for it: that module brings zod, and `--help` and `--version` must start fast).
 */
const bundledLocales = fileURLToPath(new URL('../../../locales/', import.meta.url));

/** Interface languages Hansa speaks. */
export const uiLanguages = ['en', 'pl'] as const;
export type UiLanguage = (typeof uiLanguages)[number];

/** Pick the interface language from a flag value and the environment. */
export function pickUiLanguage(flag: string | undefined, env: NodeJS.ProcessEnv): UiLanguage {
  const candidates = [flag, env['LC_ALL'], env['LC_MESSAGES'], env['LANG']];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const code = candidate.slice(0, 2).toLowerCase();
    if ((uiLanguages as readonly string[]).includes(code)) return code as UiLanguage;
    if (candidate === flag) return 'en';
  }
  return 'en';
}

/** A translation function for the interface language. */
export function loadMessages(lang: UiLanguage): TFunction {
  const instance = i18next.createInstance();
  const resources: Record<string, { cli: Record<string, unknown> }> = {};
  for (const code of uiLanguages) {
    resources[code] = { cli: JSON.parse(readFileSync(path.join(bundledLocales, code, 'cli.json'), 'utf8')) as Record<string, unknown> };
  }
  void instance.init({
    lng: lang,
    fallbackLng: 'en',
    ns: ['cli'],
    defaultNS: 'cli',
    resources,
    initAsync: false,
    interpolation: { escapeValue: false },
  });
  return instance.t;
}
