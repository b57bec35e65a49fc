import { describe, expect, it } from 'vitest';
import {
  classifyHttpError,
  FatalError,
  parseRetryAfter,
  PayloadTooLargeError,
  ProviderError,
  QuotaExhaustedError,
  RateLimitError,
  TransientError,
} from '../../src/queue/index.js';

const none = {};

describe('classifyHttpError', () => {
  it.each([
    ['deepl', 456, '{"message":"Quota for this billing period has been exceeded."}', QuotaExhaustedError],
    ['azure', 403, '{"error":{"code":403001,"message":"Free quota exceeded"}}', QuotaExhaustedError],
    ['openai', 429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, QuotaExhaustedError],
    ['openai', 429, { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } }, RateLimitError],
    ['azure', 429, '{"error":{"code":429001,"message":"too many"}}', RateLimitError],
    ['deepl', 429, '', RateLimitError],
    ['deepl', 413, '{"message":"Request Entity Too Large"}', PayloadTooLargeError],
    ['azure', 400, '{"error":{"code":400077,"message":"max request size"}}', PayloadTooLargeError],
    ['deepl', 529, '', TransientError],
    ['deepl', 500, '', TransientError],
    ['deepl', 504, 'Resource currently unavailable. Try again later.', TransientError],
    ['ollama', 503, 'server busy, please try again.  maximum pending requests exceeded', TransientError],
    ['azure', 408, '{"error":{"code":408001,"message":"preparing"}}', TransientError],
    ['deepl', 403, '', FatalError],
    ['azure', 403, '{"error":{"code":403000,"message":"forbidden"}}', FatalError],
    ['deepl', 400, '{"message":"Value for \'formality\' not supported."}', FatalError],
    ['libretranslate', 404, '{"error":"Not found"}', FatalError],
  ])('%s %i → %o', (provider, status, body, kind) => {
    const error = classifyHttpError(provider, status, none, body);
    expect(error).toBeInstanceOf(kind);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.provider).toBe(provider);
    expect(error.status).toBe(status);
  });

  it('says whether an error is retryable', () => {
    expect(classifyHttpError('deepl', 429, none, '').isRetryable).toBe(true);
    expect(classifyHttpError('deepl', 503, none, '').isRetryable).toBe(true);
    expect(classifyHttpError('deepl', 456, none, '').isRetryable).toBe(false);
    expect(classifyHttpError('deepl', 413, none, '').isRetryable).toBe(false);
    expect(classifyHttpError('deepl', 400, none, '').isRetryable).toBe(false);
  });

  it('carries the context of the failure', () => {
    const error = classifyHttpError('azure', 429, { 'Retry-After': '7' }, '{"error":{"code":429001,"message":"Too many requests"}}');
    expect({
      name: error.name,
      kind: error.kind,
      code: error.code,
      message: error.message,
      status: error.status,
      providerCode: error.providerCode,
      retryAfterMs: error.retryAfterMs,
      attempt: error.attempt,
      batch: error.batch,
      data: error.data,
    }).toMatchInlineSnapshot(`
      {
        "attempt": 1,
        "batch": 0,
        "code": "provider_failed",
        "data": {
          "provider": "azure",
          "reason": "azure: rate limited (HTTP 429): Too many requests",
          "status": 429,
        },
        "kind": "rate_limited",
        "message": "azure: rate limited (HTTP 429): Too many requests",
        "name": "RateLimitError",
        "providerCode": 429001,
        "retryAfterMs": 7000,
        "status": 429,
      }
    `);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delta-seconds, fractions included', () => {
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': '1.5' }, now)).toBe(1500);
  });

  it('reads an HTTP-date', () => {
    expect(parseRetryAfter({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }, now)).toBe(0);
  });

  it('prefers retry-after-ms (OpenAI)', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '1' }), now)).toBe(250);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-5' }, now)).toBeUndefined();
  });

  it('takes the first value of a repeated header', () => {
    expect(parseRetryAfter({ 'retry-after': ['2', '9'] }, now)).toBe(2000);
  });
});

