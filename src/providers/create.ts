/**
 * The provider chain by name, with its credentials.
 *
 * 1. Credentials and base URLs come from the environment given (or the config), never from
 *    a file Hansa writes; a missing one throws at once, naming the variable, before any
 *    document is read or any provider asked.
 * 2. A dry run calls nothing, so it needs no credentials: only limits and prices.
 * 3. What a provider needs of the project beyond its options (DeepL's glossary resource)
 *    is handed in as a function, asked only when the provider first needs it: providers
 *    know nothing of the pipeline.
 */
import type { HansaConfig } from '../config/index.js';
import { InputError } from '../errors/index.js';
import { createAzureProvider } from './azure.js';
import { createCopyProvider } from './copy.js';
import { createDeeplProvider, type DeeplGlossaryEntry } from './deepl.js';
import { createGoogleProvider } from './google.js';
import type { ProviderName } from './index.js';
import { createLibreTranslateProvider } from './libretranslate.js';
import { createOpenAiProvider } from './openai.js';
import { createPseudoProvider } from './pseudo.js';
import { localCapabilities, type Provider } from './types.js';

/** Options of `createProviders`. */
export interface CreateProvidersOptions {
  /** The project's config: `providerOptions` and `languageVariants` are read. Required. */
  readonly config: Pick<HansaConfig, 'providerOptions' | 'languageVariants'>;
  /** Where credentials come from (`DEEPL_AUTH_KEY`, `OPENAI_BASE_URL`, …). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Build providers for counting only: a missing credential is not an error. Default `false`. */
  readonly dryRun?: boolean;
  /**
   * DeepL's glossary per target language (source term → target term), asked when DeepL first
   * translates into it. Default: DeepL gets no glossary. `providerOptions.deepl.glossary:
   * false` turns it off whatever is given.
   */
  readonly glossaryEntries?: (targetLanguage: string) => Promise<readonly DeeplGlossaryEntry[]>;
}

/** Name of the chain entry that stands for "no machine translation" (see `memoryEntry`). */
export const memoryProviderName = 'memory';

/**
 * The chain entry `memory`. The memory is consulted before any provider (the leverage
 * step); in the chain it stands for "no machine translation": it answers nothing. Its
 * answers would be people's, so it is not synthetic.
 */
export function createMemoryEntry(): Provider {
  return { name: memoryProviderName, capabilities: { ...localCapabilities, isSynthetic: false }, translate: () => Promise.resolve([]) };
}

/** Build the provider chain by name, in order. */
export function createProviders(names: readonly ProviderName[], options: CreateProvidersOptions): Provider[] {
  const { config } = options;
  const env = options.env ?? process.env;
  const credential = (variable: string, provider: string): string => {
    const value = env[variable];
    if (value !== undefined && value.trim() !== '') return value;
    if (options.dryRun === true) return 'dry-run';
    throw new InputError('provider_unconfigured', `${provider} needs ${variable}`, { data: { provider, variable } });
  };
  return names.map((name) => {
    switch (name) {
      case 'copy':
        return createCopyProvider();
      case 'pseudo':
        return createPseudoProvider();
      case 'memory':
        return createMemoryEntry();
      case 'deepl': {
        const deepl = config.providerOptions.deepl;
        return createDeeplProvider({
          authKey: credential('DEEPL_AUTH_KEY', 'deepl'),
          apiUrl: env['DEEPL_API_URL'],
          formality: deepl?.formality,
          english: config.languageVariants['en'] === 'en-US' ? 'EN-US' : 'EN-GB',
          ...(deepl?.glossary === false || options.glossaryEntries === undefined ? {} : { glossary: options.glossaryEntries }),
        });
      }
      case 'openai':
        // Local servers (Ollama, vLLM, llama.cpp) need no key, but every server needs a model.
        return createOpenAiProvider({
          apiKey: env['OPENAI_API_KEY'],
          baseUrl: env['OPENAI_BASE_URL'],
          // OPENAI_MODEL wins over the config, so one CI job can try another model.
          model: env['OPENAI_MODEL']?.trim() || config.providerOptions.openai?.model || credential('OPENAI_MODEL', 'openai'),
          temperature: config.providerOptions.openai?.temperature,
          languageVariants: config.languageVariants,
        });
      case 'libretranslate':
        return createLibreTranslateProvider({ url: credential('LIBRETRANSLATE_URL', 'libretranslate'), apiKey: env['LIBRETRANSLATE_API_KEY'] });
      case 'google': {
        // v2 takes an API key; v3 an access token and a project (config first, else GOOGLE_PROJECT_ID).
        const google = config.providerOptions.google ?? {};
        const v3 = google.api === 'v3';
        return createGoogleProvider({
          api: v3 ? 'v3' : 'v2',
          ...(v3
            ? { accessToken: credential('GOOGLE_ACCESS_TOKEN', 'google'), projectId: google.projectId ?? credential('GOOGLE_PROJECT_ID', 'google') }
            : { apiKey: credential('GOOGLE_TRANSLATE_API_KEY', 'google') }),
          location: google.location,
          glossaryId: google.glossaryId,
          baseUrl: env['GOOGLE_TRANSLATE_URL'],
        });
      }
      case 'azure':
        return createAzureProvider({ key: credential('AZURE_TRANSLATOR_KEY', 'azure'), region: env['AZURE_TRANSLATOR_REGION'], endpoint: env['AZURE_TRANSLATOR_ENDPOINT'] });
    }
  });
}
