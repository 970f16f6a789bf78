import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.js';
import { serverFixture } from './server-fixture.js';

describeEachStore('the API rate limit', ({ store }) => {
  it('answers 429 with Retry-After past the limit, per client, and lets the client in again', async () => {
    // from the configuration, as `lethe serve` reads it
    const fx = await serverFixture(store(), {}, { server: { rateLimit: { max: 5, windowSeconds: 2 } } });
    const seen: [number, string | undefined][] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fx.admin.request({ url: '/api/v1/session' });
      seen.push([response.statusCode, response.headers['ratelimit-remaining'] as string | undefined]);
    }
    expect(seen).toEqual([
      [200, '4'],
      [200, '3'],
      [200, '2'],
      [200, '1'],
      [200, '0'],
    ]);
    const limited = await fx.admin.request({ url: '/api/v1/subjects' });
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.headers['ratelimit-limit']).toBe('5');
    expect(limited.json()).toEqual({
      error: {
        code: 'LETHE_E_RATE_LIMITED',
        message: expect.stringMatching(
          /^Too many requests: at most 5 every 2 s from one client\. Try again in \d s\.$/,
        ),
        details: { retryAfterSeconds: retryAfter, limit: 5, windowSeconds: 2 },
      },
    });
    // unsafe methods too: the limit runs before the route does anything
    const post = await fx.admin.request({ method: 'POST', url: '/api/v1/subjects', payload: { id: 'x' } });
    expect(post.statusCode).toBe(429);

    // other clients are not held back: another session, an API token, another address
    expect((await fx.dpo.request({ url: '/api/v1/subjects' })).statusCode).toBe(200);
    const token = await fx.token(['subjects:read']);
    expect((await token.request({ url: '/api/v1/subjects' })).statusCode).toBe(200);
    const from = (address: string) => fx.app.inject({ url: '/api/v1/openapi.json', remoteAddress: address });
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.7')).statusCode).toBe(200);
    expect((await from('203.0.113.7')).statusCode).toBe(429);
    expect((await from('203.0.113.8')).statusCode).toBe(200);

    // health checks are never limited
    for (const url of ['/healthz', '/readyz']) {
      const health = await fx.app.inject({ url, remoteAddress: '203.0.113.7' });
      expect([health.statusCode, health.headers['ratelimit-limit']], url).toEqual([200, undefined]);
    }

    await sleep(retryAfter * 1000 + 50);
    const again = await fx.admin.request({ url: '/api/v1/subjects' });
    expect([again.statusCode, again.headers['ratelimit-remaining']]).toEqual([200, '4']);
    await fx.close();
  });

  it('can be turned off, and server options beat the configuration', async () => {
    const fx = await serverFixture(
      store(),
      { rateLimit: { enabled: false } },
      { server: { rateLimit: { max: 2, windowSeconds: 60 } } },
    );
    for (let i = 0; i < 10; i++) {
      const response = await fx.admin.request({ url: '/api/v1/session' });
      expect([response.statusCode, response.headers['ratelimit-limit']]).toEqual([200, undefined]);
    }
    await fx.close();
  });

  it('has a generous default: 1200 requests a minute per client', async () => {
    const fx = await serverFixture(store());
    const response = await fx.admin.request({ url: '/api/v1/session' });
    expect(response.headers['ratelimit-limit']).toBe('1200');
    expect(response.headers['ratelimit-reset']).toBe('60');
    await fx.close();
  });
});
