import type { TranslationMemory } from '../memory/index.js';
import type { Provider, TranslationRequest, TranslationResult } from './types.js';

/** `memory`: reuse what earlier runs and translators produced; translates nothing new. */
export function createMemoryProvider(memoryFor: (targetLanguage: string) => Promise<TranslationMemory>): Provider {
  return {
    name: 'memory',
    capabilities: {
      languages: 'any',
      markup: 'xml',
      glossary: 'none',
      formality: false,
      maxSegmentsPerRequest: Number.POSITIVE_INFINITY,
      maxCharactersPerRequest: Number.POSITIVE_INFINITY,
      pricePerMillionCharacters: 0,
      isSynthetic: false,
    },
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      const memory = await memoryFor(request.targetLanguage);
      return request.segments.flatMap((segment) => {
        const entry = memory.get(segment.id);
        return entry === undefined || entry.source !== segment.source ? [] : [{ id: segment.id, target: entry.target, origin: 'tm:exact' }];
      });
    },
  };
}
