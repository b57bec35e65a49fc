/**
 * Throughput of the queue against an in-process fake provider, on real timers.
 * Run by hand for the full case (`simulateThroughput()` takes about 40 s); the test suite
 * runs a scaled-down case.
 */

import type { TranslationResult } from '../../src/providers/types.js';
import { ProviderQueue } from '../../src/queue/index.js';

/** Options of `simulateThroughput`. */
export interface ThroughputOptions {
  /** Latency of each fake request in ms. Default: `100`. */
  readonly latencyMs?: number;
  /** The queue's rate limit. Default: `10`. */
  readonly requestsPerSecond?: number;
  /** Segments per request. Default: `50`. */
  readonly textsPerRequest?: number;
  /** Segments to translate. Default: `20_000`. */
  readonly segments?: number;
  /** The queue's concurrency. Default: `4`. */
  readonly concurrency?: number;
}

/** What `simulateThroughput` measured. */
export interface ThroughputReport {
  /** Wall-clock seconds to translate every segment. */
  readonly wallSeconds: number;
  /** Requests sent. */
  readonly requests: number;
  /** Segments translated. */
  readonly translated: number;
  /** Seconds the same batches would take one after another, unlimited: requests × latency. */
  readonly sequentialSeconds: number;
  /** Seconds without batching, one segment per request, under the same rate limit. */
  readonly unbatchedSeconds: number;
}

export async function simulateThroughput(options: ThroughputOptions = {}): Promise<ThroughputReport> {
  const { latencyMs = 100, requestsPerSecond = 10, textsPerRequest = 50, segments = 20_000, concurrency = 4 } = options;
  const input = Array.from({ length: segments }, (_, index) => ({ id: `s${index}`, source: `Zdanie numer ${index}.` }));
  const queue = new ProviderQueue({ provider: 'fake', requestsPerSecond, concurrency });
  const translate = (batch: readonly { id: string; source: string }[], signal: AbortSignal): Promise<TranslationResult[]> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(batch.map(({ id, source }) => ({ id, target: source, origin: 'mt:fake' }))), latencyMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  const started = performance.now();
  const outcome = await queue.translateBatches(translate, input, { maxSegments: textsPerRequest });
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    wallSeconds,
    requests: queue.requests,
    translated: outcome.results.length,
    sequentialSeconds: (queue.requests * latencyMs) / 1000,
    unbatchedSeconds: (segments * Math.max(latencyMs, 1000 / requestsPerSecond)) / 1000,
  };
}
