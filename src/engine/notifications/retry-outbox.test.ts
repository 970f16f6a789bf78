import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { closedPort, startSmtp, type TestSmtp } from '../../../test/support/smtp.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { migrateDown, migrateToLatest, migrationStatus } from '../../store/index.js';
import { runWorker } from '../worker/index.js';
import { listOutbox, notify, type OutboxMessage, retryOutbox } from './index.js';

const hello = { to: 'alice@example.test', subject: 'Hello', body: 'Your export is ready.' };

function smtpConfig(port: number, more: { maxAttempts?: number; retrySeconds?: number } = {}) {
  return { smtp: { host: '127.0.0.1', port, from: 'lethe@example.test', ...more } };
}

async function message(engine: Parameters<typeof listOutbox>[0], id: number): Promise<OutboxMessage> {
  const found = (await listOutbox(engine, { limit: 1000 })).messages.find((m) => m.id === id);
  if (!found) throw new Error(`no message ${id}`);
  return found;
}

const seconds = (from: string | null, to: string | null) =>
  (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;

describeEachStore('outbox retry', ({ store }) => {
  let smtp: TestSmtp;
  beforeEach(async () => {
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
  });

  it('leaves messages queued while SMTP is off, and the worker sends them once SMTP is on', async () => {
    const off = testEngine(store());
    const queued = await notify(off, hello);
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, lastAttemptAt: null, error: null });
    expect(await retryOutbox(off)).toEqual({
      smtp: false,
      tried: 0,
      sent: 0,
      retrying: 0,
      failed: 0,
      queued: 1,
    });
    expect(await message(off, queued.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(smtp.offered).toBe(0);

    // The same store, now with SMTP configured: `worker --once` runs the outbox-retry job.
    const on = testEngine(store(), [], smtpConfig(smtp.port));
    const summary = await runWorker(on, { once: true });
    expect(summary.jobs.find((j) => j.job === 'outbox-retry')).toMatchObject({
      job: 'outbox-retry',
      result: { smtp: true, tried: 1, sent: 1, retrying: 0, failed: 0, queued: 0 },
    });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual(['alice@example.test']);
    expect(smtp.received[0]?.raw).toContain('Your export is ready.');
    const sent = await message(on, queued.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, error: null, nextAttemptAt: null });
    expect(sent.sentAt).not.toBeNull();
    expect(sent.lastAttemptAt).not.toBeNull();

    // Sent once: a later run, however late, sends nothing again.
    const later = await retryOutbox(on, { now: new Date(Date.now() + 86_400_000) });
    expect(later).toMatchObject({ tried: 0, sent: 0, queued: 0 });
    expect(smtp.offered).toBe(1);
    expect((await listOutbox(on)).counts).toEqual({ queued: 0, sent: 1, failed: 0 });
  });

  it('retries a failing server with growing waits, then marks the message failed with the last error', async () => {
    const engine = testEngine(store(), [], smtpConfig(smtp.port, { maxAttempts: 3, retrySeconds: 60 }));
    smtp.failWith = { code: 451, message: 'Greylisted, try again later' };
    const first = await notify(engine, hello);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, sentAt: null });
    expect(first.error).toMatch(/Greylisted/);
    expect(seconds(first.lastAttemptAt, first.nextAttemptAt)).toBeCloseTo(60, 0);
    expect(smtp.offered).toBe(1);

    // Not due yet: nothing is tried.
    const start = Date.parse(first.lastAttemptAt ?? '');
    expect(await retryOutbox(engine, { now: new Date(start + 30_000) })).toMatchObject({
      tried: 0,
      queued: 1,
    });
    expect(smtp.offered).toBe(1);

    // The second try fails too, and the wait doubles.
    const t2 = new Date(start + 61_000);
    expect(await retryOutbox(engine, { now: t2 })).toMatchObject({ tried: 1, retrying: 1, queued: 1 });
    const second = await message(engine, first.id);
    expect(second).toMatchObject({ status: 'queued', attempts: 2, lastAttemptAt: t2.toISOString() });
    expect(seconds(second.lastAttemptAt, second.nextAttemptAt)).toBe(120);
    expect(await retryOutbox(engine, { now: new Date(t2.getTime() + 119_000) })).toMatchObject({ tried: 0 });

    // The third and last try fails: the message is failed, with the error, and is never tried again.
    const t3 = new Date(t2.getTime() + 121_000);
    expect(await retryOutbox(engine, { now: t3 })).toMatchObject({ tried: 1, failed: 1, queued: 0 });
    const last = await message(engine, first.id);
    expect(last).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, sentAt: null });
    expect(last.error).toMatch(/Greylisted/);
    expect(smtp.offered).toBe(3);
    smtp.failWith = undefined;
    expect(await retryOutbox(engine, { now: new Date(t3.getTime() + 86_400_000 * 30) })).toMatchObject({
      tried: 0,
    });
    expect(smtp.received).toHaveLength(0);
    expect((await listOutbox(engine, { status: 'failed' })).messages.map((m) => m.id)).toEqual([first.id]);
  });

  it('gives up at once when the server refuses the message for good (5xx)', async () => {
    const engine = testEngine(store(), [], smtpConfig(smtp.port, { maxAttempts: 5, retrySeconds: 1 }));
    const refused = await notify(engine, { ...hello, to: 'nobody@example.test' });
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(refused.error).toMatch(/Mailbox unavailable/);
    expect(await retryOutbox(engine, { now: new Date(Date.now() + 3_600_000) })).toMatchObject({ tried: 0 });
  });

  it('stops a run when the server cannot be reached, and sends the rest once it can', async () => {
    const down = testEngine(store(), [], smtpConfig(await closedPort(), { retrySeconds: 10 }));
    const off = testEngine(store());
    const a = await notify(off, { ...hello, to: 'a@example.test' });
    const b = await notify(off, { ...hello, to: 'b@example.test' });
    const run = await retryOutbox(down);
    expect(run).toMatchObject({ smtp: true, tried: 1, retrying: 1, queued: 2 });
    expect(run.stopped).toMatch(/ECONNREFUSED|connect/i);
    expect(await message(down, a.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await message(down, b.id)).toMatchObject({ status: 'queued', attempts: 0, error: null });

    const up = testEngine(store(), [], smtpConfig(smtp.port, { retrySeconds: 10 }));
    expect(await retryOutbox(up)).toMatchObject({ tried: 1, sent: 1, queued: 1 });
    expect(await retryOutbox(up, { now: new Date(Date.now() + 11_000) })).toMatchObject({
      tried: 1,
      sent: 1,
      queued: 0,
    });
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['a@example.test', 'b@example.test']);
    expect(await message(up, a.id)).toMatchObject({ status: 'sent', attempts: 2, error: null });
  });

  it('never sends a message twice when two senders race for it', async () => {
    const off = testEngine(store());
    for (let i = 0; i < 5; i++) await notify(off, { ...hello, to: `p${i}@example.test` });
    const on = testEngine(store(), [], smtpConfig(smtp.port));
    const runs = await Promise.all([retryOutbox(on), retryOutbox(on), retryOutbox(on)]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(5);
    expect(smtp.received).toHaveLength(5);
    expect(new Set(smtp.received.map((m) => m.to[0])).size).toBe(5);
  });

  it('the migration makes unsent messages from before it due, sent ones stay sent', async () => {
    const s = store();
    const applied = async () =>
      (await migrationStatus(s)).find((m) => m.name === '007-outbox-retry')?.executedAt !== undefined;
    expect(await applied()).toBe(true);
    // Back to the schema before it (and before any later migration), with messages of that time.
    while (await applied()) await migrateDown(s);
    const row = (recipient: string, sentAt: string | null, error: string | null) =>
      sql`insert into outbox (recipient, subject, body, created_at, sent_at, error)
        values (${recipient}, 'Old', 'b', '2024-01-01T00:00:00.000Z', ${sentAt}, ${error})`.execute(s.db);
    await row('queued@example.test', null, null);
    await row('failed@example.test', null, 'connect ECONNREFUSED');
    await row('sent@example.test', '2024-01-01T00:00:01.000Z', null);
    await migrateToLatest(s);
    const engine = testEngine(s, [], smtpConfig(smtp.port));
    const before = (await listOutbox(engine)).messages;
    expect(before.map((m) => [m.recipient, m.status, m.attempts, m.nextAttemptAt])).toEqual([
      ['sent@example.test', 'sent', 1, null],
      ['failed@example.test', 'queued', 1, '2024-01-01T00:00:00.000Z'],
      ['queued@example.test', 'queued', 0, '2024-01-01T00:00:00.000Z'],
    ]);
    expect(await retryOutbox(engine)).toMatchObject({ tried: 2, sent: 2, queued: 0 });
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['failed@example.test', 'queued@example.test']);
  });
});
