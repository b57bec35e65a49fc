/**
 * `google`: Google Cloud Translation, v2 "Basic" (`POST /language/translate/v2`) or
 * v3 "Advanced" (`POST /v3/projects/P/locations/L:translateText`).
 *
 * 1. Segments go as HTML (`format: 'html'`, `mimeType: 'text/html'`), so `<pc>`/`<ph>` codes
 *    come back in place. Google answers in HTML, not in our tagged text: `'` as `&#39;`,
 *    `"` as `&quot;`, `<ph id="1"/>` as `<ph id="1"></ph>`, attributes requoted. The answer is
 *    brought back to tagged text (`googleHtmlToTagged`); what cannot be safely mended (a
 *    dropped, renamed or emptied code) is left for the pipeline's code check to refuse.
 * 2. v2 takes an API key, sent only in the `X-Goog-Api-Key` header (never `?key=`, which
 *    would leak into proxy and server logs); v3 an OAuth access token as `Bearer`. Neither
 *    ever appears in an error: a provider message that echoes one is redacted.
 * 3. v3 can use a glossary resource (`glossaryConfig`); its answer is then read from
 *    `glossaryTranslations`. Glossaries live in a region, never in `global`.
 * 4. Limits (reference/providers.md §2): v2 128 texts and 100 KB per request, 5,000 code points
 *    recommended; v3 1,024 texts and 30,000 code points.
 * 5. Errors are read by `classifyHttpError`: 429 and 403 `userRateLimitExceeded` are rate
 *    limits, 403 `dailyLimitExceeded` an exhausted quota, 400 about size a batch to split.
 * 6. Answers are checked with zod: a response with a different number of texts, or not
 *    JSON, is an error, never a translation.
 */
import { z } from 'zod';
import { InputError } from '../errors/index.js';
import { escapeText } from '../markdown/tagged.js';
import { ProviderError, TransientError, type ProviderErrorOptions } from '../queue/index.js';
import { requestJson } from './http.js';
import type { Provider, ProviderCapabilities, TranslationRequest, TranslationResult } from './types.js';

