import { localCapabilities, type Provider, type TranslationRequest, type TranslationResult } from './types.js';

/**
 * `copy`: the target is the source. For fidelity tests (the output must equal the
 * input byte for byte) and for content that is not to be translated.
 */
export function createCopyProvider(): Provider {
  return {
    name: 'copy',
    capabilities: localCapabilities,
    async translate(request: TranslationRequest): Promise<TranslationResult[]> {
      request.signal?.throwIfAborted();
      return request.segments.map((segment) => ({ id: segment.id, target: segment.source, origin: 'mt:copy' }));
    },
  };
}
