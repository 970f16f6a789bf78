import { expect, it } from 'vitest';
import { FakeData, fakeItem } from '../../../test/engine/fake-items.js';
import { readZipEntry } from '../../../test/engine/read-zip-entry.js';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Item } from '../../items/index.js';
import type { Store } from '../../store/index.js';
import { listAudit } from '../audit/index.js';
import { registerSubject } from '../subjects/index.js';
import { createExportType } from '../types/index.js';
import { runWorker } from '../worker/index.js';
import { cancelRequest } from './cancel-request.js';
import { getRequest } from './get-request.js';
import { requestExport } from './request-export.js';
import { requestSteps } from './request-plan.js';

const keys = ['forum/posts', 'forum/ratings', 'blog/entries', 'logs/hits'] as const;

/** forum/posts and blog/entries export; forum/ratings and logs/hits (a whole component) cannot. */
async function setup(store: Store, before?: (key: string) => Promise<void>) {
  const data = new FakeData();
  const items = keys.map((key, i): Item => {
    const [component, name] = key.split('/') as [string, string];
    const item = fakeItem(data, component, name, { sortOrder: i });
    if (key === 'forum/ratings' || key === 'logs/hits') {
      const { export: _none, ...rest } = item;
      return rest;
    }
    const records = item.export?.records;
    if (records && before) {
      item.export = {
        async *records(ctx) {
          await before(key);
          yield* records(ctx);
        },
      };
    }
    return item;
  });
  const engine = testEngine(store, items, { worker: { itemTimeLimitMs: 5000 } });
  for (const id of ['ann', 'ben']) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    for (const key of keys) data.put(key, id, [`${key} of ${id}`]);
  }
  await createExportType(engine, 'cli', { idnumber: 'mine', name: 'My data', allowSelf: true, items: [] });
  return { engine, data };
}

describeEachStore('exports by chosen items', ({ store }) => {
  it('queues a plan of export steps in catalogue order, and the package calls its type "Selected items"', async () => {
    const { engine } = await setup(store());
    const queued = await requestExport(engine, 'cli', {
      subjectId: 'ann',
      items: ['blog/entries', 'forum', ' forum/posts '],
      origin: 'admin',
    });
    expect(queued).toMatchObject({
      kind: 'export',
      status: 'pending',
      exportTypeId: null,
      typeIdnumber: null,
      plan: [
        { key: 'forum/posts', mode: 'export' },
        { key: 'blog/entries', mode: 'export' },
      ],
    });
    const created = await listAudit(engine, { action: 'request.create', targetId: String(queued.id) });
    expect(created.events[0]?.details).toMatchObject({ items: ['forum/posts', 'blog/entries'] });
    // One export at a time, whether by type or by items.
    await expect(
      requestExport(engine, 'cli', { subjectId: 'ann', items: ['blog'], origin: 'api' }),
    ).rejects.toMatchObject({ code: 'LETHE_E_EXPORT_OPEN' });

    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, queued.id);
    expect(done.status).toBe('succeeded');
    expect(done.items.map((i) => [i.itemKey, i.mode, i.status, i.count])).toEqual([
      ['forum/posts', 'export', 'success', 1],
      ['blog/entries', 'export', 'success', 1],
    ]);
    const path = done.package?.path ?? '';
    const manifest = JSON.parse((await readZipEntry(path, 'manifest.json')) ?? '{}') as {
      exportType: unknown;
      items: { key: string }[];
    };
    expect(manifest.exportType).toEqual({
      idnumber: 'selected-items',
      name: 'Selected items',
      includeFiles: true,
    });
    expect(manifest.items.map((i) => i.key)).toEqual(['forum/posts', 'blog/entries']);
    const json = JSON.parse((await readZipEntry(path, 'data.json')) ?? '{}') as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(expect.arrayContaining(['blog/entries', 'forum/posts']));
    expect(JSON.stringify(json)).not.toContain('forum/ratings of ann');
    expect(await readZipEntry(path, 'index.html')).toContain('Selected items');
  });

  it('refuses each bad choice with its code, naming the item', async () => {
    const { engine } = await setup(store());
    const cases: [Parameters<typeof requestExport>[2], string, Record<string, unknown>?][] = [
      [
        { subjectId: 'ann', items: ['nope', 'forum/nothing'], origin: 'admin' },
        'LETHE_E_ITEM_UNKNOWN',
        {
          item: 'nope',
          items: ['nope', 'forum/nothing'],
        },
      ],
      [
        { subjectId: 'ann', items: ['forum/ratings'], origin: 'admin' },
        'LETHE_E_INVALID_INPUT',
        {
          item: 'forum/ratings',
        },
      ],
      [
        { subjectId: 'ann', items: ['forum', 'logs'], origin: 'admin' },
        'LETHE_E_INVALID_INPUT',
        { item: 'logs' },
      ],
      [{ subjectId: 'ann', items: [], origin: 'admin' }, 'LETHE_E_INVALID_INPUT', { field: 'items' }],
      [{ subjectId: 'ann', items: ['  '], origin: 'admin' }, 'LETHE_E_INVALID_INPUT', { field: 'items' }],
      [{ subjectId: 'ann', items: [7 as unknown as string], origin: 'admin' }, 'LETHE_E_INVALID_INPUT'],
      [{ subjectId: 'ann', items: 'forum' as unknown as string[], origin: 'admin' }, 'LETHE_E_INVALID_INPUT'],
      [{ subjectId: 'ann', type: 'mine', items: ['forum'], origin: 'admin' }, 'LETHE_E_INVALID_INPUT'],
      [{ subjectId: 'ann', origin: 'admin' }, 'LETHE_E_INVALID_INPUT', { field: 'type' }],
      [{ subjectId: 'nobody', items: ['forum'], origin: 'admin' }, 'LETHE_E_SUBJECT_UNKNOWN'],
      // Self-service may not pick items: only a type offered to subjects.
      [{ subjectId: 'ann', items: ['forum'], origin: 'self' }, 'LETHE_E_TYPE_NOT_SELF'],
    ];
    for (const [input, code, details] of cases) {
      await expect(requestExport(engine, 'subject:ann', input), JSON.stringify(input)).rejects.toMatchObject({
        code,
        ...(details ? { details } : {}),
      });
    }
    expect(await engine.db.selectFrom('requests').select('id').execute()).toEqual([]);
    // The self-service rule is unchanged: a type that allows it still works.
    const own = await requestExport(engine, 'subject:ann', {
      subjectId: 'ann',
      type: 'mine',
      origin: 'self',
    });
    expect(own.plan).toBeNull();
  });

  it('a cancel stops it before its next item, and the rest of the plan is cancelled', async () => {
    let target = 0;
    const { engine } = await setup(store(), async (key) => {
      if (key === 'forum/posts' && target > 0) await cancelRequest(engine, 'cli', target);
    });
    const queued = await requestExport(engine, 'cli', {
      subjectId: 'ben',
      items: ['forum/posts', 'blog'],
      origin: 'api',
    });
    target = queued.id;
    const row = await engine.db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    expect(await requestSteps(engine, engine.db, row)).toEqual([
      { key: 'forum/posts', mode: 'export' },
      { key: 'blog/entries', mode: 'export' },
    ]);
    await runWorker(engine, { once: true, jobs: 'none' });
    const cancelled = await getRequest(engine, queued.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.items.map((i) => [i.itemKey, i.status])).toEqual([
      ['forum/posts', 'success'],
      ['blog/entries', 'cancelled'],
    ]);
    expect(cancelled.package?.path).toBeNull();
  });
});
