import { classifyHttpError, TransientError } from '../queue/index.js';

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
    throw new TransientError(`${label} could not be reached: ${(error as Error).message}`, { provider, cause: error });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) throw classifyHttpError(provider, response.status, response.headers, json ?? text);
  return { json, status: response.status };
}
