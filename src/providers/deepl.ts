/**
 * `deepl`: DeepL API v2 `/v2/translate`, with glossary resources, formality and `/v2/usage`.
 *
 * 1. Segments go as XML (`tag_handling=xml`), so `<pc>`/`<ph>` codes come back in place;
 *    sentences are already cut, so DeepL is told not to split them again.
 * 2. The host follows the key: keys ending in `:fx` use the Free API, others Pro;
 *    `DEEPL_API_URL` overrides both (for a proxy or a test server).
 * 3. The key travels only in the `Authorization` header, never in a URL, a log or an error.
 * 4. Answers are checked with zod: a response with a different number of texts, or not
 *    JSON, is an error, never a translation.
 * 5. Glossary: the project glossary of a pair becomes one DeepL glossary named after a hash of
 *    its content (`hansa-pl-de-<hash12>`). It is looked up by name and created only when
 *    missing, so every run and process with the same glossary shares one resource, and a
 *    changed glossary gets a new one. A pair DeepL refuses is translated without glossary.
 * 6. Formality is sent only to targets that have it: DeepL answers 400 to the others.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FatalError, ProviderError, QuotaExhaustedError, TransientError } from '../queue/index.js';
import { redactUrlCredentials, requestJson } from './http.js';
import type { Provider, ProviderUsage, TranslationRequest, TranslationResult } from './types.js';

/** DeepL's formality setting. */
export type DeeplFormality = 'default' | 'more' | 'less' | 'prefer_more' | 'prefer_less';

/** One glossary entry as the project gives it: a source term and the target term to use. */
export interface DeeplGlossaryEntry {
  readonly source: string;
  readonly target: string;
}

/** Options of `createDeeplProvider`. */
export interface DeeplOptions {
  /** The API key (`DEEPL_AUTH_KEY`). Required. */
  readonly authKey: string;
  /** Base URL; default from the key (`https://api-free.deepl.com` for `:fx` keys, else `https://api.deepl.com`). */
  readonly apiUrl?: string | undefined;
  /** English variant for `en`: `EN-GB` (default) or `EN-US`. */
  readonly english?: 'EN-GB' | 'EN-US';
  /** Formality for targets that support it (DE, ES, FR, IT, JA, NL, PL, PT-BR, PT-PT, RU); others get none. */
  readonly formality?: DeeplFormality | undefined;
  /**
   * Glossary entries for a target language (the request's code, e.g. `de`, `en-GB`); called
   * once per language and run. Entries DeepL would refuse (tabs, line breaks, duplicate
   * sources, empty terms) are cleaned or left out here. No option or no entries: no glossary.
   */
  readonly glossary?: ((targetLanguage: string) => Promise<readonly DeeplGlossaryEntry[]>) | undefined;
  /** `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch;
}

const responseSchema = z.object({
  translations: z.array(z.object({ text: z.string(), detected_source_language: z.string().optional() })),
});

const glossaryInfoSchema = z.object({
  glossary_id: z.string().min(1),
  name: z.string(),
  ready: z.boolean().optional(),
  source_lang: z.string(),
  target_lang: z.string(),
  creation_time: z.string().optional(),
});
type GlossaryInfo = z.infer<typeof glossaryInfoSchema>;

const glossaryListSchema = z.object({ glossaries: z.array(glossaryInfoSchema) });

const usageSchema = z.object({
  character_count: z.number().int().min(0).optional(),
  character_limit: z.number().int().min(0).optional(),
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

/** Targets that accept `formality` (DeepL's `/v2/languages` `supports_formality`). */
const formalityTargets = new Set(['DE', 'ES', 'ES-419', 'FR', 'IT', 'JA', 'NL', 'PL', 'PT-BR', 'PT-PT', 'RU']);

/**
 * The `formality` to send for a target, if any. `default` is DeepL's own default, so it is not
 * sent; `prefer_*` would be accepted everywhere, but is kept to supporting targets like the rest.
 */
export function deeplFormality(target: string, formality: DeeplFormality | undefined): DeeplFormality | undefined {
  if (formality === undefined || formality === 'default') return undefined;
  return formalityTargets.has(target.toUpperCase()) ? formality : undefined;
}

/** DeepL's code of a glossary language: lower-case, without region (`EN-GB` → `en`). */
function glossaryLanguage(code: string): string {
  return (code.toLowerCase().split(/[-_]/)[0] ?? code).toLowerCase();
}

/**
 * A term as DeepL takes it in a glossary, or undefined when it cannot be one: whitespace
 * runs (tabs and line breaks would break the TSV) become one space, the ends are trimmed,
 * and empty terms, control characters and terms over 1024 UTF-8 bytes are refused.
 */
function glossaryTerm(text: string): string | undefined {
  const term = text.replace(/\s+/gu, ' ').trim();
  if (term === '' || /[\p{Cc}]/u.test(term) || Buffer.byteLength(term, 'utf8') > 1024) return undefined;
  return term;
}

/**
 * The entries of a DeepL glossary: cleaned, the first entry of each source kept (DeepL
 * refuses duplicate sources), sorted so that the same glossary always gives the same TSV.
 */
export function deeplGlossaryEntries(entries: readonly DeeplGlossaryEntry[]): DeeplGlossaryEntry[] {
  const bySource = new Map<string, string>();
  for (const entry of entries) {
    const source = glossaryTerm(entry.source);
    const target = glossaryTerm(entry.target);
    if (source === undefined || target === undefined || bySource.has(source)) continue;
    bySource.set(source, target);
  }
  return [...bySource]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, target]) => ({ source, target }));
}

