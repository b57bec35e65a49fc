/**
 * Errors of machine-translation providers, and the classifier that turns an HTTP answer
 * into one of them.
 *
 * 1. The class says what the queue does next: `RateLimitError` and `TransientError` are
 *    retried with backoff; `QuotaExhaustedError` is never retried (the caller fails over to
 *    the next provider); `PayloadTooLargeError` is answered by splitting the batch;
 *    `FatalError` is given up on at once.
 * 2. Every error carries its context — provider, HTTP status, attempt, batch size — and the
 *    underlying `cause`, and is a `HansaError` with code `provider_failed`, so the CLI can
 *    word it through i18next.
 * 3. Statuses and bodies follow `reference/providers.md` §1.3, §2, §3, §6.1 and §9.
 */

import { HansaError } from '../errors/index.js';

/** What went wrong, as a closed set of kinds. */
export type ProviderErrorKind = 'rate_limited' | 'quota_exhausted' | 'payload_too_large' | 'transient' | 'fatal';

/** Options of every provider error. */
export interface ProviderErrorOptions {
  /** Provider name, e.g. `deepl`. */
  readonly provider: string;
  /** HTTP status, when the error came from an HTTP answer. */
  readonly status?: number;
  /** The provider's own error code (Azure `429001`, OpenAI `insufficient_quota`, DeepL `code`). */
  readonly providerCode?: string | number;
  /** How long the provider asked us to wait, from `Retry-After` or `retry-after-ms`. */
  readonly retryAfterMs?: number;
  /** Attempt number, from 1. Default: `1`; the queue sets it. */
  readonly attempt?: number;
  /** Segments in the request. Default: `0` (unknown); the queue sets it. */
  readonly batch?: number;
  readonly cause?: unknown;
}

/**
 * Base class of the provider errors; check a kind with `instanceof` on a subclass or
 * with `kind`.
 */
export abstract class ProviderError extends HansaError {
  abstract readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerCode: string | number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Attempt that failed, from 1; updated by the queue as the error passes through it. */
  attempt: number;
  /** Segments in the failed request (`0` when unknown); updated by the queue. */
  batch: number;

  constructor(message: string, options: ProviderErrorOptions) {
    super('provider_failed', message, {
      data: { provider: options.provider, reason: message, ...(options.status === undefined ? {} : { status: options.status }) },
      cause: options.cause,
    });
    this.provider = options.provider;
    this.status = options.status;
    this.providerCode = options.providerCode;
    this.retryAfterMs = options.retryAfterMs;
    this.attempt = options.attempt ?? 1;
    this.batch = options.batch ?? 0;
  }

  /** Whether trying the same request again later can succeed. */
  get isRetryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}

/** Too many requests (HTTP 429): retried after `Retry-After` or a backoff, whichever is longer. */
export class RateLimitError extends ProviderError {
  override readonly name = 'RateLimitError';
  readonly kind = 'rate_limited';
}

/** The account's quota or budget is used up (DeepL 456, Azure 403001, OpenAI `insufficient_quota`): never retried. */
export class QuotaExhaustedError extends ProviderError {
  override readonly name = 'QuotaExhaustedError';
  readonly kind = 'quota_exhausted';
}

/** The request was too big (HTTP 413, Azure 400050/400072/400077): split the batch and try again. */
export class PayloadTooLargeError extends ProviderError {
  override readonly name = 'PayloadTooLargeError';
  readonly kind = 'payload_too_large';
}

/** Server error, overload, network failure or timeout (5xx, 529, 408): retried after a wait. */
export class TransientError extends ProviderError {
  override readonly name = 'TransientError';
  readonly kind = 'transient';
}

/** Any other client error (bad request, authentication, unsupported language): not retried. */
export class FatalError extends ProviderError {
  override readonly name = 'FatalError';
  readonly kind = 'fatal';
}

/** Response headers: a fetch `Headers` or a plain object such as node's `IncomingHttpHeaders`. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

/**
 * How long the provider asks us to wait, in milliseconds: `retry-after-ms` (OpenAI) first,
 * then `Retry-After` as delta-seconds or as an HTTP-date. `undefined` when absent or unreadable;
 * a date in the past gives `0`.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const milliseconds = header(headers, 'retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // An HTTP-date always names the day and month; bare numbers like `-5` are not dates.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

interface ErrorBody {
  readonly code: string | number | undefined;
  readonly message: string | undefined;
}

/** Read `{message, code}` (DeepL), `{error: {code, message}}` (Azure, OpenAI) or `{error: "…"}` (LibreTranslate). */
function readBody(body: unknown): ErrorBody {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { code: undefined, message: body.trim().slice(0, 200) || undefined };
    }
  }
  if (typeof value !== 'object' || value === null) return { code: undefined, message: undefined };
  const record = value as Record<string, unknown>;
  const inner = record['error'];
  const source = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : record;
  const code = source['code'];
  const message = source['message'] ?? source['detail'] ?? (typeof inner === 'string' ? inner : undefined);
  return {
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

const azureTooLarge = new Set(['400050', '400072', '400077']);

/** What a Google error body says: `{error: {code, message, status, errors: [{reason}], details: [{reason}]}}`. */
interface GoogleErrorBody {
  /** `errors[].reason` (v2, e.g. `dailyLimitExceeded`) and `details[].reason` (v3 `ErrorInfo`, e.g. `RATE_LIMIT_EXCEEDED`). */
  readonly reasons: readonly string[];
  readonly message: string;
}

function reasonsOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const reason = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['reason'] : undefined;
    return typeof reason === 'string' ? [reason] : [];
  });
}

