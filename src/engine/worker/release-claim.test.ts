import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createDeleteType, deletedSubjects, fakeEngine } from '../../../test/engine/fake-engine.js';
import type { FakeData } from '../../../test/engine/fake-items.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { ConfigInput } from '../../config/index.js';
import type { Store } from '../../store/index.js';
import { listAudit, verifyAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { requestPurge, scanAutomaticPurges } from '../purges/index.js';
import { getRequest, requestExport } from '../requests/index.js';
import { updateSettings } from '../settings/index.js';
import { importSubjects } from '../subjects/index.js';
import { claimWork } from './claim-work.js';
import { releaseClaim } from './finish-requests.js';
import { packageFileName } from './remove-partial-package.js';
import { runWorker } from './run-worker.js';
import { sweepTimedOut } from './sweep-timed-out.js';
import { writeItemResults } from './write-results.js';

const keys = ['a/one', 'a/two', 'a/three'];
const reason =
  'LETHE_E_STORE_UNAVAILABLE: the worker lost its connection to the store while it ran this request.';

async function setup(store: Store, config: ConfigInput = {}) {
  const { engine, data } = fakeEngine(store, keys, config);
  await createDeleteType(engine, keys);
  return { engine, data };
}

const deleted = (engine: Engine, data: FakeData, ids: string[]) => deletedSubjects(engine, data, keys, ids);

/** An engine whose one subject, s0, is deleted, and an admin export of theirs waiting in the queue. */
async function exportOfDeleted(store: Store, maxAttempts: number) {
  const { engine, data } = await setup(store, { worker: { maxAttempts } });
  await deleted(engine, data, ['s0']);
  const request = await requestExport(engine, 'cli', { subjectId: 's0', type: 'all-data', origin: 'admin' });
  return { engine, request };
}

/** The first item's result, as the attempt that is given back had written it before it failed. */
function firstItemDone(requestIds: number[]) {
  return requestIds.map((requestId) => ({
    requestId,
    key: 'a/one',
    mode: 'delete',
    result: { status: 'success' as const, count: 1 },
    startedAt: null,
    finishedAt: new Date().toISOString(),
    durationMs: 1,
  }));
}

async function lease(engine: Engine, id: number) {
  return engine.db
    .selectFrom('requests')
    .select(['status', 'lease_owner', 'lease_expires_at', 'finished_at', 'attempts', 'error'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function finishEvents(engine: Engine) {
  return (await listAudit(engine, { action: 'request.finish', limit: 1000 })).events;
}

describeEachStore('releaseClaim (the worker gives back what it claimed)', ({ store }) => {
  it('ends a request failed on its last attempt: an error result for each item that did not finish, the finished ones kept, audited, lease released', async () => {
    const { engine, data } = await setup(store(), { worker: { maxAttempts: 1 } });
    await deleted(engine, data, ['s0']);
    const request = await requestPurge(engine, 'cli', { subjectId: 's0', type: 'del' });
    const claimed = await claimWork(engine, 'w1');
    expect(claimed.map((r) => Number(r.id))).toEqual([request.id]);
    await writeItemResults(engine, 'w1', firstItemDone([request.id]));

    await releaseClaim(engine, 'w1', claimed, reason);

    const done = await getRequest(engine, request.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: reason });
    expect(done.finishedAt).not.toBeNull();
    expect(done.items.map((i) => [i.itemKey, i.mode, i.status, i.count])).toEqual([
      ['a/one', 'delete', 'success', 1],
      ['a/two', 'delete', 'error', 0],
      ['a/three', 'delete', 'error', 0],
    ]);
    for (const item of done.items.slice(1)) {
      expect(item.message).toBe(
        `Not finished: the request's attempts are used up, and its last attempt failed (${reason}).`,
      );
      expect(item.finishedAt).not.toBeNull();
    }
    expect(done.progress).toEqual({ done: 3, total: 3 });
    expect(await lease(engine, request.id)).toMatchObject({ lease_owner: null, lease_expires_at: null });
    const events = await finishEvents(engine);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'system',
      targetType: 'request',
      targetId: String(request.id),
      details: { kind: 'purge', subject: 's0', status: 'failed', records: 1, error: reason },
    });
    expect((await verifyAudit(engine)).ok).toBe(true);
    // Ended: nothing claims it again, and a second give-back (giveBack tries again) changes nothing.
    expect(await claimWork(engine, 'w2')).toEqual([]);
    await releaseClaim(engine, 'w1', claimed, 'again');
    expect((await getRequest(engine, request.id)).error).toBe(reason);
    expect(await finishEvents(engine)).toHaveLength(1);
  });

  it('gives a request with attempts left back to the queue, with its reason and no results added', async () => {
    // No pause before the next attempt (retry-delay.test.ts covers the pause).
    const { engine, data } = await setup(store(), { worker: { maxAttempts: 3, retryDelaySeconds: 0 } });
    await deleted(engine, data, ['s0']);
    const request = await requestPurge(engine, 'cli', { subjectId: 's0', type: 'del' });
    const claimed = await claimWork(engine, 'w1');
    await writeItemResults(engine, 'w1', firstItemDone([request.id]));

    await releaseClaim(engine, 'w1', claimed, reason);

    expect(await lease(engine, request.id)).toEqual({
      status: 'pending',
      lease_owner: null,
      lease_expires_at: null,
      finished_at: null,
      attempts: 1,
      error: reason,
    });
    const after = await getRequest(engine, request.id);
    expect(after.items.map((i) => [i.itemKey, i.status])).toEqual([['a/one', 'success']]);
    expect(await finishEvents(engine)).toEqual([]);
    // The next attempt runs only what is left, and succeeds.
    const summary = await runWorker(engine, { once: true, jobs: 'none', workerId: 'w2' });
    expect(summary.finished).toEqual({ succeeded: 1 });
    const done = await getRequest(engine, request.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect(data.callsOf('a/one')).toEqual([]);
  });

  it('leaves alone a request another worker holds, or one cancelled meanwhile', async () => {
    const { engine, data } = await setup(store(), { worker: { maxAttempts: 1 } });
    await deleted(engine, data, ['s0', 's1']);
    const taken = await requestPurge(engine, 'cli', { subjectId: 's0', type: 'del' });
    const cancelled = await requestPurge(engine, 'cli', { subjectId: 's1', type: 'del' });
    const first = await claimWork(engine, 'w1');
    const second = await claimWork(engine, 'w1');
    // Its lease ran out and another worker took the first over; the second was cancelled while it ran.
    await engine.db.updateTable('requests').set({ lease_owner: 'w2' }).where('id', '=', taken.id).execute();
    await engine.db
      .updateTable('requests')
      .set({ status: 'cancelled', error: 'Cancelled by cli.' })
      .where('id', '=', cancelled.id)
      .execute();
    const before = await engine.db.selectFrom('requests').selectAll().orderBy('id').execute();

    await releaseClaim(engine, 'w1', [...first, ...second], reason);

    expect(await engine.db.selectFrom('requests').selectAll().orderBy('id').execute()).toEqual(before);
    const items = await engine.db.selectFrom('request_items').selectAll().execute();
    expect(items).toEqual([]);
    expect(await finishEvents(engine)).toEqual([]);
  });

  it('decides on the stored attempts, not on the rows read when the requests were claimed', async () => {
    const { engine, data } = await setup(store(), { worker: { maxAttempts: 1 } });
    await deleted(engine, data, ['s0', 's1']);
    const more = await requestPurge(engine, 'cli', { subjectId: 's0', type: 'del' });
    const last = await requestPurge(engine, 'cli', { subjectId: 's1', type: 'del' });
    const claimed = [...(await claimWork(engine, 'w1')), ...(await claimWork(engine, 'w1'))];
    expect(claimed.map((r) => Number(r.max_attempts))).toEqual([1, 1]);
    // Meanwhile the first was given more attempts; the claimed rows still say 1.
    await engine.db.updateTable('requests').set({ max_attempts: 3 }).where('id', '=', more.id).execute();
    // And the rows the caller passes may be stale the other way too.
    const stale = claimed.map((r) => (Number(r.id) === last.id ? { ...r, attempts: 0, max_attempts: 5 } : r));

    await releaseClaim(engine, 'w1', stale, reason);

    expect((await getRequest(engine, more.id)).status).toBe('pending');
    expect((await getRequest(engine, more.id)).items).toEqual([]);
    const failed = await getRequest(engine, last.id);
    expect(failed.status).toBe('failed');
    expect(failed.items.map((i) => i.status)).toEqual(['error', 'error', 'error']);
  });

  it('gives back a batch of 1,500 automatic purges in one go: the exhausted ones fail, the rest are queued again', async () => {
    const { engine } = await setup(store(), { worker: { maxAttempts: 3, batchSize: 2000 } });
    const count = 1500;
    const ids = Array.from({ length: count }, (_, i) => `p${String(i).padStart(4, '0')}`);
    await importSubjects(
      engine,
      'cli',
      ids.map((id) =>
        JSON.stringify({ id, username: id, email: `${id}@example.org`, fullName: id, status: 'deleted' }),
      ),
      { chunkSize: 2000 },
    );
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'del' });
    expect((await scanAutomaticPurges(engine)).enqueued).toBe(count);
    const claimed = await claimWork(engine, 'w1');
    expect(claimed).toHaveLength(count);
    const requestIds = claimed.map((r) => Number(r.id)).sort((a, b) => a - b);
    await writeItemResults(engine, 'w1', firstItemDone(requestIds));
    // Every other request is on its last attempt; ten were taken over by another worker.
    const exhausted = requestIds.filter((_, i) => i % 2 === 0);
    const other = requestIds.filter((_, i) => i % 2 === 1).slice(0, 10);
    for (let i = 0; i < exhausted.length; i += 500) {
      await engine.db
        .updateTable('requests')
        .set({ max_attempts: 1 })
        .where('id', 'in', exhausted.slice(i, i + 500))
        .execute();
    }
    await engine.db.updateTable('requests').set({ lease_owner: 'w2' }).where('id', 'in', other).execute();

    await releaseClaim(engine, 'w1', claimed, reason);

    const byStatus = await sql<{ status: string; lease_owner: string | null; n: number }>`
      select status, lease_owner, count(*) as n from requests group by status, lease_owner
      order by status, lease_owner`.execute(engine.db);
    expect(byStatus.rows.map((r) => [r.status, r.lease_owner, Number(r.n)])).toEqual([
      ['failed', null, 750],
      ['pending', null, 740],
      ['running', 'w2', 10],
    ]);
    const results = await sql<{ status: string; item_key: string; n: number }>`
      select status, item_key, count(*) as n from request_items group by status, item_key
      order by item_key, status`.execute(engine.db);
    expect(results.rows.map((r) => [r.item_key, r.status, Number(r.n)])).toEqual([
      ['a/one', 'success', count],
      ['a/three', 'error', 750],
      ['a/two', 'error', 750],
    ]);
    // Only the failed requests got results for the items that did not run.
    const strays = await engine.db
      .selectFrom('request_items as i')
      .innerJoin('requests as r', 'r.id', 'i.request_id')
      .select('r.id')
      .where('i.status', '=', 'error')
      .where('r.status', '<>', 'failed')
      .execute();
    expect(strays).toEqual([]);
    // One audit event lists them all (a batch adds one link to the chain, not hundreds).
    const events = await finishEvents(engine);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      targetType: 'requests',
      targetId: 'bulk',
      details: { count: 750, byStatus: { failed: 750 }, error: reason },
    });
    const listed =
      (events[0]?.details['requests'] as { id: number; status: string; records: number }[]) ?? [];
    expect(listed.map((r) => r.id)).toEqual(exhausted);
    expect(listed.every((r) => r.status === 'failed' && r.records === 1)).toBe(true);
    expect((await verifyAudit(engine)).ok).toBe(true);
  });

  it('an export that fails on its last attempt leaves nothing of its package', async () => {
    const { engine, request } = await exportOfDeleted(store(), 1);
    const claimed = await claimWork(engine, 'w1');
    expect(claimed.map((r) => Number(r.id))).toEqual([request.id]);
    // What the attempt left: the staged items, the ZIP being written, and a finished ZIP it never recorded.
    const zip = join(engine.config.filesDir, `${packageFileName(request.id)}.zip`);
    mkdirSync(`${zip}.parts/items`, { recursive: true });
    writeFileSync(`${zip}.parts/items/a-one.json`, '[]');
    writeFileSync(`${zip}.partial`, 'PK');
    writeFileSync(zip, 'PK');
    const other = join(engine.config.filesDir, `${packageFileName(request.id + 1)}.zip`);
    writeFileSync(other, 'PK');

    await releaseClaim(engine, 'w1', claimed, reason);

    const done = await getRequest(engine, request.id);
    expect(done).toMatchObject({ status: 'failed', error: reason, package: { path: null } });
    expect(done.items.map((i) => [i.itemKey, i.mode, i.status])).toEqual(
      keys.map((k) => [k, 'export', 'error']),
    );
    for (const path of [zip, `${zip}.partial`, `${zip}.parts`]) expect(existsSync(path)).toBe(false);
    expect(existsSync(other)).toBe(true);
  });

  it('an export with attempts left keeps its staged items for the next attempt', async () => {
    const { engine, request } = await exportOfDeleted(store(), 2);
    const claimed = await claimWork(engine, 'w1');
    const zip = join(engine.config.filesDir, `${packageFileName(request.id)}.zip`);
    mkdirSync(`${zip}.parts/items`, { recursive: true });

    await releaseClaim(engine, 'w1', claimed, reason);

    expect((await getRequest(engine, request.id)).status).toBe('pending');
    expect(existsSync(`${zip}.parts/items`)).toBe(true);
  });

  it("the timed-out sweep removes an export's half-made package, and a finished one it never recorded", async () => {
    const { engine, request } = await exportOfDeleted(store(), 1);
    expect(await claimWork(engine, 'dead')).toHaveLength(1);
    const zip = join(engine.config.filesDir, `${packageFileName(request.id)}.zip`);
    mkdirSync(`${zip}.parts/items`, { recursive: true });
    writeFileSync(`${zip}.partial`, 'PK');
    // The worker died after renaming the ZIP into place but before recording it: nothing else would delete it.
    writeFileSync(zip, 'PK');
    await engine.db
      .updateTable('requests')
      .set({ lease_expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', request.id)
      .execute();

    expect(await sweepTimedOut(engine)).toBe(1);

    expect((await getRequest(engine, request.id)).status).toBe('timed-out');
    for (const path of [zip, `${zip}.partial`, `${zip}.parts`]) expect(existsSync(path)).toBe(false);
  });

  it('through the worker: an export whose files folder cannot be written fails once its attempts are used', async () => {
    // No pause before the second attempt, so that `once` runs both.
    const { engine, data } = await setup(store(), { worker: { maxAttempts: 2, retryDelaySeconds: 0 } });
    await deleted(engine, data, ['s0']);
    // The files folder is a file: every attempt to write the package fails, because of the worker's side.
    mkdirSync(join(engine.config.filesDir, '..'), { recursive: true });
    writeFileSync(engine.config.filesDir, 'not a folder');
    const request = await requestExport(engine, 'cli', {
      subjectId: 's0',
      type: 'all-data',
      origin: 'admin',
    });
    const errors: string[] = [];
    const ended: string[] = [];
    const summary = await runWorker(engine, {
      once: true,
      jobs: 'none',
      onProgress: (e) => {
        if (e.type === 'error') errors.push(e.message);
        if (e.type === 'finished') ended.push(`${e.requestId} ${e.status}`);
      },
    });
    const done = await getRequest(engine, request.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 2 });
    // The worker counts it as finished, like a request that ends any other way.
    expect(summary.finished).toEqual({ failed: 1 });
    expect(ended).toEqual([`${request.id} failed`]);
    expect(errors).toHaveLength(2);
    expect(done.items.map((i) => [i.itemKey, i.status])).toEqual(keys.map((k) => [k, 'error']));
    expect(done.items[0]?.message).toContain("the request's attempts are used up");
    expect(done.items[0]?.message).toContain(done.error);
    const events = await finishEvents(engine);
    expect(events.map((e) => [e.targetId, e.details['status']])).toEqual([[String(request.id), 'failed']]);
  });
});
