import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FatalError,
  PayloadTooLargeError,
  ProviderQueue,
  QuotaExhaustedError,
  RateLimitError,
  TransientError,
  type ProviderQueueOptions,
} from '../../src/queue/index.js';
import type { TranslationResult } from '../../src/providers/types.js';

const provider = 'fake';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

/** A request that answers after `ms` (fake time), or rejects when its signal aborts. */
function respond<T>(value: T, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Settle a promise's state without awaiting it, so fake time can run meanwhile. */
function track<T>(promise: Promise<T>): { readonly state: () => 'pending' | 'fulfilled' | 'rejected'; readonly reason: () => unknown } {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  let reason: unknown;
  promise.then(
    () => (state = 'fulfilled'),
    (error: unknown) => {
      state = 'rejected';
      reason = error;
    },
  );
  return { state: () => state, reason: () => reason };
}

describe('options', () => {
  it.each<[ProviderQueueOptions, string]>([
    [{ concurrency: 0 }, 'Expected `concurrency` to be a number from 1 and up, got `0` (number)'],
    [{ requestsPerSecond: 0 }, 'Expected `requestsPerSecond` to be a number above 0, got `0` (number)'],
    [{ charactersPerMinute: -1 }, 'Expected `charactersPerMinute` to be a number above 0, got `-1` (number)'],
    [{ maxRetries: Number.NaN }, 'Expected `maxRetries` to be a number from 0 and up, got `NaN` (number)'],
    [{ baseDelayMs: 1000, maxDelayMs: 10 }, 'Expected `maxDelayMs` to be a number from 1000 and up, got `10` (number)'],
    [{ timeoutMs: '5' as unknown as number }, 'Expected `timeoutMs` to be a number above 0, got `5` (string)'],
    [{ random: 4 as unknown as () => number }, 'Expected `random` to be a function, got `4` (number)'],
  ])('rejects %o', (options, message) => {
    expect(() => new ProviderQueue(options)).toThrow(new TypeError(message));
  });
});

describe('limits', () => {
  it('never starts more than requestsPerSecond requests in any 1-second window', async () => {
    const queue = new ProviderQueue({ requestsPerSecond: 5, concurrency: 10 });
    const starts: number[] = [];
    const runs = Array.from({ length: 23 }, () =>
      queue.run(10, (signal) => {
        starts.push(Date.now());
        return respond('ok', 50, signal);
      }),
    );
    await vi.runAllTimersAsync();
    await Promise.all(runs);
    expect(starts).toHaveLength(23);
    for (const end of starts) {
      expect(starts.filter((start) => start > end - 1000 && start <= end).length).toBeLessThanOrEqual(5);
    }
    // Evenly spaced, so the last start is at 22 × 200 ms.
    expect(starts.at(-1)).toBe(22 * 200);
    expect(queue.requests).toBe(23);
    expect(queue.characters).toBe(230);
  });

  it('never sends more than charactersPerMinute characters in any 60-second window', async () => {
    const queue = new ProviderQueue({ charactersPerMinute: 5000, concurrency: 3 });
    const sizes = [1200, 3000, 700, 2500, 4000, 900, 1800, 5000, 100, 2600, 3300, 400];
    const sent: { time: number; characters: number }[] = [];
    const runs = sizes.map((characters) =>
      queue.run(characters, (signal) => {
        sent.push({ time: Date.now(), characters });
        return respond(characters, 2000, signal);
      }),
    );
    await vi.runAllTimersAsync();
    await expect(Promise.all(runs)).resolves.toEqual(sizes);
    expect(sent.map((entry) => entry.characters)).toEqual(sizes);
    for (const { time: end } of sent) {
      const total = sent.filter(({ time }) => time > end - 60_000 && time <= end).reduce((sum, entry) => sum + entry.characters, 0);
      expect(total).toBeLessThanOrEqual(5000);
    }
  });

  it('lets a request larger than the whole character budget go alone once the window is empty', async () => {
    const queue = new ProviderQueue({ charactersPerMinute: 1000 });
    const sent: number[] = [];
    const run = (characters: number): Promise<number> =>
      queue.run(characters, async () => {
        sent.push(Date.now());
        return characters;
      });
    const runs = [run(600), run(5000), run(10)];
    await vi.runAllTimersAsync();
    await Promise.all(runs);
    expect(sent).toEqual([0, 60_000, 120_000]);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const queue = new ProviderQueue({ concurrency: 3 });
    let active = 0;
    let most = 0;
    const runs = Array.from({ length: 12 }, (_, index) =>
      queue.run(1, async (signal) => {
        active++;
        most = Math.max(most, active);
        try {
          return await respond(index, 100 + (index % 4) * 70, signal);
        } finally {
          active--;
        }
      }),
    );
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.pending).toBe(3);
    expect(queue.size).toBe(9);
    await vi.runAllTimersAsync();
    expect(await Promise.all(runs)).toEqual([...Array.from({ length: 12 }).keys()]);
    expect(most).toBe(3);
  });
});

