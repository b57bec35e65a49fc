/**
 * A request queue for one provider (and target), wrapping p-queue.
 *
 * 1. p-queue caps concurrency and drops queued work when the caller's signal aborts.
 * 2. Every attempt — retries included — passes one FIFO gate before it is sent: starts are
 *    spaced at least `1000 / requestsPerSecond` ms apart, and the characters sent in any
 *    60-second window never pass `charactersPerMinute` (a sliding window, as Azure counts).
 * 3. Each attempt has its own timeout, joined to the caller's signal with `AbortSignal.any`;
 *    a timeout becomes a `TransientError`.
 * 4. `RateLimitError` and `TransientError` are retried after a full-jitter exponential backoff,
 *    or after the provider's `Retry-After` when that is longer. Other errors are thrown at once.
 *    The slot is given back while waiting, so other requests go on.
 * 5. Aborting rejects at once with the signal's reason, wherever the request is (queued,
 *    waiting for budget, running, backing off), and clears every timer.
 */

import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import type { TranslationResult } from '../providers/types.js';
import { countCodePoints, packBatches, type BatchLimits } from './batch.js';
import { ProviderError, QuotaExhaustedError, TransientError, type ProviderErrorKind } from './errors.js';

/** Options of a `ProviderQueue`; defaults are applied in the constructor. */
export interface ProviderQueueOptions {
  /** Provider name, used in errors this queue makes (timeouts). Default: `'provider'`. */
  readonly provider?: string;
  /** Requests in flight at once. Default: `4`. Minimum: `1`. */
  readonly concurrency?: number;
  /** Requests started per second, spaced evenly; fractions allowed. Default: `Infinity`. Must be above `0`. */
  readonly requestsPerSecond?: number;
  /**
   * Characters sent in any 60-second window. A request waits until its characters fit; one
   * request larger than the whole budget waits for an empty window, then goes alone.
   * Default: `Infinity`. Must be above `0`.
   */
  readonly charactersPerMinute?: number;
  /** Retries after the first attempt. Default: `5`. Minimum: `0`. */
  readonly maxRetries?: number;
  /** Backoff before the first retry; doubles each time (full jitter). Default: `500`. Minimum: `0`. */
  readonly baseDelayMs?: number;
  /** Cap of the backoff (a longer `Retry-After` is still honoured). Default: `30_000`. Minimum: `baseDelayMs`. */
  readonly maxDelayMs?: number;
  /** Timeout of each attempt in milliseconds. Default: `60_000`. Must be above `0`. */
  readonly timeoutMs?: number;
  /** Random numbers in [0, 1) for the jitter. Default: `Math.random`. */
  readonly random?: () => number;
}

/** Options of one `run`. */
export interface RunOptions {
  /** Cancels the request wherever it is; `run` rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Segments in the request, recorded on errors. Default: `0` (unknown). */
  readonly batch?: number;
}

/** A provider call for `translateBatches`: translate these segments, honouring the signal. */
export type TranslateFunction<S> = (segments: readonly S[], signal: AbortSignal) => Promise<readonly TranslationResult[]>;

/** A segment `translateBatches` could not translate, and why. */
export interface SegmentFailure {
  readonly id: string;
  readonly code: ProviderErrorKind;
  readonly error: ProviderError;
}

/** What `translateBatches` gives back: results in segment order, and the failures. */
export interface BatchOutcome {
  readonly results: TranslationResult[];
  readonly failures: SegmentFailure[];
}

/** Options of `translateBatches`. */
export interface TranslateBatchesOptions {
  /** Cancels every batch; `translateBatches` rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

const minute = 60_000;

function describe(value: unknown): string {
  return `\`${String(value)}\` (${typeof value})`;
}

function checkNumber(name: string, value: unknown, fallback: number, minimum: number, exclusive = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || (exclusive ? value <= minimum : value < minimum)) {
    const expected = exclusive ? `a number above ${minimum}` : `a number from ${minimum} and up`;
    throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
  return value;
}

/** Wait `ms`, rejecting with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settle with `promise`, or reject with the signal's reason when it aborts first. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) {
      // Still observe the promise, so its later rejection is not reported as unhandled.
      promise.catch(() => undefined);
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Sends requests to one provider under its limits, with timeouts and retries.
 *
 * ```ts
 * const queue = new ProviderQueue({ provider: 'deepl', requestsPerSecond: 10 });
 * const body = await queue.run(characters, (signal) => callDeepl(texts, signal), { signal });
 * ```
 */
export class ProviderQueue {
  readonly #queue: PQueue;
  readonly #provider: string;
  readonly #spacingMs: number;
  readonly #charactersPerMinute: number;
  readonly #maxRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #random: () => number;

