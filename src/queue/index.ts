/** Batching, rate limiting, timeouts and retries for machine-translation providers. */
export { countCodePoints, countJsonBytes, packBatches, type Batch, type BatchLimits } from './batch.js';
export {
  classifyHttpError,
  FatalError,
  parseRetryAfter,
  PayloadTooLargeError,
  ProviderError,
  QuotaExhaustedError,
  RateLimitError,
  TransientError,
  type HeaderSource,
  type ProviderErrorKind,
  type ProviderErrorOptions,
} from './errors.js';
export {
  ProviderQueue,
  type BatchOutcome,
  type ProviderQueueOptions,
  type RunOptions,
  type SegmentFailure,
  type TranslateBatchesOptions,
  type TranslateFunction,
} from './queue.js';