/**
 * Read a Google error body; `undefined` for any other shape. Google's is recognised by its
 * `errors` or `details` list or its gRPC `status` name, which no other provider sends, so the
 * rules below cannot change how other providers' answers are read.
 */
function readGoogleBody(body: unknown): GoogleErrorBody | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['error'] : undefined;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const error = inner as Record<string, unknown>;
  if (!Array.isArray(error['errors']) && !Array.isArray(error['details']) && typeof error['status'] !== 'string') return undefined;
  const message = error['message'];
  return { reasons: [...reasonsOf(error['errors']), ...reasonsOf(error['details'])], message: typeof message === 'string' ? message : '' };
}

// Google's quota guide: 403 "Daily Limit Exceeded" is spent until midnight Pacific time;
// 403 "User Rate Limit Exceeded" and 429 pass within the minute.
const googleQuotaReasons = new Set(['dailylimitexceeded', 'dailylimitexceededunreg', 'quotaexceeded']);
const googleRateReasons = new Set(['userratelimitexceeded', 'userratelimitexceededunreg', 'ratelimitexceeded', 'rate_limit_exceeded']);
// v2 "Too many text segments", v3 "Text is too long.", the front end's "Request payload size exceeds the limit".
const googleTooLarge = /too many|too long|too large|payload size|exceeds the (limit|maximum)/i;

/** The kind a Google body gives a 400, 403 or 429, or `undefined` to classify it as any other answer. */
function googleKind(status: number, google: GoogleErrorBody): 'quota_exhausted' | 'rate_limited' | 'payload_too_large' | undefined {
  const reasons = google.reasons.map((reason) => reason.toLowerCase());
  const says = (set: ReadonlySet<string>, words: RegExp): boolean => reasons.some((reason) => set.has(reason)) || words.test(google.message);
  if ((status === 403 || status === 429) && says(googleQuotaReasons, /daily limit exceeded/i)) return 'quota_exhausted';
  if (status === 403 && says(googleRateReasons, /rate limit exceeded/i)) return 'rate_limited';
  if (status === 400 && googleTooLarge.test(google.message)) return 'payload_too_large';
  return undefined;
}

/**
 * Turn a failed HTTP answer into a provider error.
 *
 * `body` is the response text or its parsed JSON; `now` is for parsing an HTTP-date
 * `Retry-After` and defaults to `Date.now()`.
 */
export function classifyHttpError(
  provider: string,
  status: number,
  headers: HeaderSource,
  body: unknown,
  now: number = Date.now(),
): ProviderError {
  const { code, message } = readBody(body);
  const codeText = code === undefined ? undefined : String(code);
  const retryAfterMs = parseRetryAfter(headers, now);
  const google = readGoogleBody(body);
  // Google's `code` repeats the HTTP status; its reason says more.
  const options: ProviderErrorOptions = { provider, status, providerCode: google?.reasons[0] ?? code, retryAfterMs };
  const detail = message === undefined ? '' : `: ${message}`;

  const googleError = google === undefined ? undefined : googleKind(status, google);
  if (googleError === 'quota_exhausted') return new QuotaExhaustedError(`${provider}: quota exhausted (HTTP ${status})${detail}`, options);
  if (googleError === 'rate_limited') return new RateLimitError(`${provider}: rate limited (HTTP ${status})${detail}`, options);
  if (googleError === 'payload_too_large') return new PayloadTooLargeError(`${provider}: request too large (HTTP ${status})${detail}`, options);
  // LibreTranslate bans a client that keeps breaking its limits (403 "Too many request limits
  // violations") until an operator lifts it: as good as a spent quota.
  const libreBan = status === 403 && message !== undefined && /too many request limits violations/i.test(message);
  if (status === 456 || (status === 403 && codeText === '403001') || (status === 429 && codeText === 'insufficient_quota') || libreBan) {
    return new QuotaExhaustedError(`${provider}: quota exhausted (HTTP ${status})${detail}`, options);
  }
  if (status === 429) return new RateLimitError(`${provider}: rate limited (HTTP 429)${detail}`, options);
  if (status === 413 || (status === 400 && codeText !== undefined && azureTooLarge.has(codeText))) {
    return new PayloadTooLargeError(`${provider}: request too large (HTTP ${status})${detail}`, options);
  }
  if (status >= 500 || status === 408) {
    return new TransientError(`${provider}: server unavailable (HTTP ${status})${detail}`, options);
  }
  return new FatalError(`${provider}: request refused (HTTP ${status})${detail}`, options);
}
