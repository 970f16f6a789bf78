/** The error envelope every API error comes in: `{ error: { code, message, details } }`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** An API call that did not succeed: the HTTP status, the error code, and the field it concerns (if any). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }

  /** The field the error names, as the API gives it (`details.field`, such as `idnumber` or `items.2.mode`). */
  get field(): string | undefined {
    const field = this.details['field'];
    return typeof field === 'string' && field !== '' ? field : undefined;
  }
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[];
export type Query = Record<string, QueryValue>;

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** The session's CSRF token, sent in the x-csrf-token header with every unsafe request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an API call answers 401 (the session ended): the app goes back to the login page. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** `?a=1&b=x`, leaving out empty values; arrays repeat the key. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const v of value) params.append(key, v);
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function fallbackBody(status: number, text: string): ApiErrorBody {
  return {
    code: status === 0 ? 'LETHE_E_NETWORK' : `HTTP_${status}`,
    message:
      status === 0
        ? 'The server cannot be reached. Check your connection and try again.'
        : `The server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}.`,
    details: {},
  };
}

function isErrorEnvelope(value: unknown): value is { error: ApiErrorBody } {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Don't treat a 401 as the end of the session (the session probe and the login form). */
  quiet401?: boolean;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Calls the API: JSON in and out, the session cookie, and the CSRF header on unsafe methods. Resolves with the
 * parsed body (undefined for 204), or rejects with an ApiError carrying the API's code, message and field.
 */
export async function apiFetch<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (unsafe.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${path}${queryString(options.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, fallbackBody(0, ''));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const body = isErrorEnvelope(parsed) ? parsed.error : fallbackBody(response.status, text);
    const error = new ApiError(response.status, { ...body, details: body.details ?? {} });
    if (response.status === 401 && !options.quiet401) {
      for (const listener of unauthenticatedListeners) listener();
    }
    throw error;
  }
  return parsed as T;
}

export const http = {
  get: <T>(path: string, query?: Query, options: RequestOptions = {}) =>
    apiFetch<T>('GET', path, { ...options, ...(query ? { query } : {}) }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    apiFetch<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => apiFetch<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => apiFetch<T>('PATCH', path, { body }),
  delete: <T>(path: string) => apiFetch<T>('DELETE', path),
};

/** A path segment, escaped. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