/** Options of `createGoogleProvider`. */
export interface GoogleOptions {
  /** `v2` (Basic, API key) or `v3` (Advanced, access token, glossaries). Default `v2`. */
  readonly api?: 'v2' | 'v3' | undefined;
  /** v2 API key (`GOOGLE_TRANSLATE_API_KEY`). Required for v2. */
  readonly apiKey?: string | undefined;
  /** v3 OAuth 2 access token (`GOOGLE_ACCESS_TOKEN`). Required for v3. */
  readonly accessToken?: string | undefined;
  /** v3 Google Cloud project id. Required for v3. */
  readonly projectId?: string | undefined;
  /** v3 location. Default `global`; a glossary needs a region such as `us-central1`. */
  readonly location?: string | undefined;
  /** v3 glossary: its id in the project and location, or its full name `projects/P/locations/L/glossaries/G`. */
  readonly glossaryId?: string | undefined;
  /** v3 `glossaryConfig.ignoreCase`; sent only when set. */
  readonly glossaryIgnoreCase?: boolean | undefined;
  /** Base URL (`GOOGLE_TRANSLATE_URL`); default `https://translation.googleapis.com`. */
  readonly baseUrl?: string | undefined;
  /** `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch;
}

const v2ResponseSchema = z.object({
  data: z.object({ translations: z.array(z.object({ translatedText: z.string() })) }),
});

const v3TranslationsSchema = z.array(z.object({ translatedText: z.string() }));
const v3ResponseSchema = z.object({ translations: v3TranslationsSchema, glossaryTranslations: v3TranslationsSchema.optional() });

/** Google's code for one of our languages: `nb` (and `no`) → `no`, any English → `en`, others as they are. */
export function googleLanguage(lang: string): string {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? lang.toLowerCase();
  if (primary === 'nb' || primary === 'no') return 'no';
  if (primary === 'en') return 'en';
  return lang;
}

// HTML 4's named references (Latin-1 in code-point order from U+00A0, then the special and
// punctuation ones), enough for what an HTML serialiser writes; HTML 5's 2,000 others would
// be written as numeric references, which are decoded whatever they name.
const latin1Names =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const otherNames: Readonly<Record<string, number>> = {
  quot: 0x22, amp: 0x26, apos: 0x27, lt: 0x3c, gt: 0x3e, OElig: 0x152, oelig: 0x153, Scaron: 0x160, scaron: 0x161, Yuml: 0x178, fnof: 0x192, circ: 0x2c6, tilde: 0x2dc,
  ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, zwnj: 0x200c, zwj: 0x200d, lrm: 0x200e, rlm: 0x200f, ndash: 0x2013, mdash: 0x2014, lsquo: 0x2018, rsquo: 0x2019, sbquo: 0x201a,
  ldquo: 0x201c, rdquo: 0x201d, bdquo: 0x201e, dagger: 0x2020, Dagger: 0x2021, bull: 0x2022, hellip: 0x2026, permil: 0x2030, prime: 0x2032, Prime: 0x2033, lsaquo: 0x2039,
  rsaquo: 0x203a, oline: 0x203e, frasl: 0x2044, euro: 0x20ac, trade: 0x2122, larr: 0x2190, uarr: 0x2191, rarr: 0x2192, darr: 0x2193, harr: 0x2194, minus: 0x2212, ne: 0x2260,
  le: 0x2264, ge: 0x2265,
};
const namedEntities: ReadonlyMap<string, string> = new Map([
  ...latin1Names.split(' ').map((name, index): [string, string] => [name, String.fromCodePoint(0xa0 + index)]),
  ...Object.entries(otherNames).map(([name, code]): [string, string] => [name, String.fromCodePoint(code)]),
]);

/** The character a numeric reference names; U+FFFD for what no text may hold (NUL, surrogates, beyond U+10FFFF), as HTML parsers do. */
function characterOf(code: number): string {
  return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
}

/** HTML text with its character references decoded; unknown names are left as written. */
export function decodeHtmlText(html: string): string {
  return html.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]*));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined) return characterOf(Number.parseInt(dec, 10));
    if (hex !== undefined) return characterOf(Number.parseInt(hex, 16));
    return namedEntities.get(name ?? '') ?? whole;
  });
}

/** The id of a tag whose only attribute is `id` with a number, however quoted; else `undefined`. */
function onlyId(attributes: string): string | undefined {
  const match = /^id\s*=\s*(?:"\s*(\d+)\s*"|'\s*(\d+)\s*'|(\d+))$/i.exec(attributes);
  return match === null ? undefined : (match[1] ?? match[2] ?? match[3]);
}

/**
 * One HTML tag as tagged text: `<pc>`/`<ph>` in any case and quoting become ours;
 * `</ph>` goes (a `<ph>` holds nothing, so an HTML parser that opened one around the
 * following text has not moved any); anything else stays as written, for the code check.
 */
function taggedTag(tag: string): string {
  const match = /^<(\/?)\s*(pc|ph)(?=[\s/>])\s*([^<>]*?)\s*(\/?)\s*>$/i.exec(tag);
  if (match === null) return tag;
  const [, closing, name, attributes = '', selfClosing] = match;
  const kind = name?.toLowerCase();
  if (closing === '/') {
    if (kind === 'ph') return '';
    return attributes === '' && selfClosing === '' ? '</pc>' : tag;
  }
  const id = onlyId(attributes);
  if (id === undefined) return tag;
  if (kind === 'ph') return `<ph id="${Number(id)}"/>`;
  // `<pc id="1"/>` lost its content: not mended, so the check refuses it.
  return selfClosing === '' ? `<pc id="${Number(id)}">` : tag;
}

