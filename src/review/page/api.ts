/**
 * The page's client for the server's JSON routes (`../api.ts` is the contract).
 *
 * 1. The session token comes from the page's own URL (`?token=…`) and goes out in the
 *    `X-Hansa-Token` header on every `/api/` request; it stays in the URL so reloads work.
 * 2. A save's answer is a closed union (`saved`, `conflict`, `refused`), so the editor must
 *    handle each; any other failure rejects with an `ApiError` carrying the server's message.
 */
import type {
  ArticleView,
  CheckRequest,
  CheckResult,
  Conflict,
  ErrorBody,
  Overview,
  Preview,
  Refused,
  SaveRequest,
  SaveResult,
  SearchResult,
  Session,
} from '../api.js';

/** A failed request: the HTTP status and the server's `ErrorBody`, when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The outcome of `POST /api/save`. */
export type SaveOutcome =
  | { readonly kind: 'saved'; readonly result: SaveResult }
  | { readonly kind: 'conflict'; readonly conflict: Conflict }
  | { readonly kind: 'refused'; readonly refused: Refused };

const token = new URLSearchParams(location.search).get('token') ?? '';

function headers(json: boolean): Headers {
  const result = new Headers({ Accept: 'application/json', 'X-Hansa-Token': token });
  if (json) result.set('Content-Type', 'application/json');
  return result;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    // Not JSON: keep the status text.
  }
  return new ApiError(response.status, body.error ?? 'internal', body.message ?? `${response.status} ${response.statusText}`);
}

async function getJson<T>(path: string, params: Readonly<Record<string, string | undefined>> = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  const search = query.toString();
  const response = await fetch(search ? `${path}?${search}` : path, { headers: headers(false), signal: signal ?? null });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

async function postJson(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body), signal: signal ?? null });
}

/** `GET /api/session`. */
export const getSession = (): Promise<Session> => getJson<Session>('/api/session');

/** `GET /api/overview`. */
export const getOverview = (): Promise<Overview> => getJson<Overview>('/api/overview');

/** `GET /api/search`; `signal` cancels a search the user has typed past. */
export const search = (q: string, lang: string | undefined, signal?: AbortSignal): Promise<SearchResult> =>
  getJson<SearchResult>('/api/search', { q, lang }, signal);

/** `GET /api/article`. */
export const getArticle = (file: string, lang: string): Promise<ArticleView> => getJson<ArticleView>('/api/article', { file, lang });

/** `GET /api/preview`. */
export const getPreview = (file: string, lang: string): Promise<Preview> => getJson<Preview>('/api/preview', { file, lang });

/** `POST /api/check`: the findings a target would get; writes nothing. */
export async function check(request: CheckRequest, signal?: AbortSignal): Promise<CheckResult> {
  const response = await postJson('/api/check', request, signal);
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as CheckResult;
}

/** `POST /api/save`: saved, or the conflict (409) or refusal (422) as data. */
export async function save(request: SaveRequest): Promise<SaveOutcome> {
  const response = await postJson('/api/save', request);
  if (response.ok) return { kind: 'saved', result: (await response.json()) as SaveResult };
  if (response.status === 409 || response.status === 422) {
    const body = (await response.clone().json().catch(() => ({}))) as { error?: string; current?: unknown; findings?: unknown };
    if (response.status === 409 && body.error === 'conflict' && body.current) return { kind: 'conflict', conflict: body as Conflict };
    if (response.status === 422 && body.error === 'refused' && Array.isArray(body.findings)) return { kind: 'refused', refused: body as Refused };
  }
  throw await errorOf(response);
}
