import { expect, it } from 'vitest';
import { listOutbox } from '../../src/engine/notifications/index.js';
import { startServer } from '../../src/server/index.js';
import { describeEachStore } from '../support/stores.js';
import { passwords, serverFixture } from './server-fixture.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeEachStore('lethe serve', ({ store }) => {
  it('listens, runs the worker, emails the download link, and stops cleanly', async () => {
    const fx = await serverFixture(store(), {}, { worker: { pollMs: 50 } });
    const server = await startServer(fx.engine, {
      host: '127.0.0.1',
      port: 0,
      worker: true,
      logLevel: false,
      shutdownGraceMs: 500,
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
      expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ status: 'ready' });

      const login = await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ann', password: passwords.ann }),
      });
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).not.toMatch(/Secure/i); // plain http on localhost
      const cookie = setCookie.split(';')[0] ?? '';
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const requested = await fetch(`${server.url}/api/v1/me/exports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ type: 'mine' }),
      });
      expect(requested.status).toBe(201);

      const mail = await until('the email', async () =>
        (await listOutbox(fx.engine, {})).messages.find((m) => m.recipient === 'ann@example.org'),
      );
      const link = /http:\/\/\S+\/api\/v1\/downloads\/[0-9a-f]{64}/.exec(mail.body)?.[0];
      expect(link?.startsWith(server.url)).toBe(true);
      const anonymous = await fetch(link ?? '');
      expect([
        anonymous.status,
        ((await anonymous.json()) as { error: { code: string } }).error.code,
      ]).toEqual([401, 'LETHE_E_UNAUTHENTICATED']);
      const zip = await fetch(link ?? '', { headers: { cookie } });
      expect(zip.status).toBe(200);
      expect(
        Buffer.from(await zip.arrayBuffer())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
    } finally {
      await server.close();
      await server.closed;
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await fx.close();
  });
});