/** The entries as DeepL's TSV: `source<TAB>target`, one per line. */
function glossaryTsv(entries: readonly DeeplGlossaryEntry[]): string {
  return entries.map((entry) => `${entry.source}\t${entry.target}`).join('\n');
}

/** The glossary's name: the pair and a hash of pair and entries, so a changed glossary gets a new one. */
export function deeplGlossaryName(sourceLang: string, targetLang: string, entries: readonly DeeplGlossaryEntry[]): string {
  const source = glossaryLanguage(sourceLang);
  const target = glossaryLanguage(targetLang);
  const hash = createHash('sha256').update(`${source}\n${target}\n${glossaryTsv(entries)}`).digest('hex').slice(0, 12);
  return `hansa-${source}-${target}-${hash}`;
}

/** The glossary of `name` among those listed: ready ones first, then the oldest, so racing processes agree. */
function findGlossary(listed: readonly GlossaryInfo[], name: string, source: string, target: string): GlossaryInfo | undefined {
  const matching = listed.filter((glossary) => glossary.name === name && glossary.source_lang.toLowerCase() === source && glossary.target_lang.toLowerCase() === target);
  return matching.sort((a, b) => Number(b.ready !== false) - Number(a.ready !== false) || (a.creation_time ?? '').localeCompare(b.creation_time ?? '') || a.glossary_id.localeCompare(b.glossary_id))[0];
}

/**
 * Await a lookup that several requests share. The attempt that started it may have been
 * aborted (its timeout): for the others that is a failure worth retrying, not an abort.
 * Only this request's own abort passes through as it is, for the queue to recognise.
 */
async function awaitShared<T>(shared: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await shared;
  } catch (error) {
    if (error instanceof ProviderError || signal?.aborted) throw error;
    // Whatever failed may quote DEEPL_API_URL, credentials and all: redacted, and then the
    // original error is not kept either.
    const reason = error instanceof Error ? error.message : String(error);
    const redacted = redactUrlCredentials(reason);
    throw new TransientError(`DeepL glossary lookup failed: ${redacted}`, { provider: 'deepl', ...(redacted === reason ? { cause: error } : {}) });
  }
}

