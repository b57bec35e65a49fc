/**
 * `libretranslate`: a self-hosted LibreTranslate server, `POST /translate`.
 *
 * 1. Segments go as HTML (`format: 'html'`), so `<pc>`/`<ph>` codes come back in place;
 *    the answer is brought back to tagged text: `&amp;`/`&lt;`/`&gt;` stay, other entities
 *    (`&#39;`, `&quot;` …) become characters, bare `&`/`<`/`>` are escaped again.
 * 2. Argos has only `pl→en` directly: `GET /languages` is read once, and a target that Polish
 *    does not list but English does is reached through English (`pl→en→xx`, origin
 *    `mt:libretranslate:pivot-en`); the English answers are kept for the run, so a retry
 *    after the second leg failed asks only the second leg.
 * 3. The key (optional) travels only in the JSON body, as the API requires; never in a URL,
 *    a log or an error.
 * 4. Answers are checked with zod: a response with a different number of texts, or not
 *    JSON, is an error, never a translation.
 */
import { z } from 'zod';
import { escapeText, unescapeText } from '../markdown/tagged.js';
import { FatalError, TransientError } from '../queue/index.js';
import { requestJson } from './http.js';
import type { Provider, TranslationRequest, TranslationResult } from './types.js';

/** Options of `createLibreTranslateProvider`. */
export interface LibreTranslateOptions {
  /** Base URL of the server (`LIBRETRANSLATE_URL`). Required. */
  readonly url: string;
  /** The API key, when the server requires one (`LIBRETRANSLATE_API_KEY`). */
  readonly apiKey?: string | undefined;
  /** `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch;
}

const responseSchema = z.object({ translatedText: z.array(z.string()) });
const languagesSchema = z.array(z.object({ code: z.string(), targets: z.array(z.string()) }));

/** LibreTranslate code of one of our languages (`en-GB` → `en`, `no` → `nb`). */
export function libreTranslateLanguage(lang: string): string {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? lang.toLowerCase();
  return primary === 'no' ? 'nb' : primary;
}

/** Extra HTML entities an HTML tool may write, beyond the XML ones `unescapeText` knows. */
const htmlEntities: Readonly<Record<string, string>> = { nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', laquo: '\u00ab', raquo: '\u00bb' };

/**
 * Bring an HTML answer back to tagged text: tags stay as they are (`<ph id="n"></ph>` becomes
 * `<ph id="n"/>`; unknown tags are left for the validator to refuse), text between them is
 * decoded and escaped again, so `&amp;` stays `&amp;`, `&#39;` becomes `'` and a bare `&` `&amp;`.
 */
export function htmlToTagged(html: string): string {
  let out = '';
  let last = 0;
  const text = (value: string): string =>
    escapeText(unescapeText(value.replace(/&([a-z]+);/g, (whole, name: string) => htmlEntities[name] ?? whole)));
  for (const match of html.matchAll(/<ph\s+id="(\d+)"\s*>\s*<\/ph\s*>|<\/?[A-Za-z][^<>]*>/g)) {
    out += text(html.slice(last, match.index));
    out += match[1] === undefined ? match[0] : `<ph id="${match[1]}"/>`;
    last = match.index + match[0].length;
  }
  return out + text(html.slice(last));
}

/** Create the LibreTranslate provider. */
export function createLibreTranslateProvider(options: LibreTranslateOptions): Provider {
  if (typeof options.url !== 'string' || options.url.trim() === '') {
    throw new TypeError('Expected `url` to be a non-empty string (set LIBRETRANSLATE_URL)');
  }
  const base = options.url.trim().replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const apiKey = options.apiKey === undefined || options.apiKey.trim() === '' ? undefined : options.apiKey;
  let languages: Promise<Map<string, ReadonlySet<string>>> | undefined;
  // First-leg answers of the pivot (`pl→en`), by language pair and source text, for this
  // instance (one run): when the second leg fails and the queue retries the request, the
  // first leg, already answered, is not asked (and paid for) again.
  const pivotAnswers = new Map<string, string>();

  async function call(path: string, init: RequestInit, signal: AbortSignal | undefined): Promise<unknown> {
    return (await requestJson('libretranslate', 'LibreTranslate', doFetch, `${base}${path}`, init, signal)).json;
  }

  /** Source code → target codes, read once; a failed read is tried again next time. */
  function readLanguages(signal: AbortSignal | undefined): Promise<Map<string, ReadonlySet<string>>> {
    languages ??= (async () => {
      const json = await call('/languages', { method: 'GET', headers: { accept: 'application/json', 'user-agent': 'hansa/0.1' } }, signal);
      const parsed = languagesSchema.safeParse(json);
      if (!parsed.success) throw new TransientError('LibreTranslate answered /languages with a malformed response', { provider: 'libretranslate' });
      return new Map(parsed.data.map((language) => [language.code, new Set(language.targets)]));
    })();
    languages.catch(() => {
      languages = undefined;
    });
    return languages;
  }

  async function translateTexts(texts: readonly string[], source: string, target: string, signal: AbortSignal | undefined): Promise<string[]> {
    const body = JSON.stringify({ q: texts, source, target, format: 'html', ...(apiKey === undefined ? {} : { api_key: apiKey }) });
    const json = await call('/translate', { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'hansa/0.1' }, body }, signal);
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success || parsed.data.translatedText.length !== texts.length) {
      // Garbage from a healthy-looking answer: worth one more try.
      throw new TransientError('LibreTranslate answered with a malformed response', { provider: 'libretranslate', status: 200 });
    }
    return parsed.data.translatedText.map(htmlToTagged);
  }

  return {
    name: 'libretranslate',
    capabilities: {
      languages: ['en', 'en-GB', 'en-US', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'no'],
      markup: 'html',
      glossary: 'none',
      formality: false,
      maxSegmentsPerRequest: 50,
      maxCharactersPerRequest: 20_000,
      pricePerMillionCharacters: 0,
      isSynthetic: false,
      isLocal: false,
    },
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      if (request.segments.length === 0) return [];
      const source = libreTranslateLanguage(request.sourceLanguage);
      const target = libreTranslateLanguage(request.targetLanguage);
      const pairs = await readLanguages(request.signal);
      const texts = request.segments.map((segment) => segment.source);
      let targets: string[];
      let origin: string;
      if (pairs.get(source)?.has(target)) {
        targets = await translateTexts(texts, source, target, request.signal);
        origin = 'mt:libretranslate';
      } else if (source !== 'en' && pairs.get(source)?.has('en') && pairs.get('en')?.has(target)) {
        const key = (text: string): string => `${source}>en\u0000${text}`;
        // A segment sent again because its answer was refused asks afresh: the English may be
        // what went wrong.
        const ask = request.segments.filter((segment) => (segment.retry?.refused.length ?? 0) > 0 || !pivotAnswers.has(key(segment.source))).map((segment) => segment.source);
        if (ask.length > 0) {
          const answers = await translateTexts(ask, source, 'en', request.signal);
          ask.forEach((text, index) => pivotAnswers.set(key(text), answers[index] ?? ''));
        }
        const english = texts.map((text) => pivotAnswers.get(key(text)) ?? '');
        targets = await translateTexts(english, 'en', target, request.signal);
        origin = 'mt:libretranslate:pivot-en';
      } else {
        throw new FatalError(`LibreTranslate does not translate ${request.sourceLanguage} into ${request.targetLanguage}, not even through English`, { provider: 'libretranslate' });
      }
      return targets.map((text, index) => ({ id: request.segments[index]?.id ?? '', target: text, origin }));
    },
  };
}
