/** A logged-in session on a running `lethe serve`, over real HTTP. */
export interface ApiSession {
  /** The same session against another server of the deployment (sessions live in the shared store). */
  at(baseUrl: string): ApiSession;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A raw GET (a download). */
  get(path: string): Promise<Response>;
}

function session(baseUrl: string, cookie: string, csrfToken: string): ApiSession {
  const headers = { cookie, 'x-csrf-token': csrfToken };
  return {
    at: (other) => session(other, cookie, csrfToken),
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${baseUrl}${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    get: (path) => fetch(`${baseUrl}${path}`, { headers }),
  };
}

/** Logs in with POST /api/v1/session; the session cookie and the CSRF token go with every later call. */
export async function logIn(baseUrl: string, username: string, password: string): Promise<ApiSession> {
  const response = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${text}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('lethe_session='));
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken } = JSON.parse(text) as { csrfToken: string };
  return session(baseUrl, cookie, csrfToken);
}
