import { expect, it } from 'vitest';
import { listAudit } from '../../src/engine/audit/index.js';
import type { OpenApiDocument } from '../../src/server/index.js';
import { openApiPath } from '../../src/server/openapi/build-document.js';
import { describeEachStore } from '../support/stores.js';
import { caller, loginCaller, passwords, serverFixture } from './server-fixture.js';

function noStack(body: string): void {
  expect(body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describeEachStore('the HTTP layer', ({ store }) => {
  it('documents every route Fastify has, with a params schema naming every path parameter', async () => {
    const fx = await serverFixture(store());
    await fx.app.ready();
    const doc = (await fx.anonymous.request({ url: '/api/v1/openapi.json' })).json() as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const undocumented = fx.app.lethe.routes
      .filter((r) => r.method !== 'HEAD')
      .filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.url}`);
    expect(undocumented).toEqual([]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(
          op.parameters.filter((p) => p.in === 'path').map((p) => p.name),
          `${path}`,
        ).toEqual(names);
        expect(Object.keys(op.responses).length, path).toBeGreaterThan(0);
        if (op.requestBody) {
          const schema = op.requestBody.content['application/json']?.schema ?? {};
          expect(schema['additionalProperties'], `${path}: unknown body fields are refused`).toBe(false);
        }
      }
    }
    await fx.close();
  });

  it('answers bad input with a 4xx envelope naming the problem, never a 500 or a stack', async () => {
    const fx = await serverFixture(store());
    const cases: [string, Parameters<typeof fx.admin.request>[0], number, string, string?][] = [
      [
        'bad JSON',
        {
          method: 'POST',
          url: '/api/v1/roles',
          payload: '{"shortname":',
          headers: { 'content-type': 'application/json' },
        },
        400,
        'LETHE_E_INVALID_INPUT',
      ],
      [
        'not JSON',
        {
          method: 'POST',
          url: '/api/v1/roles',
          payload: 'shortname=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        415,
        'LETHE_E_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'too large',
        { method: 'POST', url: '/api/v1/roles', payload: { shortname: 'x', name: 'x'.repeat(1_100_000) } },
        413,
        'LETHE_E_PAYLOAD_TOO_LARGE',
      ],
      [
        'unknown field',
        { method: 'POST', url: '/api/v1/roles', payload: { shortname: 'x', name: 'X', admin: true } },
        400,
        'LETHE_E_INVALID_INPUT',
        'admin',
      ],
      [
        'wrong type',
        { method: 'POST', url: '/api/v1/roles', payload: { shortname: 'x', name: 42 } },
        400,
        'LETHE_E_INVALID_INPUT',
        'name',
      ],
      [
        'too long',
        { method: 'POST', url: '/api/v1/roles', payload: { shortname: 'x', name: 'n'.repeat(256) } },
        400,
        'LETHE_E_INVALID_INPUT',
        'name',
      ],
      [
        'missing field',
        { method: 'POST', url: '/api/v1/roles', payload: { shortname: 'x' } },
        400,
        'LETHE_E_INVALID_INPUT',
        'name',
      ],
      [
        'bad enum',
        {
          method: 'POST',
          url: '/api/v1/roles',
          payload: { shortname: 'x', name: 'X', capabilities: ['root'] },
        },
        400,
        'LETHE_E_INVALID_INPUT',
        'capabilities.0',
      ],
      ['invalid id', { url: '/api/v1/accounts/abc' }, 400, 'LETHE_E_INVALID_INPUT', 'id'],
      ['id out of range', { url: '/api/v1/accounts/99999999999' }, 400, 'LETHE_E_INVALID_INPUT', 'id'],
      ['unknown id', { url: '/api/v1/accounts/424242' }, 404, 'LETHE_E_ACCOUNT_UNKNOWN'],
      ['bad query value', { url: '/api/v1/subjects?limit=lots' }, 400, 'LETHE_E_INVALID_INPUT', 'limit'],
      ['unknown query', { url: '/api/v1/subjects?sort=name' }, 400, 'LETHE_E_INVALID_INPUT', 'sort'],
      [
        'repeated query',
        { url: '/api/v1/subjects?status=active&status=deleted' },
        400,
        'LETHE_E_INVALID_INPUT',
        'status',
      ],
      [
        'bad status',
        { method: 'POST', url: '/api/v1/subjects/ann/status', payload: { status: 'gone' } },
        400,
        'LETHE_E_STATUS_INVALID',
        'status',
      ],
      [
        'bad request status (not a subject status)',
        { url: '/api/v1/requests?status=gone' },
        400,
        'LETHE_E_INVALID_INPUT',
        'status',
      ],
      ['query on a route without one', { url: '/api/v1/roles?x=1' }, 400, 'LETHE_E_INVALID_INPUT', 'x'],
      [
        'body on a route without one',
        { method: 'POST', url: '/api/v1/purge-types/tidy/reapply', payload: { now: true } },
        400,
        'LETHE_E_INVALID_INPUT',
      ],
      [
        'NUL character',
        { method: 'PATCH', url: '/api/v1/subjects/ann', payload: { fullName: 'A\u0000B' } },
        400,
        'LETHE_E_INVALID_INPUT',
        'fullName',
      ],
      [
        'prototype pollution',
        {
          method: 'PATCH',
          url: '/api/v1/subjects/ann',
          payload: '{"__proto__":{"x":1}}',
          headers: { 'content-type': 'application/json' },
        },
        400,
        'LETHE_E_INVALID_INPUT',
      ],
      ['unknown route', { url: '/api/v1/nothing-here' }, 404, 'LETHE_E_NOT_FOUND'],
      ['unknown method', { method: 'PUT', url: '/api/v1/roles' }, 404, 'LETHE_E_NOT_FOUND'],
      ['malformed URL', { url: '/api/v1/subjects/%E0%A4%A' }, 400, 'LETHE_E_INVALID_INPUT'],
      [
        'engine refusal',
        { method: 'DELETE', url: '/api/v1/export-types/all-data' },
        409,
        'LETHE_E_TYPE_INITIAL',
      ],
    ];
    for (const [name, request, status, code, field] of cases) {
      const response = await fx.admin.request(request);
      expect([name, response.statusCode]).toEqual([name, status]);
      const body = response.json() as {
        error: { code: string; message: string; details: Record<string, unknown> };
      };
      expect([name, body.error.code]).toEqual([name, code]);
      if (field) expect([name, body.error.details['field']]).toEqual([name, field]);
      noStack(response.body);
    }
    await fx.close();
  });

  it('sets security headers, a strict CSP, no-store on the API and a request id', async () => {
    const fx = await serverFixture(store());
    const response = await fx.admin.request({ url: '/api/v1/roles', headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['strict-transport-security']).toContain('max-age=');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toBe('abc-123');
    const generated = await fx.anonymous.request({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const docs = await fx.anonymous.request({ url: '/api/docs' });
    expect(docs.headers['content-type']).toContain('text/html');
    expect(docs.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(docs.body).toContain('/api/v1/subjects/{id}');
    expect(docs.body).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
    await fx.close();
  });

  it('logs in with an HttpOnly, SameSite=Strict, Secure cookie and a CSRF token, and logs out', async () => {
    const fx = await serverFixture(store());
    const login = await fx.anonymous.request({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'DPO', password: passwords.dpo },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'lethe_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
    const body = login.json() as { csrfToken: string; account: { username: string; capabilities: string[] } };
    expect(body.account.username).toBe('dpo');
    expect(body.account.capabilities).toContain('userdata:purgemanual');
    expect(login.body).not.toContain(cookie?.value);
    const session = caller(fx.app, 'dpo', { cookie: `lethe_session=${cookie?.value}` });

    // reads need no CSRF token; every unsafe method does
    expect((await session.request({ url: '/api/v1/session' })).json()).toMatchObject({
      csrfToken: body.csrfToken,
    });
    const purge = {
      method: 'POST' as const,
      url: '/api/v1/requests/purges',
      payload: { subjectId: 'cal', type: 'tidy', dryRun: true },
    };
    const without = await session.request(purge);
    expect([without.statusCode, without.json().error.code]).toEqual([403, 'LETHE_E_CSRF']);
    const wrong = await session.request({ ...purge, headers: { 'x-csrf-token': `${body.csrfToken}x` } });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([403, 'LETHE_E_CSRF']);
    const right = await session.request({ ...purge, headers: { 'x-csrf-token': body.csrfToken } });
    expect(right.statusCode).toBe(201);
    expect(right.json()).toMatchObject({
      origin: 'admin',
      requestedBy: expect.stringMatching(/^account:\d+$/),
    });

    // an API token is sent on purpose, so it needs no CSRF token
    const token = await fx.token(['purges:request']);
    const byToken = await token.request(purge);
    expect(byToken.statusCode).toBe(201);
    expect(byToken.json()).toMatchObject({ origin: 'api', requestedBy: `token:${token.id}` });

    const logout = await session.request({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { 'x-csrf-token': body.csrfToken },
    });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === 'lethe_session')?.value).toBe('');
    const after = await session.request({ url: '/api/v1/session' });
    expect([after.statusCode, after.json().error.code]).toEqual([401, 'LETHE_E_UNAUTHENTICATED']);
    await fx.close();
  });

  it('drops Secure from the cookie only when told (plain-http localhost)', async () => {
    const fx = await serverFixture(store(), { secureCookies: false });
    const login = await fx.anonymous.request({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'ann', password: passwords.ann },
    });
    expect(login.cookies.find((c) => c.name === 'lethe_session')?.secure).toBeUndefined();
    const page = await fx.anonymous.request({ url: '/healthz' });
    expect(page.headers['strict-transport-security']).toBeUndefined();
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    await fx.close();
  });

  it('locks a username out after repeated failures, audits each, and says when to retry', async () => {
    const fx = await serverFixture(store(), { login: { maxFailures: 3, lockMinutes: 10 } });
    const attempt = (password: string) =>
      fx.anonymous.request({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: 'ben', password },
      });
    for (let i = 0; i < 3; i++) {
      const failed = await attempt('wrong-password');
      expect([failed.statusCode, failed.json().error.code]).toEqual([401, 'LETHE_E_LOGIN_FAILED']);
    }
    const locked = await attempt(passwords.ben);
    expect([locked.statusCode, locked.json().error.code]).toEqual([429, 'LETHE_E_LOCKED_OUT']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500);
    const unknown = await fx.anonymous.request({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'nobody', password: 'x' },
    });
    expect([unknown.statusCode, unknown.json().error.message]).toEqual([
      401,
      'The username or password is wrong.',
    ]);
    const audit = await listAudit(fx.engine, { targetType: 'account', targetId: 'ben' });
    expect(audit.events.map((event) => event.action)).toEqual([
      'account.login-locked',
      'account.login-failed',
      'account.login-failed',
      'account.login-failed',
    ]);
    expect(audit.events[1]?.details).toMatchObject({ ip: expect.any(String), code: 'LETHE_E_LOGIN_FAILED' });
    // an administrator ends the lockout
    const benId = (await fx.admin.request({ url: '/api/v1/accounts?search=ben' })).json().accounts[0]
      .id as number;
    expect(
      (await fx.admin.request({ method: 'POST', url: `/api/v1/accounts/${benId}/unlock` })).statusCode,
    ).toBe(200);
    expect((await attempt(passwords.ben)).statusCode).toBe(200);
    await fx.close();
  });

  it('refuses revoked, expired, malformed and unknown API tokens, and tokens outside their scopes', async () => {
    const fx = await serverFixture(store());
    const created = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: {
        name: 'host app',
        scopes: ['subjects:read'],
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json() as { token: { id: number; prefix: string }; secret: string };
    expect(secret.startsWith(token.prefix)).toBe(true);
    const host = caller(fx.app, 'host', { authorization: `Bearer ${secret}` });
    expect((await host.request({ url: '/api/v1/subjects/ann' })).statusCode).toBe(200);
    const outside = await host.request({
      method: 'PATCH',
      url: '/api/v1/subjects/ann',
      payload: { fullName: 'X' },
    });
    expect([outside.statusCode, outside.json().error.code]).toEqual([403, 'LETHE_E_FORBIDDEN']);
    const listed = await fx.admin.request({ url: '/api/v1/tokens' });
    expect(listed.body).not.toContain(secret);
    expect(listed.json().tokens.find((t: { id: number }) => t.id === token.id)).toMatchObject({
      active: true,
      lastUsedAt: expect.any(String),
    });

    expect(
      (await fx.admin.request({ method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).json(),
    ).toMatchObject({ active: false });
    const revoked = await host.request({ url: '/api/v1/subjects/ann' });
    expect([revoked.statusCode, revoked.json().error.message]).toEqual([
      401,
      'The API token is unknown, revoked or expired.',
    ]);

    const soon = await fx.token(['subjects:read']);
    await fx.engine.db
      .updateTable('api_tokens')
      .set({ expires_at: '2001-01-01T00:00:00.000Z' })
      .where('id', '=', soon.id)
      .execute();
    expect((await soon.request({ url: '/api/v1/subjects/ann' })).statusCode).toBe(401);
    const malformed = await fx.anonymous.request({
      url: '/api/v1/subjects/ann',
      headers: { authorization: 'Basic abc' },
    });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([401, 'LETHE_E_UNAUTHENTICATED']);
    const guessed = await fx.anonymous.request({
      url: '/api/v1/subjects/ann',
      headers: { authorization: 'Bearer lethe_guess' },
    });
    expect(guessed.statusCode).toBe(401);
    const past = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'x', scopes: ['audit:read'], expiresAt: '2001-01-01' },
    });
    expect([past.statusCode, past.json().error.details.field]).toEqual([400, 'expiresAt']);
    await fx.close();
  });

  it('ends the sessions of a disabled account, and keeps the last administrator', async () => {
    const fx = await serverFixture(store());
    const dpoId = (await fx.dpo.request({ url: '/api/v1/session' })).json().account.id as number;
    expect(
      (
        await fx.admin.request({
          method: 'PATCH',
          url: `/api/v1/accounts/${dpoId}`,
          payload: { disabled: true },
        })
      ).statusCode,
    ).toBe(200);
    expect((await fx.dpo.request({ url: '/api/v1/session' })).statusCode).toBe(401);
    const adminId = (await fx.admin.request({ url: '/api/v1/session' })).json().account.id as number;
    const last = await fx.admin.request({ method: 'DELETE', url: `/api/v1/accounts/${adminId}` });
    expect([last.statusCode, last.json().error.code]).toEqual([409, 'LETHE_E_ACCOUNT_LAST_ADMIN']);
    // a password change keeps the session it was made from, and the new password works
    const change = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/session/password',
      payload: { currentPassword: passwords.admin, newPassword: 'a-new-admin-password' },
    });
    expect(change.statusCode).toBe(204);
    expect((await fx.admin.request({ url: '/api/v1/session' })).statusCode).toBe(200);
    await loginCaller(fx.app, 'admin', 'a-new-admin-password');
    const wrong = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/session/password',
      payload: { currentPassword: 'not-it', newPassword: 'whatever-password' },
    });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([401, 'LETHE_E_LOGIN_FAILED']);
    await fx.close();
  });
});
