import { describe, expect, it } from 'vitest';
import { createDeleteType, deletedSubjects, fakeEngine } from '../../../test/engine/fake-engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { ConfigInput } from '../../config/index.js';
import type { Store } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { requestPurge } from '../purges/index.js';
import { cancelRequest, getRequest, listRequests } from '../requests/index.js';
import { claimWork } from './claim-work.js';
import { releaseClaim } from './finish-requests.js';
import { maxRetryDelaySeconds, retryDelaySeconds } from './retry-delay.js';
import { runWorker } from './run-worker.js';

const keys = ['a/one', 'a/two'];
const reason =
  'LETHE_E_STORE_UNAVAILABLE: the worker lost its connection to the store while it ran this request.';
const past = '2000-01-01T00:00:00.000Z';

async function setup(store: Store, worker: NonNullable<ConfigInput['worker']>, subjects: string[]) {
  const { engine, data } = fakeEngine(store, keys, { worker });
  await createDeleteType(engine, keys, { allowAutomatic: false });
  await deletedSubjects(engine, data, keys, subjects);
  const ids: number[] = [];
  for (const id of subjects) ids.push((await requestPurge(engine, 'cli', { subjectId: id, type: 'del' })).id);
  return { engine, ids };
}

async function stored(engine: Engine, id: number) {
  return engine.db
    .selectFrom('requests')
    .select(['status', 'attempts', 'retry_after', 'lease_owner'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Gives back what the worker holds, and the times just before and after (the pause counts from in between). */
async function giveBack(engine: Engine, workerId: string, rows: Awaited<ReturnType<typeof claimWork>>) {
  const before = Date.now();
  await releaseClaim(engine, workerId, rows, reason);
  return { before, after: Date.now() };
}

function expectPause(retryAfter: string | null, window: { before: number; after: number }, seconds: number) {
  expect(retryAfter).not.toBeNull();
  const at = Date.parse(retryAfter ?? '');
  expect(retryAfter).toBe(new Date(at).toISOString());
  expect(at).toBeGreaterThanOrEqual(window.before + seconds * 1000);
  expect(at).toBeLessThanOrEqual(window.after + seconds * 1000);
}

describe('retryDelaySeconds', () => {
  it('doubles with each attempt used, from the base, up to an hour; 0 is no pause', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(30, n))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds(30, 8)).toBe(3600);
    expect(retryDelaySeconds(30, 100)).toBe(maxRetryDelaySeconds);
    expect(retryDelaySeconds(5000, 1)).toBe(3600);
    expect(retryDelaySeconds(0.5, 3)).toBe(2);
    expect(retryDelaySeconds(0, 1)).toBe(0);
    expect(retryDelaySeconds(0, 50)).toBe(0);
  });
});