describe('classifyHttpError with Google bodies', () => {
  const v2Error = (code: number, message: string, reason: string, status?: string): unknown => ({
    error: { code, message, errors: [{ message, domain: 'usageLimits', reason }], ...(status === undefined ? {} : { status }) },
  });
  const v3Error = (code: number, message: string, status: string, reason?: string): string =>
    JSON.stringify({ error: { code, message, status, details: reason === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] } });

  it.each([
    ['403 dailyLimitExceeded', 403, v2Error(403, 'Daily Limit Exceeded', 'dailyLimitExceeded', 'PERMISSION_DENIED'), QuotaExhaustedError, 'dailyLimitExceeded'],
    ['403 quotaExceeded', 403, v2Error(403, 'Quota Exceeded', 'quotaExceeded'), QuotaExhaustedError, 'quotaExceeded'],
    ['403 "Daily Limit Exceeded" without a reason', 403, v3Error(403, 'Daily Limit Exceeded', 'PERMISSION_DENIED'), QuotaExhaustedError, 403],
    ['403 userRateLimitExceeded', 403, v2Error(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded', 'PERMISSION_DENIED'), RateLimitError, 'userRateLimitExceeded'],
    ['403 rateLimitExceeded', 403, v2Error(403, 'Rate Limit Exceeded', 'rateLimitExceeded'), RateLimitError, 'rateLimitExceeded'],
    ['429 RESOURCE_EXHAUSTED', 429, v3Error(429, "Quota exceeded for quota metric 'v3 general model characters'", 'RESOURCE_EXHAUSTED', 'RATE_LIMIT_EXCEEDED'), RateLimitError, 'RATE_LIMIT_EXCEEDED'],
    ['400 too many text segments', 400, '{"error":{"code":400,"message":"Too many text segments","errors":[{"message":"Too many text segments","domain":"global","reason":"invalid"}]}}', PayloadTooLargeError, 'invalid'],
    ['400 text is too long', 400, v3Error(400, 'Text is too long.', 'INVALID_ARGUMENT'), PayloadTooLargeError, 400],
    ['400 payload size', 400, v2Error(400, 'Request payload size exceeds the limit: 102400 bytes.', 'badRequest', 'INVALID_ARGUMENT'), PayloadTooLargeError, 'badRequest'],
    ['400 API key not valid', 400, v3Error(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT', 'API_KEY_INVALID'), FatalError, 'API_KEY_INVALID'],
    ['400 invalid language', 400, v2Error(400, 'Invalid Value', 'invalid', 'INVALID_ARGUMENT'), FatalError, 'invalid'],
    ['401 unauthenticated', 401, v3Error(401, 'Request had invalid authentication credentials.', 'UNAUTHENTICATED'), FatalError, 401],
    ['403 forbidden', 403, v2Error(403, 'The caller does not have permission', 'forbidden', 'PERMISSION_DENIED'), FatalError, 'forbidden'],
    ['500 backendError', 500, v2Error(500, 'Internal error encountered.', 'backendError', 'INTERNAL'), TransientError, 'backendError'],
    ['503 unavailable', 503, v3Error(503, 'The service is currently unavailable.', 'UNAVAILABLE'), TransientError, 503],
  ])('%s', (_, status, body, kind, providerCode) => {
    const error = classifyHttpError('google', status, none, body);
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ provider: 'google', status, providerCode });
  });

  it('honours Retry-After on Google rate limits, and never retries the daily limit', () => {
    expect(classifyHttpError('google', 403, { 'retry-after': '4' }, v2Error(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 4000 });
    expect(classifyHttpError('google', 429, { 'retry-after': '1' }, v3Error(429, 'Quota exceeded', 'RESOURCE_EXHAUSTED'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(classifyHttpError('google', 403, { 'retry-after': '4' }, v2Error(403, 'Daily Limit Exceeded', 'dailyLimitExceeded')).isRetryable).toBe(false);
  });

  it('keeps other providers’ 400 and 403 answers as they were', () => {
    expect(classifyHttpError('deepl', 400, none, '{"message":"Too many texts: at most 50 texts per request."}')).toBeInstanceOf(FatalError);
    expect(classifyHttpError('azure', 403, none, '{"error":{"code":403000,"message":"Daily Limit Exceeded"}}')).toBeInstanceOf(FatalError);
    expect(classifyHttpError('azure', 400, none, '{"error":{"code":400072,"message":"too many elements"}}')).toMatchObject({ kind: 'payload_too_large', providerCode: 400072 });
  });
});
