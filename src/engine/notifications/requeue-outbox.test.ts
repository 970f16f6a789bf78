import { afterEach, beforeEach, expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { startSmtp, type TestSmtp } from '../../../test/support/smtp.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { auditEachLimit, listAudit, verifyAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { runWorker } from '../worker/index.js';
import { listOutbox, notify, type OutboxMessage, requeueOutbox, retryOutbox } from './index.js';

const hello = { to: 'alice@example.test', subject: 'Hello', body: 'Your export is ready.' };

function smtpConfig(port: number, more: { maxAttempts?: number; retrySeconds?: number } = {}) {
  return { smtp: { host: '127.0.0.1', port, from: 'lethe@example.test', ...more } };
}

async function message(engine: Engine, id: number): Promise<OutboxMessage> {
  const found = (await listOutbox(engine, { limit: 1000 })).messages.find((m) => m.id === id);
  if (!found) throw new Error(`no message ${id}`);
  return found;
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describeEachStore('requeueing failed outbox messages', ({ store }) => {
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

  it('requeues messages that failed against a refusing server, and the worker sends them once a working server is configured', async () => {
    const before = testEngine(store(), [], smtpConfig(refusing.port, { maxAttempts: 1 }));
    refusing.failWith = { code: 550, message: 'Relaying denied' };
    const refused = await notify(before, hello);
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(refused.error).toMatch(/Relaying denied/);
    refusing.failWith = { code: 451, message: 'Try again later' };
    const exhausted = await notify(before, { ...hello, to: 'bob@example.test' });
    expect(exhausted).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(refusing.offered).toBe(2);
    expect(refusing.received).toHaveLength(0);

    // Failed for good: the retry job leaves them, however late it runs.
    expect(await retryOutbox(before, { now: new Date(Date.now() + 30 * 86_400_000) })).toMatchObject({
      tried: 0,
    });

    const start = Date.now();
    const result = await requeueOutbox(before, 'cli:tester', { ids: [refused.id, exhausted.id, refused.id] });
    expect(result).toEqual({ requeued: [refused.id, exhausted.id], alreadyQueued: [] });
    for (const id of [refused.id, exhausted.id]) {
      const m = await message(before, id);
      expect(m).toMatchObject({ status: 'queued', attempts: 0, sentAt: null });
      // Due now; the last error and try stay until the next try.
      expect(Date.parse(m.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(start - 1000);
      expect(Date.parse(m.nextAttemptAt ?? '')).toBeLessThanOrEqual(Date.now());
      expect(m.error).not.toBeNull();
      expect(m.lastAttemptAt).not.toBeNull();
    }
    expect((await listOutbox(before)).counts).toEqual({ queued: 2, sent: 0, failed: 0 });

    // Audited with the actor and the attempts before; neither the recipient nor the error.
    const audit = await listAudit(before, { action: 'outbox.requeue' });
    expect(audit.events.map((e) => [e.actor, e.targetType, e.targetId]).sort()).toEqual(
      [
        ['cli:tester', 'outbox-message', String(refused.id)],
        ['cli:tester', 'outbox-message', String(exhausted.id)],
      ].sort(),
    );
    expect(audit.events[0]?.details).toMatchObject({ scope: 'ids', previousAttempts: 1 });
    expect(JSON.stringify(audit.events)).not.toMatch(/example\.test|Relaying|Try again/);
    expect((await verifyAudit(before)).ok).toBe(true);

    // The same store with a working server: worker --once runs the outbox-retry job, as messages are due.
    const after = testEngine(store(), [], smtpConfig(working.port, { maxAttempts: 1 }));
    const summary = await runWorker(after, { once: true });
    expect(summary.jobs.find((j) => j.job === 'outbox-retry')?.result).toMatchObject({
      smtp: true,
      tried: 2,
      sent: 2,
      queued: 0,
    });
    expect(working.received.map((m) => m.to[0]).sort()).toEqual(['alice@example.test', 'bob@example.test']);
    expect(refusing.offered).toBe(2);
    for (const id of [refused.id, exhausted.id]) {
      expect(await message(after, id)).toMatchObject({ status: 'sent', attempts: 1, error: null });
    }
    // Sent: it is never sent again, and can no longer be requeued.
    expect(await retryOutbox(after, { now: new Date(Date.now() + 86_400_000) })).toMatchObject({ tried: 0 });
    expect(working.received).toHaveLength(2);
  });

  it('gives a requeued message a fresh set of tries', async () => {
    const engine = testEngine(store(), [], smtpConfig(refusing.port, { maxAttempts: 2, retrySeconds: 60 }));
    refusing.failWith = { code: 451, message: 'Mailbox busy' };
    const m = await notify(engine, hello);
    const t = Date.parse(m.lastAttemptAt ?? '');
    expect(await retryOutbox(engine, { now: new Date(t + 61_000) })).toMatchObject({ tried: 1, failed: 1 });
    expect(await message(engine, m.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(refusing.offered).toBe(2);

    await requeueOutbox(engine, 'cli:tester', { ids: [m.id] });
    // Two more tries, not one: the count starts again from 0.
    expect(await retryOutbox(engine)).toMatchObject({ tried: 1, retrying: 1, failed: 0 });
    expect(await message(engine, m.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await retryOutbox(engine, { now: new Date(Date.now() + 61_000) })).toMatchObject({
      tried: 1,
      failed: 1,
    });
    expect(await message(engine, m.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(refusing.offered).toBe(4);
    const events = (await listAudit(engine, { action: 'outbox.requeue' })).events;
    expect(events.map((e) => e.details['previousAttempts'])).toEqual([2]);
  });

  it('refuses a sent message and an unknown id, changing nothing; leaves a queued one as it is', async () => {
    const engine = testEngine(store(), [], smtpConfig(working.port));
    const sent = await notify(engine, hello);
    expect(sent.status).toBe('sent');
    working.failWith = { code: 550, message: 'No such user' };
    const failed = await notify(engine, { ...hello, to: 'gone@example.test' });
    working.failWith = undefined;
    expect(failed.status).toBe('failed');
    const queued = await notify(testEngine(store()), { ...hello, to: 'later@example.test' });
    expect(queued).toMatchObject({ status: 'queued', attempts: 0 });

    const wasSent = await refusal(requeueOutbox(engine, 'cli:tester', { ids: [failed.id, sent.id] }));
    expect(wasSent).toMatchObject({ code: 'LETHE_E_OUTBOX_SENT', details: { ids: [sent.id] } });
    expect(String((wasSent as unknown as Error).message)).toContain(`${sent.id} has already been sent`);
    const unknown = await refusal(requeueOutbox(engine, 'cli:tester', { ids: [failed.id, 999_999] }));
    expect(unknown).toMatchObject({ code: 'LETHE_E_NOT_FOUND', details: { ids: [999_999] } });
    // All or nothing: the failed message named with them is still failed, and nothing was audited.
    expect(await message(engine, failed.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await message(engine, sent.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await listAudit(engine, { action: 'outbox.requeue' })).total).toBe(0);

    const result = await requeueOutbox(engine, 'cli:tester', { ids: [queued.id, failed.id] });
    expect(result).toEqual({ requeued: [failed.id], alreadyQueued: [queued.id] });
    expect(await message(engine, queued.id)).toEqual(queued);
    expect((await listAudit(engine, { action: 'outbox.requeue' })).events.map((e) => e.targetId)).toEqual([
      String(failed.id),
    ]);
    // Asked again, the requeued one is queued now: reported so, and not audited again.
    expect(await requeueOutbox(engine, 'cli:tester', { ids: [failed.id] })).toEqual({
      requeued: [],
      alreadyQueued: [failed.id],
    });
    expect((await listAudit(engine, { action: 'outbox.requeue' })).total).toBe(1);

    for (const ids of [[], [0], [-1], [1.5], [2 ** 31], ['1']] as unknown[][]) {
      expect(await refusal(requeueOutbox(engine, 'cli:tester', { ids: ids as number[] }))).toMatchObject({
        code: 'LETHE_E_INVALID_INPUT',
      });
    }
  });

  it('requeues every failed message with allFailed, and no other', async () => {
    const engine = testEngine(store(), [], smtpConfig(refusing.port, { maxAttempts: 1 }));
    refusing.failWith = { code: 550, message: 'Mailbox unavailable' };
    const a = await notify(engine, { ...hello, to: 'a@example.test' });
    const b = await notify(engine, { ...hello, to: 'b@example.test' });
    refusing.failWith = undefined;
    const sent = await notify(engine, { ...hello, to: 'c@example.test' });
    const queued = await notify(testEngine(store()), { ...hello, to: 'd@example.test' });
    expect([a.status, b.status, sent.status, queued.status]).toEqual(['failed', 'failed', 'sent', 'queued']);

    expect(await requeueOutbox(engine, 'account:1', { allFailed: true })).toEqual({
      requeued: [a.id, b.id],
      alreadyQueued: [],
    });
    expect((await listOutbox(engine)).counts).toEqual({ queued: 3, sent: 1, failed: 0 });
    expect(await message(engine, queued.id)).toEqual(queued);
    const events = (await listAudit(engine, { action: 'outbox.requeue' })).events;
    expect(events.map((e) => [e.actor, e.details['scope']])).toEqual([
      ['account:1', 'all-failed'],
      ['account:1', 'all-failed'],
    ]);
    // Nothing failed now: nothing to do, nothing audited.
    expect(await requeueOutbox(engine, 'account:1', { allFailed: true })).toEqual({
      requeued: [],
      alreadyQueued: [],
    });
    expect((await listAudit(engine, { action: 'outbox.requeue' })).total).toBe(2);
    expect(await retryOutbox(engine)).toMatchObject({ tried: 3, sent: 3, queued: 0 });
    expect(refusing.received.map((m) => m.to[0]).sort()).toEqual([
      'a@example.test',
      'b@example.test',
      'c@example.test',
      'd@example.test',
    ]);
  });

  it('records one audit event for a large requeue, and two requeues at once requeue each message once', async () => {
    const engine = testEngine(store());
    const count = auditEachLimit + 1;
    const ids: number[] = [];
    for (let i = 0; i < count; i++)
      ids.push((await notify(engine, { ...hello, to: `p${i}@example.test` })).id);
    // Failed for good, as after the last try.
    await engine.db
      .updateTable('outbox')
      .set({ attempts: 5, error: '550 Mailbox unavailable', next_attempt_at: null })
      .execute();
    const [one, two] = await Promise.all([
      requeueOutbox(engine, 'cli:one', { ids }),
      requeueOutbox(engine, 'cli:two', { allFailed: true }),
    ]);
    expect(one.requeued.length + two.requeued.length).toBe(count);
    expect((await listOutbox(engine)).counts).toEqual({ queued: count, sent: 0, failed: 0 });
    const events = (await listAudit(engine, { action: 'outbox.requeue' })).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetType: 'outbox', targetId: 'bulk' });
    const details = events[0]?.details ?? {};
    expect(details).toMatchObject({ count, scope: expect.stringMatching(/^(ids|all-failed)$/) });
    const messages = details['messages'] as { id: number; previousAttempts: number }[];
    expect(messages.map((m) => m.id).sort((x, y) => x - y)).toEqual(ids);
    expect(messages.every((m) => m.previousAttempts === 5)).toBe(true);
    expect((await verifyAudit(engine)).ok).toBe(true);
  });
});
