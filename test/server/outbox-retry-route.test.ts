import { afterEach, beforeEach, expect, it } from 'vitest';
import { apiScopes } from '../../src/engine/accounts/index.js';
import { listAudit } from '../../src/engine/audit/index.js';
import { listOutbox, notify, retryOutbox } from '../../src/engine/notifications/index.js';
import { testEngine } from '../support/engine.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { describeEachStore } from '../support/stores.js';
import { serverFixture } from './server-fixture.js';

const smtpConfig = (port: number) => ({
  smtp: { host: '127.0.0.1', port, from: 'lethe@example.test', maxAttempts: 1 },
});

describeEachStore('POST /api/v1/outbox/{id}/retry and /api/v1/outbox/retry', ({ store }) => {
  let refusing: TestSmtp;
  let working: TestSmtp;
  beforeEach(async () => {
    refusing = await startSmtp();
    working = await startSmtp();
  });
  afterEach(async () => {
    await refusing.close();
    await working.close();
  });

  it('requeues a message the server refused, which is sent once a working server is configured', async () => {
    const fx = await serverFixture(store(), {}, smtpConfig(refusing.port));
    refusing.failWith = { code: 550, message: 'Relaying denied' };
    const failed = await notify(fx.engine, { to: 'a@example.test', subject: 'One', body: 'b' });
    expect(failed.status).toBe('failed');

    const retried = await fx.admin.request({ method: 'POST', url: `/api/v1/outbox/${failed.id}/retry` });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toEqual({ requeued: [failed.id], alreadyQueued: [] });
    const listed = await fx.admin.request({ url: '/api/v1/outbox' });
    expect(listed.json().messages[0]).toMatchObject({ id: failed.id, status: 'queued', attempts: 0 });
    const audit = await listAudit(fx.engine, { action: 'outbox.requeue' });
    expect(audit.events).toEqual([
      expect.objectContaining({ targetId: String(failed.id), actor: expect.stringMatching(/^account:\d+$/) }),
    ]);

    // Asked again: still queued, reported so.
    const again = await fx.admin.request({ method: 'POST', url: `/api/v1/outbox/${failed.id}/retry` });
    expect(again.json()).toEqual({ requeued: [], alreadyQueued: [failed.id] });

    const on = testEngine(store(), [], smtpConfig(working.port));
    expect(await retryOutbox(on)).toMatchObject({ tried: 1, sent: 1, queued: 0 });
    expect(working.received.map((m) => m.to)).toEqual([['a@example.test']]);

    // Sent now: refused, with the coded error.
    const sent = await fx.admin.request({ method: 'POST', url: `/api/v1/outbox/${failed.id}/retry` });
    expect(sent.statusCode).toBe(409);
    expect(sent.json()).toMatchObject({
      error: { code: 'LETHE_E_OUTBOX_SENT', details: { ids: [failed.id] } },
    });
    const unknown = await fx.admin.request({ method: 'POST', url: '/api/v1/outbox/424242/retry' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      error: { code: 'LETHE_E_NOT_FOUND', details: { ids: [424242] } },
    });
    const bad = await fx.admin.request({ method: 'POST', url: '/api/v1/outbox/abc/retry' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('LETHE_E_INVALID_INPUT');
    await fx.close();
  });

  it('requeues by ids or all failed, all or nothing, for userdata:config only', async () => {
    const fx = await serverFixture(store(), {}, smtpConfig(refusing.port));
    refusing.failWith = { code: 550, message: 'Mailbox unavailable' };
    const a = await notify(fx.engine, { to: 'a@example.test', subject: 'A', body: 'b' });
    const b = await notify(fx.engine, { to: 'b@example.test', subject: 'B', body: 'b' });
    const c = await notify(fx.engine, { to: 'c@example.test', subject: 'C', body: 'b' });
    refusing.failWith = undefined;
    const sent = await notify(fx.engine, { to: 'd@example.test', subject: 'D', body: 'b' });
    expect([a.status, b.status, c.status, sent.status]).toEqual(['failed', 'failed', 'failed', 'sent']);
    const post = (payload: unknown, as = fx.admin) =>
      as.request({ method: 'POST', url: '/api/v1/outbox/retry', payload: payload as object });

    // Neither, both, none, or out of range: 400, naming the field.
    for (const payload of [
      {},
      { ids: [a.id], allFailed: true },
      { ids: [] },
      { ids: [0] },
      { allFailed: false },
    ]) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('LETHE_E_INVALID_INPUT');
    }
    // A sent one among them: nothing changes.
    const refused = await post({ ids: [a.id, sent.id] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('LETHE_E_OUTBOX_SENT');
    expect((await listOutbox(fx.engine)).counts).toEqual({ queued: 0, sent: 1, failed: 3 });

    // Not for the DPO, nor a token of any scope.
    expect((await post({ allFailed: true }, fx.dpo)).statusCode).toBe(403);
    expect((await post({ allFailed: true }, await fx.token(apiScopes))).statusCode).toBe(403);
    expect((await post({ allFailed: true }, fx.anonymous)).statusCode).toBe(401);
    expect((await listOutbox(fx.engine)).counts.failed).toBe(3);

    const byIds = await post({ ids: [a.id] });
    expect(byIds.json()).toEqual({ requeued: [a.id], alreadyQueued: [] });
    const all = await post({ allFailed: true });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ requeued: [b.id, c.id], alreadyQueued: [] });
    expect((await listOutbox(fx.engine)).counts).toEqual({ queued: 3, sent: 1, failed: 0 });
    expect(await retryOutbox(fx.engine)).toMatchObject({ tried: 3, sent: 3 });
    expect(refusing.received).toHaveLength(4);
    await fx.close();
  });
});
