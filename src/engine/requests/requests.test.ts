import { expect, it } from 'vitest';
import { FakeData, fakeItem } from '../../../test/engine/fake-items.js';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Store } from '../../store/index.js';
import { changeStatus, registerSubject } from '../subjects/index.js';
import { runWorker } from '../worker/index.js';
import { getRequest } from './get-request.js';
import { listRequests } from './list-requests.js';
import { requestErase } from './request-erase.js';

async function setup(store: Store) {
  const data = new FakeData();
  const engine = testEngine(store, [
    fakeItem(data, 'names', 'full', { sortOrder: 2, modes: { anonymise: ['deleted'] } }),
    fakeItem(data, 'posts', 'all', { sortOrder: 1, modes: { delete: ['suspended', 'deleted'] } }),
  ]);
  for (const id of ['kim', 'lee']) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    data.put('names/full', id, [id]);
    data.put('posts/all', id, ['p1', 'p2', 'p3']);
  }
  await changeStatus(engine, 'cli', ['kim'], 'deleted');
  await changeStatus(engine, 'cli', ['lee'], 'suspended');
  return { engine, data };
}

describeEachStore('erase requests', ({ store }) => {
  it('queues an erasure by an explicit plan and runs it in catalogue order', async () => {
    const { engine, data } = await setup(store());
    const queued = await requestErase(engine, 'api', {
      subjectId: 'kim',
      origin: 'api',
      plan: [
        { key: 'names/full', mode: 'anonymise' },
        { key: 'posts/all', mode: 'delete' },
      ],
    });
    expect(queued).toMatchObject({ kind: 'purge', purgeTypeId: null, typeIdnumber: null, origin: 'api' });
    expect(queued.plan).toEqual([
      { key: 'names/full', mode: 'anonymise' },
      { key: 'posts/all', mode: 'delete' },
    ]);
    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, String(queued.id));
    expect(done.status).toBe('succeeded');
    // The catalogue's order (Test group: sort order 1 before 2), not the plan's.
    expect(done.items.map((i) => [i.itemKey, i.mode, i.count])).toEqual([
      ['posts/all', 'delete', 3],
      ['names/full', 'anonymise', 1],
    ]);
    expect(data.get('posts/all', 'kim')).toEqual([]);
    expect(data.get('posts/all', 'lee')).toHaveLength(3);
  });

  it('refuses a bad plan with the code that names the problem', async () => {
    const { engine } = await setup(store());
    const cases: [Parameters<typeof requestErase>[2], string][] = [
      [{ subjectId: 'kim', origin: 'api', plan: [] }, 'LETHE_E_INVALID_INPUT'],
      [
        { subjectId: 'kim', origin: 'bot' as 'api', plan: [{ key: 'posts/all', mode: 'delete' }] },
        'LETHE_E_INVALID_INPUT',
      ],
      [
        {
          subjectId: 'kim',
          origin: 'api',
          plan: [
            { key: 'posts/all', mode: 'delete' },
            { key: 'posts/all', mode: 'delete' },
          ],
        },
        'LETHE_E_INVALID_INPUT',
      ],
      [
        { subjectId: 'kim', origin: 'api', plan: [{ key: 'posts/none', mode: 'delete' }] },
        'LETHE_E_ITEM_UNKNOWN',
      ],
      [
        { subjectId: 'kim', origin: 'api', plan: [{ key: 'posts/all', mode: 'anonymise' }] },
        'LETHE_E_MODE_UNSUPPORTED',
      ],
      [
        { subjectId: 'lee', origin: 'api', plan: [{ key: 'names/full', mode: 'anonymise' }] },
        'LETHE_E_STATUS_NOT_ALLOWED',
      ],
      [
        { subjectId: 'zed', origin: 'api', plan: [{ key: 'posts/all', mode: 'delete' }] },
        'LETHE_E_SUBJECT_UNKNOWN',
      ],
    ];
    for (const [input, code] of cases) {
      await expect(requestErase(engine, 'api', input), JSON.stringify(input)).rejects.toMatchObject({ code });
    }
    await requestErase(engine, 'api', {
      subjectId: 'lee',
      origin: 'api',
      plan: [{ key: 'posts/all', mode: 'delete' }],
    });
    await expect(
      requestErase(engine, 'api', {
        subjectId: 'lee',
        origin: 'api',
        plan: [{ key: 'posts/all', mode: 'delete' }],
      }),
    ).rejects.toMatchObject({ code: 'LETHE_E_PURGE_OPEN' });
  });

  it('refuses request ids that cannot exist with LETHE_E_INVALID_INPUT, and an unknown one with its code', async () => {
    const { engine } = await setup(store());
    for (const bad of ['0', '-1', 'abc', '1.5', '2147483648', '99999999999', '']) {
      await expect(getRequest(engine, bad), bad).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    }
    await expect(getRequest(engine, '2147483647')).rejects.toMatchObject({ code: 'LETHE_E_REQUEST_UNKNOWN' });
  });

  it('lists requests filtered and paginated, newest first', async () => {
    const { engine } = await setup(store());
    for (const id of ['kim', 'lee']) {
      await requestErase(engine, 'api', {
        subjectId: id,
        origin: 'admin',
        plan: [{ key: 'posts/all', mode: 'delete' }],
      });
    }
    const all = await listRequests(engine, { kind: 'purge' });
    expect(all.total).toBe(2);
    expect(all.requests.map((r) => r.subjectId)).toEqual(['lee', 'kim']);
    expect((await listRequests(engine, { subjectId: 'kim', status: ['pending'] })).total).toBe(1);
    expect((await listRequests(engine, { kind: 'export' })).total).toBe(0);
    expect((await listRequests(engine, { limit: 1, offset: 1 })).requests.map((r) => r.subjectId)).toEqual([
      'kim',
    ]);
    await expect(listRequests(engine, { status: 'done' as 'pending' })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
    });
    await expect(listRequests(engine, { limit: 0 })).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
  });
});
