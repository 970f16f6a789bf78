import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createServer } from '../../src/server/index.js';
import { testEngine } from '../support/engine.js';
import { describeEachStore } from '../support/stores.js';

describeEachStore('serving the web console', ({ store }) => {
  it('serves the built console, falls back to index.html for its pages, and keeps /api answers JSON', async () => {
    const webRoot = mkdtempSync(join(tmpdir(), 'lethe-web-'));
    writeFileSync(
      join(webRoot, 'index.html'),
      '<!doctype html><title>Lethe</title><script type="module" src="/app.js"></script>',
    );
    writeFileSync(join(webRoot, 'app.js'), 'console.log(1);');
    const app = createServer(testEngine(store()), { webRoot });
    const index = await app.inject({ url: '/' });
    expect([index.statusCode, index.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await app.inject({ url: '/app.js' })).body).toBe('console.log(1);');
    const page = await app.inject({ url: '/subjects/ann' });
    expect([page.statusCode, page.body]).toEqual([200, index.body]);
    const api = await app.inject({ url: '/api/v1/nothing' });
    expect([api.statusCode, api.json().error.code]).toEqual([404, 'LETHE_E_NOT_FOUND']);
    const post = await app.inject({ method: 'POST', url: '/subjects/ann' });
    expect(post.statusCode).toBe(404);
    await app.close();
  });
});