  /** Admission is a promise chain, so requests pass the rate gate in order. */
  #gate: Promise<void> = Promise.resolve();
  #lastStart = Number.NEGATIVE_INFINITY;
  /** Starts and sizes of the requests sent in the last minute, oldest first. */
  readonly #window: { time: number; characters: number }[] = [];
  #windowCharacters = 0;

  #requests = 0;
  #retries = 0;
  #characters = 0;

  constructor(options: ProviderQueueOptions = {}) {
    const concurrency = checkNumber('concurrency', options.concurrency, 4, 1);
    const requestsPerSecond = checkNumber('requestsPerSecond', options.requestsPerSecond, Number.POSITIVE_INFINITY, 0, true);
    this.#charactersPerMinute = checkNumber(
      'charactersPerMinute',
      options.charactersPerMinute,
      Number.POSITIVE_INFINITY,
      0,
      true,
    );
    this.#maxRetries = checkNumber('maxRetries', options.maxRetries, 5, 0);
    this.#baseDelayMs = checkNumber('baseDelayMs', options.baseDelayMs, 500, 0);
    this.#maxDelayMs = checkNumber('maxDelayMs', options.maxDelayMs, Math.max(30_000, this.#baseDelayMs), this.#baseDelayMs);
    this.#timeoutMs = checkNumber('timeoutMs', options.timeoutMs, 60_000, 0, true);
    if (options.random !== undefined && typeof options.random !== 'function') {
      throw new TypeError(`Expected \`random\` to be a function, got ${describe(options.random)}`);
    }
    if (options.provider !== undefined && typeof options.provider !== 'string') {
      throw new TypeError(`Expected \`provider\` to be a string, got ${describe(options.provider)}`);
    }
    this.#random = options.random ?? Math.random;
    this.#provider = options.provider ?? 'provider';
    this.#spacingMs = 1000 / requestsPerSecond;
    this.#queue = new PQueue({ concurrency });
  }

  /** Requests sent, retries included. */
  get requests(): number {
    return this.#requests;
  }

  /** Retries scheduled after a retryable error. */
  get retries(): number {
    return this.#retries;
  }

  /** Characters sent, retries included. */
  get characters(): number {
    return this.#characters;
  }

  /** Attempts waiting for a slot. */
  get size(): number {
    return this.#queue.size;
  }

  /** Attempts holding a slot (waiting for budget or running). */
  get pending(): number {
    return this.#queue.pending;
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#queue.onIdle();
  }

