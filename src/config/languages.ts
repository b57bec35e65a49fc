const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** A language code ICU knows a name for (`sv`, `nb`, `en-GB`); `xx` and `english` are not. */
export function isKnownLanguage(code: string): boolean {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(code)) return false;
  try {
    const [canonical] = Intl.getCanonicalLocales(code);
    return canonical !== undefined && names.of(canonical) !== canonical;
  } catch {
    return false;
  }
}

/** English name of a language, for messages. */
export function languageName(code: string): string {
  return names.of(code) ?? code;
}

/** A known language code in its canonical form (`EN-gb` → `en-GB`), or undefined. */
export function canonicalLanguage(raw: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(raw);
    return canonical !== undefined && isKnownLanguage(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}
