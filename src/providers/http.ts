import { classifyHttpError, TransientError } from '../queue/index.js';

/**
 * `text` with the user information of every URL in it hidden: `https://user:pass@host/` →
 * `https://***@host/`. Base URLs come from the environment and may carry credentials
 * (`LIBRETRANSLATE_URL=https://user:pass@mt.example`); fetch quotes the URL in its errors, and
 * those messages reach the terminal, `--json` and CI logs, where credentials must never be.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\/\/[^\s/?#@]+@/g, '//***@');
}

/**
 * A network failure as a retryable provider error, its message redacted. The original error
 * is kept as the cause only when it quotes no credentials.
 */
export function unreachable(provider: string, label: string, error: unknown): TransientError {
  const reason = error instanceof Error ? error.message : String(error);
  const redacted = redactUrlCredentials(reason);
  return new TransientError(`${label} could not be reached: ${redacted}`, { provider, ...(redacted === reason ? { cause: error } : {}) });
}

/**
 * One HTTP exchange with a provider: network failures become retryable errors (unless
 * the caller aborted), error statuses are classified, and the body comes back as JSON
 * (undefined when it is not JSON: the caller's schema check then refuses it).
 */
export async function requestJson(
  provider: string,
  label: string,
  doFetch: typeof fetch,
  url: string,
  init: RequestInit,
  signal: AbortSignal | undefined,
): Promise<{ json: unknown; status: number }> {
  let response: Response;
  try {
    response = await doFetch(url, { ...init, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw unreachable(provider, label, error);
  }
  // An error body may quote the request URL back; a translation is left as it is.
  const body = await response.text();
  const text = response.ok ? body : redactUrlCredentials(body);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) throw classifyHttpError(provider, response.status, response.headers, json ?? text);
  return { json, status: response.status };
}