/** Create the DeepL provider. */
export function createDeeplProvider(options: DeeplOptions): Provider {
  if (typeof options.authKey !== 'string' || options.authKey.trim() === '') {
    throw new TypeError('Expected `authKey` to be a non-empty string (set DEEPL_AUTH_KEY)');
  }
  const base = (options.apiUrl ?? (options.authKey.endsWith(':fx') ? 'https://api-free.deepl.com' : 'https://api.deepl.com')).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const headers = { authorization: `DeepL-Auth-Key ${options.authKey}`, 'user-agent': 'hansa/0.1' };

  /** One call to the API; the body, when there is one, goes as JSON. */
  const call = (method: 'GET' | 'POST', route: string, body: unknown, signal: AbortSignal | undefined): Promise<{ json: unknown; status: number }> =>
    requestJson('deepl', 'DeepL', doFetch, `${base}${route}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }, signal);

  // Per run (this instance): the account's glossaries, listed once, and each pair's glossary id
  // (undefined: translate without). Failed lookups are forgotten, so a retry looks again.
  let listing: Promise<GlossaryInfo[]> | undefined;
  const glossaryIds = new Map<string, Promise<string | undefined>>();

  const listGlossaries = async (signal: AbortSignal | undefined): Promise<GlossaryInfo[]> => {
    const { json, status } = await call('GET', '/v2/glossaries', undefined, signal);
    const parsed = glossaryListSchema.safeParse(json);
    if (!parsed.success) throw new TransientError('DeepL answered the glossary list with a malformed response', { provider: 'deepl', status });
    return parsed.data.glossaries;
  };

  const listed = (signal: AbortSignal | undefined): Promise<GlossaryInfo[]> => {
    const current = (listing ??= listGlossaries(signal));
    current.catch(() => {
      if (listing === current) listing = undefined;
    });
    return awaitShared(current, signal);
  };

  const createGlossary = async (name: string, source: string, target: string, entries: readonly DeeplGlossaryEntry[], signal: AbortSignal | undefined): Promise<GlossaryInfo> => {
    const { json, status } = await call('POST', '/v2/glossaries', { name, source_lang: source, target_lang: target, entries: glossaryTsv(entries), entries_format: 'tsv' }, signal);
    const parsed = glossaryInfoSchema.safeParse(json);
    if (!parsed.success) throw new TransientError('DeepL answered the glossary creation with a malformed response', { provider: 'deepl', status });
    return parsed.data;
  };

  /** The id of the glossary `name`, found among the account's or created. */
  const findOrCreateGlossary = async (name: string, source: string, target: string, entries: readonly DeeplGlossaryEntry[], signal: AbortSignal | undefined): Promise<string> => {
    const notReady = (): TransientError => {
      // Wait and list again: the retry sees it once DeepL has it ready.
      listing = undefined;
      return new TransientError(`DeepL glossary ${name} is not ready yet`, { provider: 'deepl' });
    };
    const found = findGlossary(await listed(signal), name, source, target);
    if (found !== undefined) {
      if (found.ready === false) throw notReady();
      return found.glossary_id;
    }
    const created = await createGlossary(name, source, target, entries, signal);
    if (created.ready === false) throw notReady();
    return created.glossary_id;
  };

  /** The id of the pair's glossary; undefined when there is none to use. */
  const resolveGlossary = async (sourceLang: string, targetLanguage: string, target: string, signal: AbortSignal | undefined): Promise<string | undefined> => {
    if (options.glossary === undefined) return undefined;
    const entries = deeplGlossaryEntries(await options.glossary(targetLanguage));
    if (entries.length === 0) return undefined;
    const source = glossaryLanguage(sourceLang);
    const glossaryTarget = glossaryLanguage(target);
    try {
      return await findOrCreateGlossary(deeplGlossaryName(source, glossaryTarget, entries), source, glossaryTarget, entries, signal);
    } catch (error) {
      // A refused glossary (pair not supported, entries rejected, a key without glossary
      // rights, the account's glossary limit) must not stop the translation: it goes on
      // without, and QA checks the terms. Overload and network errors are retried.
      if (error instanceof FatalError || error instanceof QuotaExhaustedError) return undefined;
      throw error;
    }
  };

  const glossaryFor = (sourceLang: string, targetLanguage: string, target: string, signal: AbortSignal | undefined): Promise<string | undefined> => {
    const key = `${glossaryLanguage(sourceLang)}>${target}`;
    let shared = glossaryIds.get(key);
    if (shared === undefined) {
      const started = resolveGlossary(sourceLang, targetLanguage, target, signal);
      glossaryIds.set(key, started);
      started.catch(() => {
        if (glossaryIds.get(key) === started) glossaryIds.delete(key);
      });
      shared = started;
    }
    return awaitShared(shared, signal);
  };

  /** Forget every glossary lookup: one of them was deleted under us. */
  const forgetGlossaries = (): void => {
    listing = undefined;
    glossaryIds.clear();
  };

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
      isLocal: false,
    },
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      const target = deeplTarget(request.targetLanguage, options.english);
      if (target === undefined) throw new FatalError(`DeepL does not translate into ${request.targetLanguage}`, { provider: 'deepl' });
      // DeepL needs `source_lang` with a glossary; it is always sent.
      const sourceLang = (request.sourceLanguage.toUpperCase().split('-')[0] ?? request.sourceLanguage).toUpperCase();
      const glossaryId = await glossaryFor(sourceLang, request.targetLanguage, target, request.signal);
      const formality = deeplFormality(target, options.formality);
      const body = {
        text: request.segments.map((segment) => segment.source),
        source_lang: sourceLang,
        target_lang: target,
        tag_handling: 'xml',
        split_sentences: '0',
        preserve_formatting: true,
        ...(formality === undefined ? {} : { formality }),
        ...(glossaryId === undefined ? {} : { glossary_id: glossaryId }),
      };
      let answer: { json: unknown; status: number };
      try {
        answer = await call('POST', '/v2/translate', body, request.signal);
      } catch (error) {
        if (glossaryId !== undefined && error instanceof FatalError && error.status === 404) {
          // The glossary was deleted since it was looked up: look again on the retry.
          forgetGlossaries();
          throw new TransientError('DeepL glossary was not found; looking it up again', { provider: 'deepl', status: 404, cause: error });
        }
        throw error;
      }
      const parsed = responseSchema.safeParse(answer.json);
      if (!parsed.success || parsed.data.translations.length !== request.segments.length) {
        // Garbage from a healthy-looking answer: worth one more try.
        throw new TransientError('DeepL answered with a malformed response', { provider: 'deepl', status: answer.status });
      }
      return parsed.data.translations.map((translation, index) => ({
        id: request.segments[index]?.id ?? '',
        target: translation.text,
        origin: 'mt:deepl',
      }));
    },
    async usage(signal?: AbortSignal): Promise<ProviderUsage | undefined> {
      const { json, status } = await call('GET', '/v2/usage', undefined, signal);
      const parsed = usageSchema.safeParse(json);
      if (!parsed.success) throw new TransientError('DeepL answered the usage query with a malformed response', { provider: 'deepl', status });
      const { character_count: characterCount, character_limit: characterLimit } = parsed.data;
      // Accounts billed only by other units report no characters: nothing to say.
      if (characterCount === undefined || characterLimit === undefined) return undefined;
      return { characterCount, characterLimit };
    },
  };
}