describe('retries', () => {
  function failing(errors: Error[], times: number[]): (signal: AbortSignal) => Promise<string> {
    return async () => {
      times.push(Date.now());
      const error = errors.shift();
      if (error) throw error;
      return 'done';
    };
  }

  it('backs off exponentially with full jitter, up to maxDelayMs', async () => {
    const queue = new ProviderQueue({ baseDelayMs: 500, maxDelayMs: 3000, random: () => 1 });
    const times: number[] = [];
    const errors = Array.from({ length: 5 }, () => new TransientError('busy', { provider, status: 503 }));
    const result = queue.run(1, failing(errors, times));
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    const gaps = times.slice(1).map((time, index) => time - times[index]!);
    expect(gaps).toEqual([500, 1000, 2000, 3000, 3000]);
    expect(queue.retries).toBe(5);
    expect(queue.requests).toBe(6);
  });

  it('draws the jitter between 0 and the backoff', async () => {
    const queue = new ProviderQueue({ baseDelayMs: 1000, random: () => 0.25 });
    const times: number[] = [];
    const result = queue.run(1, failing([new TransientError('x', { provider }), new TransientError('x', { provider })], times));
    await vi.runAllTimersAsync();
    await result;
    expect(times).toEqual([0, 250, 750]);
  });

  it('honours a Retry-After longer than the backoff, and ignores a shorter one', async () => {
    const queue = new ProviderQueue({ baseDelayMs: 500, random: () => 1 });
    const times: number[] = [];
    const errors = [
      new RateLimitError('slow down', { provider, status: 429, retryAfterMs: 10_000 }),
      new RateLimitError('slow down', { provider, status: 429, retryAfterMs: 100 }),
    ];
    const result = queue.run(1, failing(errors, times));
    await vi.runAllTimersAsync();
    await result;
    expect(times).toEqual([0, 10_000, 11_000]);
  });

  it('gives up after maxRetries, with the attempt and batch on the error', async () => {
    const queue = new ProviderQueue({ maxRetries: 2, random: () => 0 });
    const times: number[] = [];
    const errors = Array.from({ length: 5 }, () => new RateLimitError('slow down', { provider, status: 429 }));
    const result = track(queue.run(1, failing(errors, times), { batch: 7 }));
    await vi.runAllTimersAsync();
    expect(result.state()).toBe('rejected');
    expect(result.reason()).toBeInstanceOf(RateLimitError);
    expect(result.reason()).toMatchObject({ attempt: 3, batch: 7 });
    expect(times).toHaveLength(3);
  });

  it.each([
    ['quota', new QuotaExhaustedError('quota', { provider, status: 456 })],
    ['fatal', new FatalError('bad', { provider, status: 400 })],
    ['too large', new PayloadTooLargeError('big', { provider, status: 413 })],
    ['not a provider error', new TypeError('bug')],
  ])('does not retry: %s', async (_, error) => {
    const queue = new ProviderQueue();
    const times: number[] = [];
    const result = track(queue.run(1, failing([error], times)));
    await vi.runAllTimersAsync();
    expect(result.reason()).toBe(error);
    expect(times).toEqual([0]);
    expect(queue.retries).toBe(0);
  });
});