  /**
   * Run `attempt` under the queue's limits: wait for a slot and budget, run it with a timeout,
   * retry retryable errors. `characters` is what the request costs against `charactersPerMinute`.
   * Rejects with the last `ProviderError` (its `attempt` and `batch` filled in), with any other
   * error as thrown by `attempt`, or with the signal's reason.
   */
  async run<T>(characters: number, attempt: (signal: AbortSignal) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const { signal, batch = 0 } = options;
    if (typeof characters !== 'number' || Number.isNaN(characters) || characters < 0) {
      throw new TypeError(`Expected \`characters\` to be a number from 0 and up, got ${describe(characters)}`);
    }
    for (let number = 1; ; number++) {
      signal?.throwIfAborted();
      try {
        return await this.#queue.add(() => this.#attempt(characters, attempt, signal), { signal });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof ProviderError)) throw error;
        error.attempt = number;
        error.batch = batch;
        if (!error.isRetryable || number > this.#maxRetries) throw error;
        const backoff = this.#random() * Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (number - 1));
        this.#retries++;
        await sleep(Math.max(backoff, error.retryAfterMs ?? 0), signal);
      }
    }
  }

  /**
   * Pack `segments` under `limits`, send each batch through `run`, and collect the results in
   * segment order. A batch answered with `PayloadTooLargeError` is split in halves, down to
   * single segments; other provider errors become failures of the batch's segments, and a
   * `QuotaExhaustedError` also cancels the batches not yet done (they fail with it) so the
   * caller can send them elsewhere. Rejects only on abort or on a non-provider error.
   */
  async translateBatches<S extends { readonly id: string; readonly source: string }>(
    translate: TranslateFunction<S>,
    segments: readonly S[],
    limits: BatchLimits,
    options: TranslateBatchesOptions = {},
  ): Promise<BatchOutcome> {
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    // Every queued batch listens on this signal; hundreds of listeners are expected, not a leak.
    setMaxListeners(0, signal);
    const order = new Map(segments.map((segment, index) => [segment.id, index]));
    const results: TranslationResult[] = [];
    const failures: SegmentFailure[] = [];
    let quota: ProviderError | undefined;

    const fail = (batch: readonly S[], error: ProviderError): void => {
      for (const segment of batch) failures.push({ id: segment.id, code: error.kind, error });
    };

    const send = async (batch: readonly S[], characters: number): Promise<void> => {
      if (quota) {
        fail(batch, quota);
        return;
      }
      // Note quota exhaustion as soon as the provider reports it, before p-queue starts the next batch.
      const attempt = async (attemptSignal: AbortSignal): Promise<readonly TranslationResult[]> => {
        if (quota) throw quota;
        try {
          return await translate(batch, attemptSignal);
        } catch (error) {
          if (error instanceof QuotaExhaustedError) quota ??= error;
          throw error;
        }
      };
      try {
        results.push(...(await this.run(characters, attempt, { signal, batch: batch.length })));
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (quota) {
          // Batches already under way are paid for: let them finish; no new one starts.
          fail(batch, quota);
          return;
        }
        if (!(error instanceof ProviderError)) throw error;
        if (error.kind === 'payload_too_large' && batch.length > 1) {
          const middle = Math.ceil(batch.length / 2);
          await Promise.all([batch.slice(0, middle), batch.slice(middle)].map((half) => send(half, countCharacters(half))));
          return;
        }
        fail(batch, error);
      }
    };

    try {
      await Promise.all(packBatches(segments, limits).map((batch) => send(batch.segments, batch.characters)));
    } catch (error) {
      stop.abort(error);
      throw error;
    }
    const position = (id: string): number => order.get(id) ?? Number.POSITIVE_INFINITY;
    results.sort((a, b) => position(a.id) - position(b.id));
    failures.sort((a, b) => position(a.id) - position(b.id));
    return { results, failures };
  }

  /** One attempt, holding a p-queue slot: pass the gate, then run with a timeout. */
  async #attempt<T>(characters: number, attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    await this.#admit(characters, signal);
    signal?.throwIfAborted();
    this.#requests++;
    this.#characters += characters;
    const timeout = new AbortController();
    const timer = setTimeout(() => {
      timeout.abort(new DOMException(`${this.#provider}: no answer within ${this.#timeoutMs} ms`, 'TimeoutError'));
    }, this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    try {
      return await raceAbort((async () => attempt(combined))(), combined);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.signal.aborted) {
        throw new TransientError(`${this.#provider}: timed out after ${this.#timeoutMs} ms`, {
          provider: this.#provider,
          cause: timeout.signal.reason,
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Wait, in FIFO order with the other attempts, until the rate and character budgets allow a start. */
  #admit(characters: number, signal: AbortSignal | undefined): Promise<void> {
    const turn = this.#gate.then(async () => {
      for (;;) {
        signal?.throwIfAborted();
        const wait = this.#waitFor(characters, Date.now());
        if (wait <= 0) break;
        await sleep(wait, signal);
      }
      const now = Date.now();
      this.#lastStart = now;
      if (Number.isFinite(this.#charactersPerMinute)) {
        this.#window.push({ time: now, characters });
        this.#windowCharacters += characters;
      }
    });
    // The next attempt waits for this one's turn, whether it was admitted or aborted.
    this.#gate = turn.catch(() => undefined);
    return turn;
  }

  /** Milliseconds until a request of `characters` may start at `now`; 0 or less means now. */
  #waitFor(characters: number, now: number): number {
    const rateWait = this.#lastStart + this.#spacingMs - now;
    while (this.#window.length > 0 && this.#window[0]!.time + minute <= now) {
      this.#windowCharacters -= this.#window.shift()!.characters;
    }
    let characterWait = 0;
    if (this.#windowCharacters + characters > this.#charactersPerMinute && this.#window.length > 0) {
      // Wait until enough old requests leave the window; an oversized request waits for all of them.
      let remaining = this.#windowCharacters;
      for (const entry of this.#window) {
        remaining -= entry.characters;
        characterWait = entry.time + minute - now;
        if (remaining + characters <= this.#charactersPerMinute) break;
      }
    }
    return Math.max(rateWait, characterWait);
  }
}

function countCharacters(segments: readonly { readonly source: string }[]): number {
  let total = 0;
  for (const segment of segments) total += countCodePoints(segment.source);
  return total;
}
