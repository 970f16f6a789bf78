import { expect, it } from 'vitest';
import { FakeData, fakeItem } from '../../../test/engine/fake-items.js';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Store } from '../../store/index.js';
import { requestPurge } from '../purges/index.js';
import { changeStatus, registerSubject } from '../subjects/index.js';
import { createPurgeType } from '../types/index.js';
import { runWorker } from '../worker/index.js';
import { getRequest } from './get-request.js';
import { listRequests } from './list-requests.js';
import { requestErase } from './request-erase.js';

async function setup(store: Store) {
  const data = new FakeData();
  const engine = testEngine(store, [
    fakeItem(data, 'forum', 'posts', { sortOrder: 1, modes: { delete: ['deleted'] } }),
    fakeItem(data, 'forum', 'profile', { sortOrder: 2, modes: { anonymise: ['deleted'] } }),
    fakeItem(data, 'mail', 'messages', { sortOrder: 3, modes: { delete: ['deleted'] } }),
  ]);
  for (const id of ['kim', 'lee', 'max']) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    data.put('forum/posts', id, ['p1', 'p2']);
  }
  await changeStatus(engine, 'cli', ['kim', 'lee', 'max'], 'deleted');
  await createPurgeType(engine, 'cli', {
    idnumber: 'del',
    name: 'Deleted',
    status: 'deleted',
    allowManual: true,
    items: [
      { key: 'forum/posts', mode: 'delete' },
      { key: 'forum/profile', mode: 'anonymise' },
      { key: 'mail/messages', mode: 'delete' },
    ],
  });
  return engine;
}

describeEachStore('request progress', ({ store }) => {
  it('counts the items with a result, of its plan or its type’s items, while open; of its results once done', async () => {
    const engine = await setup(store());
    const byPlan = await requestErase(engine, 'api', {
      subjectId: 'kim',
      origin: 'api',
      plan: [
        { key: 'forum/posts', mode: 'delete' },
        { key: 'mail/messages', mode: 'delete' },
      ],
    });
    const byType = await requestPurge(engine, 'cli', { subjectId: 'lee', type: 'del' });
    const sameType = await requestPurge(engine, 'cli', { subjectId: 'max', type: 'del' });
    expect(byPlan.progress).toEqual({ done: 0, total: 2 });
    expect(byType.progress).toEqual({ done: 0, total: 3 });

    // A worker half way: one item of the type's request has its result.
    await engine.db
      .insertInto('request_items')
      .values({
        request_id: byType.id,
        item_key: 'forum/posts',
        mode: 'delete',
        status: 'success',
        count: 2,
        message: null,
        started_at: null,
        finished_at: new Date().toISOString(),
        duration_ms: 5,
      })
      .execute();
    expect((await getRequest(engine, byType.id)).progress).toEqual({ done: 1, total: 3 });
    const listed = await listRequests(engine, { kind: 'purge' });
    expect(listed.requests.map((r) => [r.id, r.progress])).toEqual([
      [sameType.id, { done: 0, total: 3 }],
      [byType.id, { done: 1, total: 3 }],
      [byPlan.id, { done: 0, total: 2 }],
    ]);

    await runWorker(engine, { once: true, jobs: 'none' });
    const finished = await listRequests(engine, { kind: 'purge' });
    for (const r of finished.requests) {
      expect(r.status).toBe('succeeded');
      expect(r.progress.done).toBe(r.progress.total);
      expect(r.progress).toEqual((await getRequest(engine, r.id)).progress);
    }
    expect((await getRequest(engine, byPlan.id)).progress).toEqual({ done: 2, total: 2 });
    expect((await getRequest(engine, byType.id)).progress).toEqual({ done: 3, total: 3 });
  });
});