describe('timeouts', () => {
  it('aborts an attempt after timeoutMs and retries it as transient', async () => {
    const queue = new ProviderQueue({ timeoutMs: 1000, random: () => 0 });
    const signals: AbortSignal[] = [];
    const result = queue.run(1, (signal) => {
      signals.push(signal);
      return respond('late', signals.length === 1 ? 5000 : 10, signal);
    });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('late');
    expect(signals).toHaveLength(2);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('rejects with a TransientError caused by the timeout, even when the attempt ignores its signal', async () => {
    const queue = new ProviderQueue({ provider: 'deepl', timeoutMs: 1000, maxRetries: 0 });
    const result = track(queue.run(1, () => new Promise<never>(() => undefined), { batch: 3 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(result.state()).toBe('rejected');
    const error = result.reason() as TransientError;
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe('deepl: timed out after 1000 ms');
    expect((error.cause as DOMException).name).toBe('TimeoutError');
    expect(error).toMatchObject({ provider: 'deepl', attempt: 1, batch: 3 });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('abort', () => {
  const reason = new Error('Ctrl-C');

  it('rejects at once mid-request and aborts the request', async () => {
    const queue = new ProviderQueue();
    const controller = new AbortController();
    let requestSignal: AbortSignal | undefined;
    const result = track(
      queue.run(
        1,
        (signal) => {
          requestSignal = signal;
          return respond('x', 10_000, signal);
        },
        { signal: controller.signal },
      ),
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(result.state()).toBe('rejected');
    expect(result.reason()).toBe(reason);
    expect(requestSignal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.pending).toBe(0);
  });

  it('rejects at once while waiting for the rate limit, and the next request keeps its turn', async () => {
    const queue = new ProviderQueue({ requestsPerSecond: 1 });
    const controller = new AbortController();
    const starts: number[] = [];
    const request = async (): Promise<number> => {
      starts.push(Date.now());
      return Date.now();
    };
    const first = queue.run(1, request);
    const second = track(queue.run(1, request, { signal: controller.signal }));
    const third = queue.run(1, request);
    await vi.advanceTimersByTimeAsync(300);
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(second.state()).toBe('rejected');
    expect(second.reason()).toBe(reason);
    await vi.runAllTimersAsync();
    expect(await first).toBe(0);
    expect(await third).toBe(1000);
    expect(starts).toEqual([0, 1000]);
  });

  it('rejects at once while waiting for a slot', async () => {
    const queue = new ProviderQueue({ concurrency: 1 });
    const controller = new AbortController();
    const busy = queue.run(1, (signal) => respond('busy', 1000, signal));
    let called = false;
    const waiting = track(
      queue.run(
        1,
        async () => {
          called = true;
        },
        { signal: controller.signal },
      ),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(queue.size).toBe(1);
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.reason()).toBe(reason);
    expect(queue.size).toBe(0);
    await vi.runAllTimersAsync();
    await busy;
    expect(called).toBe(false);
  });

  it('rejects at once during a backoff, without another attempt', async () => {
    const queue = new ProviderQueue({ baseDelayMs: 5000, random: () => 1 });
    const controller = new AbortController();
    let attempts = 0;
    const result = track(
      queue.run(
        1,
        async () => {
          attempts++;
          throw new TransientError('busy', { provider });
        },
        { signal: controller.signal },
      ),
    );
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(result.reason()).toBe(reason);
    expect(attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects before doing anything when already aborted', async () => {
    const queue = new ProviderQueue();
    let called = false;
    await expect(
      queue.run(
        1,
        async () => {
          called = true;
        },
        { signal: AbortSignal.abort(reason) },
      ),
    ).rejects.toBe(reason);
    expect(called).toBe(false);
  });
});

describe('translateBatches', () => {
  interface Segment {
    readonly id: string;
    readonly source: string;
  }
  const input: Segment[] = Array.from({ length: 10 }, (_, index) => ({ id: `s${index}`, source: `zdanie ${index}` }));

  function translated(batch: readonly Segment[]): TranslationResult[] {
    return batch.map((segment) => ({ id: segment.id, target: segment.source.toUpperCase(), origin: 'mt:fake' }));
  }

  it('splits a batch answered with 413 in halves, down to a single failing segment', async () => {
    vi.useRealTimers();
    const queue = new ProviderQueue();
    const sizes: number[] = [];
    const huge = { id: 'huge', source: 'x'.repeat(50) };
    const segments = [...input.slice(0, 5), huge, ...input.slice(5)];
    const outcome = await queue.translateBatches(
      async (batch) => {
        sizes.push(batch.length);
        if (batch.length > 3 || batch.includes(huge)) throw new PayloadTooLargeError('too large', { provider, status: 413 });
        return translated(batch);
      },
      segments,
      { maxSegments: 8 },
    );
    expect(outcome.results.map((result) => result.id)).toEqual(input.map((segment) => segment.id));
    expect(outcome.failures.map(({ id, code }) => ({ id, code }))).toEqual([{ id: 'huge', code: 'payload_too_large' }]);
    expect(outcome.failures[0]?.error).toMatchObject({ batch: 1, attempt: 1 });
    expect(sizes[0]).toBe(8);
    expect(queue.retries).toBe(0);
  });

  it('on quota exhaustion keeps what was done and fails the rest, for failover', async () => {
    vi.useRealTimers();
    const queue = new ProviderQueue({ concurrency: 1 });
    let calls = 0;
    const outcome = await queue.translateBatches(
      async (batch) => {
        calls++;
        if (calls === 2) throw new QuotaExhaustedError('quota', { provider, status: 456 });
        return translated(batch);
      },
      input,
      { maxSegments: 3 },
    );
    expect(calls).toBe(2);
    expect(outcome.results.map((result) => result.id)).toEqual(['s0', 's1', 's2']);
    expect(outcome.failures.map((failure) => failure.id)).toEqual(input.slice(3).map((segment) => segment.id));
    expect(new Set(outcome.failures.map((failure) => failure.code))).toEqual(new Set(['quota_exhausted']));
  });

  it('turns a fatal error into failures of that batch only', async () => {
    vi.useRealTimers();
    const queue = new ProviderQueue();
    const outcome = await queue.translateBatches(
      async (batch) => {
        if (batch.some((segment) => segment.id === 's4')) throw new FatalError('bad XML', { provider, status: 400 });
        return translated(batch);
      },
      input,
      { maxSegments: 2 },
    );
    expect(outcome.results).toHaveLength(8);
    expect(outcome.failures.map(({ id, code }) => `${id}:${code}`)).toEqual(['s4:fatal', 's5:fatal']);
  });

  it('rejects with the reason when aborted', async () => {
    const queue = new ProviderQueue();
    const controller = new AbortController();
    const result = track(
      queue.translateBatches((batch, signal) => respond(translated(batch), 1000, signal), input, { maxSegments: 2 }, { signal: controller.signal }),
    );
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.state()).toBe('rejected');
    expect((result.reason() as Error).message).toBe('stop');
    expect(vi.getTimerCount()).toBe(0);
  });
});
