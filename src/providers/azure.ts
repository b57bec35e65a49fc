/**
 * `azure`: Azure AI Translator v3 `POST /translate?api-version=3.0`.
 *
 * 1. Segments go as HTML (`textType=html`), so `<pc>`/`<ph>` codes come back in place; the
 *    answer is brought back to tagged text as LibreTranslate's is (`htmlToTagged`).
 * 2. One target per request: `to` is the one language of the request, `from` is given
 *    (no detection); at most 1,000 texts and 50,000 characters per request.
 * 3. The key travels only in the `Ocp-Apim-Subscription-Key` header (with
 *    `Ocp-Apim-Subscription-Region` for regional resources), never in a URL, a log or an error.
 * 4. Errors `{error: {code, message}}` are read by `classifyHttpError`: 429000–429002 are rate
 *    limits, 403001 an exhausted quota, 400050/400072/400077 a batch to split.
 * 5. Answers are checked with zod: a response with a different number of texts, or not
 *    JSON, is an error, never a translation.
 */
import { z } from 'zod';
import { FatalError, TransientError } from '../queue/index.js';
import { requestJson } from './http.js';
import { htmlToTagged } from './libretranslate.js';
import type { Provider, TranslationRequest, TranslationResult } from './types.js';

/** Options of `createAzureProvider`. */
export interface AzureOptions {
  /** The resource key. Required. */
  readonly key: string;
  /** The resource region, for regional and multi-service resources. */
  readonly region?: string | undefined;
  /** Base URL; default `https://api.cognitive.microsofttranslator.com`. */
  readonly endpoint?: string | undefined;
  /** `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch;
}

const responseSchema = z.array(
  z.object({
    translations: z.array(z.object({ text: z.string(), to: z.string() })).min(1),
  }),
);

/** Target languages Azure serves among ours, and their codes. */
export function azureLanguage(lang: string): string | undefined {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? lang.toLowerCase();
  if (primary === 'no') return 'nb';
  return ['en', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'pl'].includes(primary) ? primary : undefined;
}

/** Create the Azure Translator provider. */
export function createAzureProvider(options: AzureOptions): Provider {
  if (typeof options.key !== 'string' || options.key.trim() === '') {
    throw new TypeError('Expected `key` to be a non-empty string (the Azure Translator resource key)');
  }
  const base = (options.endpoint ?? 'https://api.cognitive.microsofttranslator.com').replace(/\/+$/, '');
  const region = options.region === undefined || options.region.trim() === '' ? undefined : options.region.trim();
  const doFetch = options.fetch ?? fetch;
  return {
    name: 'azure',
    capabilities: {
      languages: ['en', 'en-GB', 'en-US', 'sv', 'lt', 'lv', 'et', 'fi', 'da', 'de', 'nb', 'no'],
      markup: 'html',
      glossary: 'none',
      formality: false,
      maxSegmentsPerRequest: 1000,
      maxCharactersPerRequest: 50_000,
      // S1 pay-as-you-go, about $10 per million characters.
      pricePerMillionCharacters: 10,
      isSynthetic: false,
      isLocal: false,
    },
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      const target = azureLanguage(request.targetLanguage);
      if (target === undefined) throw new FatalError(`Azure Translator does not translate into ${request.targetLanguage}`, { provider: 'azure' });
      if (request.segments.length === 0) return [];
      const source = azureLanguage(request.sourceLanguage) ?? request.sourceLanguage.toLowerCase();
      const query = new URLSearchParams({ 'api-version': '3.0', from: source, to: target, textType: 'html' });
      const body = JSON.stringify(request.segments.map((segment) => ({ Text: segment.source })));
      const { json, status } = await requestJson(
        'azure',
        'Azure Translator',
        doFetch,
        `${base}/translate?${query.toString()}`,
        {
          method: 'POST',
          headers: {
            'ocp-apim-subscription-key': options.key,
            ...(region === undefined ? {} : { 'ocp-apim-subscription-region': region }),
            'content-type': 'application/json; charset=UTF-8',
            'user-agent': 'hansa/0.1',
          },
          body,
        },
        request.signal,
      );
      const parsed = responseSchema.safeParse(json);
      if (!parsed.success || parsed.data.length !== request.segments.length) {
        // Garbage from a healthy-looking answer: worth one more try.
        throw new TransientError('Azure Translator answered with a malformed response', { provider: 'azure', status });
      }
      return parsed.data.map((element, index) => {
        const translation = element.translations.find((candidate) => candidate.to.toLowerCase() === target) ?? element.translations[0];
        return { id: request.segments[index]?.id ?? '', target: htmlToTagged(translation?.text ?? ''), origin: 'mt:azure' };
      });
    },
  };
}
