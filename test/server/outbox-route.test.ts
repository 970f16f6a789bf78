import { expect, it } from 'vitest';
import { notify } from '../../src/engine/notifications/index.js';
import { describeEachStore } from '../support/stores.js';
import { serverFixture } from './server-fixture.js';

describeEachStore('GET /api/v1/outbox', ({ store }) => {
  it('gives each message its tries and state, and the counts by state', async () => {
    const fx = await serverFixture(store());
    const first = await notify(fx.engine, { to: 'a@example.test', subject: 'One', body: 'b' });
    await notify(fx.engine, { to: 'b@example.test', subject: 'Two', body: 'b' });
    // A message that failed for good.
    await fx.engine.db
      .updateTable('outbox')
      .set({ attempts: 5, error: '550 Mailbox unavailable', next_attempt_at: null })
      .where('id', '=', first.id)
      .execute();
    const all = await fx.admin.request({ url: '/api/v1/outbox' });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ total: 2, counts: { queued: 1, sent: 0, failed: 1 } });
    expect(all.json().messages.find((m: { id: number }) => m.id === first.id)).toEqual(
      expect.objectContaining({
        status: 'failed',
        attempts: 5,
        error: '550 Mailbox unavailable',
        lastAttemptAt: null,
        nextAttemptAt: null,
        sentAt: null,
      }),
    );
    expect(all.json().messages.find((m: { id: number }) => m.id !== first.id)).toEqual(
      expect.objectContaining({ status: 'queued', attempts: 0, error: null }),
    );
    await fx.close();
  });
});
