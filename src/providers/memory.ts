import type { TranslationMemory } from '../memory/index.js';
import { localCapabilities, type Provider, type TranslationRequest, type TranslationResult } from './types.js';

/** `memory`: reuse what earlier runs and translators produced; translates nothing new. */
export function createMemoryProvider(memoryFor: (targetLanguage: string) => Promise<TranslationMemory>): Provider {
  return {
    name: 'memory',
    capabilities: { ...localCapabilities, isSynthetic: false },
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      const memory = await memoryFor(request.targetLanguage);
      return request.segments.flatMap((segment) => {
        const entry = memory.get(segment.id);
        return entry === undefined || entry.source !== segment.source ? [] : [{ id: segment.id, target: entry.target, origin: 'tm:exact' }];
      });
    },
  };
}
