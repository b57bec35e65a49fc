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
