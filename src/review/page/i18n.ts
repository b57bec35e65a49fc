/**
 * The page's words, in English and Polish, through i18next (as Hansa's CLI does).
 *
 * 1. Both catalogues are bundled (`locales/<lang>/review.json`), so switching language is
 *    instant and needs no request.
 * 2. The session's `uiLanguage` is the default; the switch in the header overrides it and is
 *    remembered in `localStorage` for this browser.
 * 3. Numbers, percentages and language names come from `Intl` in the interface's language.
 */
import i18next from 'i18next';
import en from '../../../locales/en/review.json' with { type: 'json' };
import pl from '../../../locales/pl/review.json' with { type: 'json' };

/** The interface languages the page has words for. */
export type UiLanguage = 'en' | 'pl';

/** The interface languages, in the switch's order. */
export const uiLanguages: readonly UiLanguage[] = ['en', 'pl'];

const storageKey = 'hansa.review.uiLanguage';

/** Start i18next in the remembered language, else `fallback` (the session's). */
export function initI18n(fallback: UiLanguage): UiLanguage {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(storageKey);
  } catch {
    // Storage may be off; the session's language then holds.
  }
  const lng = stored === 'en' || stored === 'pl' ? stored : fallback;
  void i18next.init({
    lng,
    fallbackLng: 'en',
    initAsync: false,
    resources: { en: { translation: en }, pl: { translation: pl } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = lng;
  return lng;
}

/** Switch the interface language and remember it. */
export function setUiLanguage(lng: UiLanguage): void {
  void i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(storageKey, lng);
  } catch {
    // Not remembered; the switch still applies to this page.
  }
}

let source = 'pl';

/** Set the project's source language (the session's), for the `lang` of source texts. */
export function setSourceLanguage(lang: string): void {
  source = lang;
}

/** The project's source language, for the `lang` attribute of source texts. */
export function sourceLanguage(): string {
  return source;
}

/** The current interface language. */
export function uiLanguage(): UiLanguage {
  return i18next.language === 'pl' ? 'pl' : 'en';
}

// Rendering 1,000 segments asks for the same few texts thousands of times: remember them
// (and the Intl formatters) until the language changes.
const texts = new Map<string, string>();
let numbers: Intl.NumberFormat | undefined;
let percents: Intl.NumberFormat | undefined;
let names: Intl.DisplayNames | undefined;
i18next.on('languageChanged', () => {
  texts.clear();
  numbers = percents = names = undefined;
});

/** A text by key, with values to interpolate (`count` picks the plural form). */
export function t(key: string, values?: Readonly<Record<string, string | number>>): string {
  const cacheKey = values ? `${key}\u0000${JSON.stringify(values)}` : key;
  let text = texts.get(cacheKey);
  if (text === undefined) {
    text = i18next.t(key, values ?? {});
    if (texts.size > 10000) texts.clear();
    texts.set(cacheKey, text);
  }
  return text;
}

/** A number in the interface's language. */
export function formatNumber(value: number): string {
  numbers ??= new Intl.NumberFormat(uiLanguage());
  return numbers.format(value);
}

/** A share 0–1 as a whole percentage in the interface's language. */
export function formatPercent(share: number): string {
  percents ??= new Intl.NumberFormat(uiLanguage(), { style: 'percent', maximumFractionDigits: 0 });
  return percents.format(share);
}

/** A language's name in the interface's language (`sv` → `Swedish` / `szwedzki`), else its code. */
export function languageName(code: string): string {
  try {
    names ??= new Intl.DisplayNames([uiLanguage()], { type: 'language' });
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
