import { expect, it } from 'vitest';
import { createDeleteType, deletedSubjects, fakeEngine } from '../../../test/engine/fake-engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Store } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { requestPurge } from '../purges/index.js';
import { claimWork } from './claim-work.js';
import { type ItemResultRow, writeItemResults } from './write-results.js';

async function setup(store: Store, subjects: number): Promise<{ engine: Engine; requestIds: number[] }> {
  const keys = ['a/one'];
  const { engine, data } = fakeEngine(store, keys);
  const ids = Array.from({ length: subjects }, (_, i) => `s${i}`);
  await createDeleteType(engine, keys, { allowAutomatic: false });
  await deletedSubjects(engine, data, keys, ids);
  const requestIds: number[] = [];
  for (const id of ids)
    requestIds.push((await requestPurge(engine, 'cli', { subjectId: id, type: 'del' })).id);
  return { engine, requestIds };
}

function result(requestId: number, count: number, key = 'a/one'): ItemResultRow {
  return {
    requestId,
    key,
    mode: 'delete',
    result: { status: 'success', count },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
  };
}

async function rowsOf(engine: Engine) {
  const rows = await engine.db
    .selectFrom('request_items')
    .select(['request_id', 'item_key', 'count'])
    .orderBy('request_id')
    .execute();
  return rows.map((r) => ({ request: Number(r.request_id), key: r.item_key, count: Number(r.count) }));
}

/** Claims one request for `worker` (requests are claimed oldest first, one at a time for manual purges). */
async function claimOne(engine: Engine, worker: string): Promise<number> {
  const [row] = await claimWork(engine, worker);
  if (!row) throw new Error('nothing to claim');
  return Number(row.id);
}

describeEachStore('writeItemResults', ({ store }) => {
  it('writes only the rows of requests this worker holds, and says which those are', async () => {
    const { engine, requestIds } = await setup(store(), 3);
    const mine = await claimOne(engine, 'me');
    const theirs = await claimOne(engine, 'other');
    const unclaimed = requestIds.find((id) => id !== mine && id !== theirs) as number;
    const owned = await writeItemResults(engine, 'me', [
      result(mine, 2),
      result(theirs, 5),
      result(unclaimed, 7),
    ]);
    expect([...owned]).toEqual([mine]);
    expect(await rowsOf(engine)).toEqual([{ request: mine, key: 'a/one', count: 2 }]);
  });

  it('keeps an existing row, and still counts its request as held', async () => {
    const { engine } = await setup(store(), 1);
    const mine = await claimOne(engine, 'me');
    expect([...(await writeItemResults(engine, 'me', [result(mine, 2)]))]).toEqual([mine]);
    // Written again (a second write of the same item): the first row stays, and the request is still held.
    expect([...(await writeItemResults(engine, 'me', [result(mine, 9)]))]).toEqual([mine]);
    expect(await rowsOf(engine)).toEqual([{ request: mine, key: 'a/one', count: 2 }]);
  });

  it('writes for a request cancelled while it ran, which its worker still holds', async () => {
    const { engine } = await setup(store(), 1);
    const mine = await claimOne(engine, 'me');
    await engine.db.updateTable('requests').set({ status: 'cancelled' }).where('id', '=', mine).execute();
    expect([...(await writeItemResults(engine, 'me', [result(mine, 1)]))]).toEqual([mine]);
    expect(await rowsOf(engine)).toHaveLength(1);
  });

  it('writes runs that differ (two items at once) together, for many requests', async () => {
    const { engine, requestIds } = await setup(store(), 40);
    await engine.db.updateTable('requests').set({ status: 'running', lease_owner: 'me' }).execute();
    const rows = requestIds.flatMap((id) => [result(id, id % 3), result(id, 1, 'a/two')]);
    const owned = await writeItemResults(engine, 'me', rows);
    expect(owned.size).toBe(40);
    const written = await rowsOf(engine);
    expect(written).toHaveLength(80);
    expect(written.filter((r) => r.key === 'a/one').map((r) => r.count)).toEqual(
      requestIds.map((id) => id % 3),
    );
  });
});
