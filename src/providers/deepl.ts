/**
 * `deepl`: DeepL API v2 `/v2/translate`.
 *
 * 1. Segments go as XML (`tag_handling=xml`), so `<pc>`/`<ph>` codes come back in place;
 *    sentences are already cut, so DeepL is told not to split them again.
 * 2. The host follows the key: keys ending in `:fx` use the Free API, others Pro;
 *    `DEEPL_API_URL` overrides both (for a proxy or a test server).
 * 3. The key travels only in the `Authorization` header, never in a URL, a log or an error.
 * 4. Answers are checked with zod: a response with a different number of texts, or not
 *    JSON, is an error, never a translation.
 */
import { z } from 'zod';
import { FatalError, TransientError } from '../queue/index.js';
import { requestJson } from './http.js';
import type { Provider, TranslationRequest, TranslationResult } from './types.js';

/** Options of `createDeeplProvider`. */
export interface DeeplOptions {
  /** The API key (`DEEPL_AUTH_KEY`). Required. */
  readonly authKey: string;
  /** Base URL; default from the key (`https://api-free.deepl.com` for `:fx` keys, else `https://api.deepl.com`). */
  readonly apiUrl?: string | undefined;
  /** English variant for `en`: `EN-GB` (default) or `EN-US`. */
  readonly english?: 'EN-GB' | 'EN-US';
  /** `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch;
}

const responseSchema = z.object({
  translations: z.array(z.object({ text: z.string(), detected_source_language: z.string().optional() })),
});

/** Target languages DeepL serves among ours, and their codes. */
export function deeplTarget(lang: string, english: 'EN-GB' | 'EN-US' = 'EN-GB'): string | undefined {
  const base = lang.toLowerCase();
  if (base === 'en-us' || base === 'en-gb') return base.toUpperCase();
  const primary = base.split(/[-_]/)[0] ?? base;
  if (primary === 'en') return english;
  if (primary === 'no') return 'NB';
  return ['sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'pl', 'fr', 'es', 'it', 'nl', 'cs', 'sk', 'sl', 'hu', 'ro', 'bg', 'el', 'uk', 'ru'].includes(primary) ? primary.toUpperCase() : undefined;
}

/** Create the DeepL provider. */
export function createDeeplProvider(options: DeeplOptions): Provider {
  if (typeof options.authKey !== 'string' || options.authKey.trim() === '') {
    throw new TypeError('Expected `authKey` to be a non-empty string (set DEEPL_AUTH_KEY)');
  }
  const base = (options.apiUrl ?? (options.authKey.endsWith(':fx') ? 'https://api-free.deepl.com' : 'https://api.deepl.com')).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  return {
    name: 'deepl',
    capabilities: {
      languages: ['en', 'en-GB', 'en-US', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'no'],
      markup: 'xml',
      glossary: 'resource',
      formality: true,
      maxSegmentsPerRequest: 50,
      // 128 KiB of request body; characters are checked with room for JSON escaping.
      maxCharactersPerRequest: 30_000,
      maxRequestBytes: 128 * 1024,
      pricePerMillionCharacters: 20,
      isSynthetic: false,
    },
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      const target = deeplTarget(request.targetLanguage, options.english);
      if (target === undefined) throw new FatalError(`DeepL does not translate into ${request.targetLanguage}`, { provider: 'deepl' });
      const body = JSON.stringify({
        text: request.segments.map((segment) => segment.source),
        source_lang: request.sourceLanguage.toUpperCase().split('-')[0],
        target_lang: target,
        tag_handling: 'xml',
        split_sentences: '0',
        preserve_formatting: true,
      });
      const { json, status } = await requestJson(
        'deepl',
        'DeepL',
        doFetch,
        `${base}/v2/translate`,
        {
          method: 'POST',
          headers: { authorization: `DeepL-Auth-Key ${options.authKey}`, 'content-type': 'application/json', 'user-agent': 'hansa/0.1' },
          body,
        },
        request.signal,
      );
      const parsed = responseSchema.safeParse(json);
      if (!parsed.success || parsed.data.translations.length !== request.segments.length) {
        // Garbage from a healthy-looking answer: worth one more try.
        throw new TransientError('DeepL answered with a malformed response', { provider: 'deepl', status });
      }
      return parsed.data.translations.map((translation, index) => ({
        id: request.segments[index]?.id ?? '',
        target: translation.text,
        origin: 'mt:deepl',
      }));
    },
  };
}