/**
 * Bring Google's HTML answer back to tagged text: text between tags is decoded and escaped
 * again as `escapeText` does (only `&`, `<`, `>`), so `&#39;` becomes `'` and `&amp;` stays
 * `&amp;`; tags are normalised by `taggedTag`.
 */
export function googleHtmlToTagged(html: string): string {
  let out = '';
  let last = 0;
  for (const match of html.matchAll(/<\/?[A-Za-z][^<>]*>/g)) {
    out += escapeText(decodeHtmlText(html.slice(last, match.index)));
    out += taggedTag(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapeText(decodeHtmlText(html.slice(last)));
}

/** A non-empty trimmed value, or `undefined`. */
function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The same provider error with `secret` taken out of its message; other errors as they are. */
function withoutSecret(error: unknown, secret: string): unknown {
  if (!(error instanceof ProviderError) || !error.message.includes(secret)) return error;
  const options: ProviderErrorOptions = {
    provider: error.provider,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.providerCode === undefined ? {} : { providerCode: typeof error.providerCode === 'string' ? error.providerCode.replaceAll(secret, '[redacted]') : error.providerCode }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
  // The cause may quote the secret too, so it is dropped.
  const kind = error.constructor as new (message: string, options: ProviderErrorOptions) => ProviderError;
  return new kind(error.message.replaceAll(secret, '[redacted]'), options);
}

/** What one API needs to send a batch and read the answer. */
interface GoogleApi {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly secret: string;
  body(texts: readonly string[], source: string, target: string): string;
  /** Translated texts, or `undefined` when the answer is not one. */
  texts(json: unknown): readonly string[] | undefined;
}

function v2Api(base: string, apiKey: string): GoogleApi {
  return {
    url: `${base}/language/translate/v2`,
    headers: { 'x-goog-api-key': apiKey },
    secret: apiKey,
    body: (texts, source, target) => JSON.stringify({ q: texts, source, target, format: 'html' }),
    texts: (json) => {
      const parsed = v2ResponseSchema.safeParse(json);
      return parsed.success ? parsed.data.data.translations.map((translation) => translation.translatedText) : undefined;
    },
  };
}

function v3Api(base: string, accessToken: string, projectId: string, location: string, glossary: { glossary: string; ignoreCase?: boolean } | undefined): GoogleApi {
  return {
    url: `${base}/v3/projects/${encodeURIComponent(projectId)}/locations/${encodeURIComponent(location)}:translateText`,
    headers: { authorization: `Bearer ${accessToken}` },
    secret: accessToken,
    body: (texts, source, target) =>
      JSON.stringify({ contents: texts, mimeType: 'text/html', sourceLanguageCode: source, targetLanguageCode: target, ...(glossary === undefined ? {} : { glossaryConfig: glossary }) }),
    texts: (json) => {
      const parsed = v3ResponseSchema.safeParse(json);
      if (!parsed.success) return undefined;
      // With a glossary, `translations` are the answers without it: the glossary's are wanted.
      const chosen = glossary === undefined ? parsed.data.translations : (parsed.data.glossaryTranslations ?? parsed.data.translations);
      return chosen.map((translation) => translation.translatedText);
    },
  };
}

/** The v3 glossary config, after checking it can work; `undefined` without a glossary. */
function glossaryConfig(options: GoogleOptions, projectId: string, location: string): { glossary: string; ignoreCase?: boolean } | undefined {
  const id = given(options.glossaryId);
  if (id === undefined) return undefined;
  if (location === 'global') {
    throw new InputError('config_invalid', 'providerOptions.google.location: a region such as "us-central1" (Google glossaries are not available in "global")', {
      data: { key: 'providerOptions.google.location', expected: 'a region such as "us-central1" (Google glossaries are not available in "global")' },
    });
  }
  const glossary = id.startsWith('projects/') ? id : `projects/${projectId}/locations/${location}/glossaries/${id}`;
  return options.glossaryIgnoreCase === undefined ? { glossary } : { glossary, ignoreCase: options.glossaryIgnoreCase };
}

/** The API the options ask for, with its credentials checked. */
function chosenApi(options: GoogleOptions, base: string): { api: GoogleApi; glossary: boolean } {
  if ((options.api ?? 'v2') === 'v2') {
    const apiKey = given(options.apiKey);
    if (apiKey === undefined) throw new TypeError('Expected `apiKey` to be a non-empty string (set GOOGLE_TRANSLATE_API_KEY)');
    if (given(options.glossaryId) !== undefined) {
      throw new InputError('config_invalid', 'providerOptions.google.api: "v3" (glossaries need Cloud Translation Advanced)', {
        data: { key: 'providerOptions.google.api', expected: '"v3" when glossaryId is set (glossaries need Cloud Translation Advanced)' },
      });
    }
    return { api: v2Api(base, apiKey), glossary: false };
  }
  const accessToken = given(options.accessToken);
  if (accessToken === undefined) throw new TypeError('Expected `accessToken` to be a non-empty string (set GOOGLE_ACCESS_TOKEN)');
  const projectId = given(options.projectId);
  if (projectId === undefined) throw new TypeError('Expected `projectId` to be a non-empty string (set GOOGLE_PROJECT_ID or providerOptions.google.projectId)');
  const location = given(options.location) ?? 'global';
  const glossary = glossaryConfig(options, projectId, location);
  return { api: v3Api(base, accessToken, projectId, location, glossary), glossary: glossary !== undefined };
}

/** What Google can do, by API. */
function googleCapabilities(v3: boolean, glossary: boolean): ProviderCapabilities {
  return {
    languages: ['en', 'en-GB', 'en-US', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'no', 'pl', 'fr', 'es', 'it', 'nl', 'pt', 'cs', 'sk', 'sl', 'hu', 'ro', 'bg', 'el', 'uk', 'ru', 'is'],
    markup: 'html',
    glossary: glossary ? 'resource' : 'none',
    formality: false,
    maxSegmentsPerRequest: v3 ? 1024 : 128,
    // v3: the hard maximum; v2 has none in code points, so Google's recommended 5,000.
    maxCharactersPerRequest: v3 ? 30_000 : 5_000,
    // v2: 100 KB of body, with room for the parameters around the texts.
    ...(v3 ? {} : { maxRequestBytes: 99_000 }),
    // List price 20 USD per million characters (reference/providers.md §2.2), counted as euro.
    pricePerMillionCharacters: 20,
    isSynthetic: false,
    isLocal: false,
  };
}

/** Create the Google Cloud Translation provider. */
export function createGoogleProvider(options: GoogleOptions): Provider {
  const base = (given(options.baseUrl) ?? 'https://translation.googleapis.com').replace(/\/+$/, '');
  const { api, glossary } = chosenApi(options, base);
  const doFetch = options.fetch ?? fetch;
  return {
    name: 'google',
    capabilities: googleCapabilities(options.api === 'v3', glossary),
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      if (request.segments.length === 0) return [];
      const body = api.body(
        request.segments.map((segment) => segment.source),
        googleLanguage(request.sourceLanguage),
        googleLanguage(request.targetLanguage),
      );
      let answer: { json: unknown; status: number };
      try {
        answer = await requestJson(
          'google',
          'Google Cloud Translation',
          doFetch,
          api.url,
          { method: 'POST', headers: { ...api.headers, 'content-type': 'application/json; charset=utf-8', 'user-agent': 'hansa/0.1' }, body },
          request.signal,
        );
      } catch (error) {
        throw withoutSecret(error, api.secret);
      }
      const texts = api.texts(answer.json);
      if (texts === undefined || texts.length !== request.segments.length) {
        // Garbage from a healthy-looking answer: worth one more try.
        throw new TransientError('Google Cloud Translation answered with a malformed response', { provider: 'google', status: answer.status });
      }
      return texts.map((text, index) => ({ id: request.segments[index]?.id ?? '', target: googleHtmlToTagged(text), origin: 'mt:google' }));
    },
  };
}
