export { localCapabilities } from './types.js';
export type { Provider, ProviderCapabilities, SegmentRequest, SegmentTerm, TranslationRequest, TranslationResult } from './types.js';
export { createCopyProvider } from './copy.js';
export { createPseudoProvider, pseudoLocalize, type PseudoOptions } from './pseudo.js';
export { createDeeplProvider, deeplTarget, type DeeplOptions } from './deepl.js';
export { createOpenAiProvider, type OpenAiOptions } from './openai.js';
export { createLibreTranslateProvider, type LibreTranslateOptions } from './libretranslate.js';
export { createAzureProvider, type AzureOptions } from './azure.js';
export { createGoogleProvider, googleHtmlToTagged, googleLanguage, type GoogleOptions } from './google.js';
export { createProviders, createMemoryEntry, memoryProviderName, type CreateProvidersOptions } from './create.js';

/** Providers Hansa knows by name. */
export const providerNames = ['memory', 'copy', 'pseudo', 'deepl', 'google', 'openai', 'libretranslate', 'azure'] as const;
export type ProviderName = (typeof providerNames)[number];
