export type { Provider, ProviderCapabilities, SegmentRequest, SegmentTerm, TranslationRequest, TranslationResult } from './types.js';
export { createCopyProvider } from './copy.js';
export { createPseudoProvider, pseudoLocalize, type PseudoOptions } from './pseudo.js';
export { createMemoryProvider } from './memory.js';
export { createDeeplProvider, deeplTarget, type DeeplOptions } from './deepl.js';

/** Providers Hansa knows by name. */
export const providerNames = ['memory', 'copy', 'pseudo', 'deepl'] as const;
export type ProviderName = (typeof providerNames)[number];