describeEachStore('the pause before a request given back is tried again', ({ store }) => {
  it('waits retryDelaySeconds after the first attempt and twice that after the second; not claimed before', async () => {
    const { engine, ids } = await setup(store(), { maxAttempts: 3, retryDelaySeconds: 10 }, ['s0', 's1']);
    const [first, second] = ids as [number, number];
    const claimed = await claimWork(engine, 'w1');
    expect(claimed.map((r) => Number(r.id))).toEqual([first]);

    const window1 = await giveBack(engine, 'w1', claimed);

    const waiting = await stored(engine, first);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lease_owner: null });
    expectPause(waiting.retry_after, window1, 10);
    // The API and the CLI show it.
    const shown = await getRequest(engine, first);
    expect(shown).toMatchObject({ status: 'pending', error: reason, retryAfter: waiting.retry_after });
    const listed = (await listRequests(engine)).requests.find((r) => r.id === first);
    expect(listed?.retryAfter).toBe(waiting.retry_after);

    // It waits: the next claim takes the request behind it, and then nothing.
    expect((await claimWork(engine, 'w2')).map((r) => Number(r.id))).toEqual([second]);
    expect(await claimWork(engine, 'w2')).toEqual([]);
    // `worker --once` says that it waits, and until when.
    expect(await runWorker(engine, { once: true, jobs: 'none', workerId: 'w3' })).toMatchObject({
      requests: 0,
      waitingForRetry: { requests: 1, nextAt: waiting.retry_after },
    });
    expect(await stored(engine, first)).toEqual(waiting);

    // Its time has come: it is claimed again, and no pause is left on it while it runs.
    await engine.db.updateTable('requests').set({ retry_after: past }).where('id', '=', first).execute();
    const again = await claimWork(engine, 'w1');
    expect(again.map((r) => [Number(r.id), Number(r.attempts), r.retry_after])).toEqual([[first, 2, null]]);
    expect((await getRequest(engine, first)).retryAfter).toBeNull();

    // The second attempt fails too: twice the pause.
    const window2 = await giveBack(engine, 'w1', again);

    const longer = await stored(engine, first);
    expect(longer).toMatchObject({ status: 'pending', attempts: 2 });
    expectPause(longer.retry_after, window2, 20);
    expect(await claimWork(engine, 'w1')).toEqual([]);

    // The third, once due, runs to the end.
    await engine.db.updateTable('requests').set({ retry_after: past }).where('id', '=', first).execute();
    const summary = await runWorker(engine, { once: true, jobs: 'none', workerId: 'w1' });
    expect(summary.finished).toEqual({ succeeded: 1 });
    expect(summary.waitingForRetry).toBeUndefined();
    expect(await getRequest(engine, first)).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      retryAfter: null,
    });
  });

  it('gives each request of one give-back the pause of its own attempts, in one statement, up to an hour', async () => {
    const subjects = ['s0', 's1', 's2', 's3', 's4'];
    const { engine, ids } = await setup(store(), { maxAttempts: 100, retryDelaySeconds: 1000 }, subjects);
    const claimed = [];
    for (let i = 0; i < ids.length; i++) claimed.push(...(await claimWork(engine, 'w1')));
    expect(claimed.map((r) => Number(r.id))).toEqual(ids);
    // Attempts used so far: 1, 2, 3 (4000 s: capped), 50, and 0 (never in practice: as the first).
    const used = [1, 2, 3, 50, 0];
    for (const [i, id] of ids.entries()) {
      await engine.db
        .updateTable('requests')
        .set({ attempts: used[i] ?? 0 })
        .where('id', '=', id)
        .execute();
    }

    const window = await giveBack(engine, 'w1', claimed);

    const after = await Promise.all(ids.map((id) => stored(engine, id)));
    expect(after.map((r) => r.status)).toEqual(subjects.map(() => 'pending'));
    const times = after.map((r) => Date.parse(r.retry_after ?? ''));
    const base = times[0] ?? 0;
    // One `now` for all of them: the pauses differ exactly.
    expect(times.map((t) => (t - base) / 1000)).toEqual([0, 1000, 2600, 2600, 0]);
    expectPause(after[2]?.retry_after ?? null, window, maxRetryDelaySeconds);
    expectPause(after[3]?.retry_after ?? null, window, maxRetryDelaySeconds);
    expectPause(after[0]?.retry_after ?? null, window, 1000);
    expect(await claimWork(engine, 'w2')).toEqual([]);
  });

  it('caps the pause at an hour when the base alone is longer', async () => {
    const { engine, ids } = await setup(store(), { maxAttempts: 3, retryDelaySeconds: 86_400 }, ['s0']);
    const window = await giveBack(engine, 'w1', await claimWork(engine, 'w1'));
    expectPause((await stored(engine, ids[0] ?? 0)).retry_after, window, 3600);
  });

  it('with retryDelaySeconds 0, a request given back may be claimed again at once, as before', async () => {
    const { engine, ids } = await setup(store(), { maxAttempts: 2, retryDelaySeconds: 0 }, ['s0']);
    await giveBack(engine, 'w1', await claimWork(engine, 'w1'));
    const back = await stored(engine, ids[0] ?? 0);
    expect(back).toMatchObject({ status: 'pending', attempts: 1, retry_after: null });
    expect((await getRequest(engine, ids[0] ?? 0)).retryAfter).toBeNull();
    const summary = await runWorker(engine, { once: true, jobs: 'none', workerId: 'w2' });
    expect(summary.finished).toEqual({ succeeded: 1 });
  });

  it('a request whose attempts are used up ends without a retry time', async () => {
    const { engine, ids } = await setup(store(), { maxAttempts: 1, retryDelaySeconds: 10 }, ['s0']);
    await giveBack(engine, 'w1', await claimWork(engine, 'w1'));
    expect(await stored(engine, ids[0] ?? 0)).toMatchObject({ status: 'failed', retry_after: null });
    expect((await getRequest(engine, ids[0] ?? 0)).retryAfter).toBeNull();
  });

  it('a request cancelled while it waits keeps no retry time, shown or stored', async () => {
    const { engine, ids } = await setup(store(), { maxAttempts: 2, retryDelaySeconds: 10 }, ['s0']);
    const id = ids[0] ?? 0;
    await giveBack(engine, 'w1', await claimWork(engine, 'w1'));
    expect((await getRequest(engine, id)).retryAfter).not.toBeNull();
    const cancelled = await cancelRequest(engine, 'cli', id);
    expect(cancelled).toMatchObject({ status: 'cancelled', retryAfter: null });
    expect(await stored(engine, id)).toMatchObject({ status: 'cancelled', retry_after: null });
  });
});
