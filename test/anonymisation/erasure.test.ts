import { expect, it } from 'vitest';
import {
  deleteSubjectIfClean,
  personalDataSummary,
  requestErasure,
  waitForRequests,
} from '../../src/engine/anonymisation/index.js';
import { listAudit } from '../../src/engine/audit/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { getRequest } from '../../src/engine/requests/index.js';
import { getAnonymousUser } from '../../src/engine/settings/index.js';
import { changeStatus, getSubject, registerSubject } from '../../src/engine/subjects/index.js';
import type { Item } from '../../src/items/index.js';
import type { Store } from '../../src/store/index.js';
import { FakeData, fakeItem } from '../engine/fake-items.js';
import { testEngine } from '../support/engine.js';
import { describeEachStore } from '../support/stores.js';

const inactive = ['suspended', 'deleted'] as const;

function items(data: FakeData, options: { failCount?: boolean } = {}): Item[] {
  const broken = fakeItem(data, 'files', 'private', { modes: { delete: inactive } });
  if (options.failCount) {
    broken.count = async () => {
      throw new Error('the files disk is offline');
    };
  }
  return [
    fakeItem(data, 'forum', 'posts', { modes: { anonymise: inactive, delete: ['deleted'] }, sortOrder: 1 }),
    fakeItem(data, 'forum', 'ratings', { modes: { delete: inactive }, sortOrder: 2 }),
    fakeItem(data, 'blog', 'posts', { modes: { anonymise: inactive, delete: ['deleted'] } }),
    fakeItem(data, 'user', 'names', { modes: { delete: ['deleted'] } }),
    broken,
  ];
}

async function setup(store: Store, options: { failCount?: boolean } = {}) {
  const data = new FakeData();
  const engine = testEngine(store, items(data, options), { worker: { itemTimeLimitMs: 5000 } });
  for (const id of ['ann', 'ben']) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    data.put('forum/posts', id, ['p1', 'p2', 'p3']);
    data.put('forum/ratings', id, ['r1']);
    data.put('blog/posts', id, ['b1', 'b2']);
    data.put('user/names', id, ['name']);
  }
  return { engine, data };
}

async function run(engine: Engine, id: number) {
  const waited = await waitForRequests(engine, [id], { timeoutMs: 20_000, pollMs: 20 });
  expect(waited.finished).toBe(true);
  return waited.requests[0];
}

function itemOf(summary: Awaited<ReturnType<typeof personalDataSummary>>, key: string) {
  return summary.components.flatMap((c) => c.items).find((i) => i.key === key);
}

describeEachStore('Delete Personal Data', ({ store }) => {
  it('summarises a subject per component and item: counts, modes for the status, and what was done', async () => {
    const { engine } = await setup(store());
    const summary = await personalDataSummary(engine, 'ann');
    expect(summary.subject.id).toBe('ann');
    // In catalogue order (group, sort order, key).
    expect(summary.components.map((c) => [c.component, c.total])).toEqual([
      ['blog', 2],
      ['files', 0],
      ['user', 1],
      ['forum', 4],
    ]);
    expect(summary.total).toBe(7);
    expect(itemOf(summary, 'forum/posts')).toMatchObject({
      count: 3,
      state: 'pending',
      done: null,
      modes: {
        anonymise: { allowed: false, reason: expect.stringContaining('suspended and deleted') },
        delete: { allowed: false },
      },
    });
    expect(itemOf(summary, 'files/private')).toMatchObject({ count: 0, state: 'empty' });
  });

  it('shows an item whose count fails as an error, not a crash', async () => {
    const { engine } = await setup(store(), { failCount: true });
    const summary = await personalDataSummary(engine, 'ann');
    expect(itemOf(summary, 'files/private')).toMatchObject({
      count: null,
      state: 'error',
      error: 'the files disk is offline',
    });
    expect(summary.errors).toBe(1);
    expect(summary.total).toBe(7);
  });

  it('refuses each bad erasure with its code, naming the item', async () => {
    const { engine } = await setup(store());
    const anonymous = await getAnonymousUser(engine, 'cli');
    const erase = (subjectId: string, list: string[], mode: 'anonymise' | 'delete') =>
      requestErasure(engine, 'cli', { subjectId, items: list, mode, origin: 'admin' });
    await expect(erase('ann', ['blog'], 'anonymise')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_ACTIVE',
      message: expect.stringContaining('deactivate them first'),
    });
    await changeStatus(engine, 'cli', ['ann'], 'suspended');
    await expect(erase('nobody', ['blog'], 'anonymise')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
    });
    await expect(erase(anonymous.id, ['blog'], 'anonymise')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_PROTECTED',
    });
    await expect(erase('ann', ['blog', 'wiki', 'forum/nothing'], 'anonymise')).rejects.toMatchObject({
      code: 'LETHE_E_ITEM_UNKNOWN',
      details: { items: ['wiki', 'forum/nothing'] },
    });
    await expect(erase('ann', ['forum/ratings'], 'anonymise')).rejects.toMatchObject({
      code: 'LETHE_E_MODE_UNSUPPORTED',
      message: expect.stringContaining('forum/ratings'),
    });
    await expect(erase('ann', ['user'], 'anonymise')).rejects.toMatchObject({
      code: 'LETHE_E_MODE_UNSUPPORTED',
      message: expect.stringContaining('"user"'),
    });
    await expect(erase('ann', ['user/names'], 'delete')).rejects.toMatchObject({
      code: 'LETHE_E_STATUS_NOT_ALLOWED',
      message: expect.stringContaining('user/names'),
    });
    await expect(erase('ann', [], 'delete')).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    await expect(
      requestErasure(engine, 'cli', { subjectId: 'ann', items: ['blog'], mode: 'shred' as 'delete' }),
    ).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    await erase('ann', ['blog'], 'anonymise');
    await expect(erase('ann', ['forum'], 'anonymise')).rejects.toMatchObject({ code: 'LETHE_E_PURGE_OPEN' });
  });

  it('erases the chosen components and items as an admin purge with a plan; the summary shows them done', async () => {
    const { engine, data } = await setup(store());
    await changeStatus(engine, 'cli', ['ann'], 'suspended');
    const result = await requestErasure(engine, 'account:1', {
      subjectId: 'ann',
      items: ['forum', 'blog/posts'],
      mode: 'anonymise',
      origin: 'admin',
    });
    expect(result.request).toMatchObject({
      kind: 'purge',
      origin: 'admin',
      purgeTypeId: null,
      status: 'pending',
      // In catalogue order.
      plan: [
        { key: 'blog/posts', mode: 'anonymise' },
        { key: 'forum/posts', mode: 'anonymise' },
      ],
    });
    expect(result.skipped).toEqual([
      { key: 'forum/ratings', reason: expect.stringContaining('"anonymise"') },
    ]);
    const done = await run(engine, result.request.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.items.map((i) => [i.itemKey, i.mode, i.status, i.count]).sort()).toEqual([
      ['blog/posts', 'anonymise', 'success', 2],
      ['forum/posts', 'anonymise', 'success', 3],
    ]);
    // The fake items anonymise by re-attributing: nothing is left under the subject.
    data.put('forum/posts', 'ann', []);
    data.put('blog/posts', 'ann', []);
    const summary = await personalDataSummary(engine, 'ann');
    expect(itemOf(summary, 'blog/posts')).toMatchObject({
      count: 0,
      state: 'done',
      done: { mode: 'anonymise', requestId: result.request.id },
    });
    expect(itemOf(summary, 'forum/ratings')).toMatchObject({ count: 1, state: 'pending', done: null });
    expect(itemOf(summary, 'blog/posts')?.modes.anonymise).toEqual({ allowed: true });
    // Ben was not touched.
    expect(data.get('blog/posts', 'ben')).toEqual(['b1', 'b2']);
    const audit = (await listAudit(engine, { limit: 50 })).events.find((e) => e.action === 'request.create');
    expect(audit).toMatchObject({ actor: 'account:1', details: { erasure: { mode: 'anonymise' } } });
  });

  it('deletes the subject only when nothing erasable is left', async () => {
    const { engine, data } = await setup(store());
    await expect(deleteSubjectIfClean(engine, 'cli', 'ann')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_ACTIVE',
    });
    await changeStatus(engine, 'cli', ['ann'], 'suspended');
    await expect(deleteSubjectIfClean(engine, 'cli', 'ann')).rejects.toMatchObject({
      code: 'LETHE_E_DATA_LEFT',
      details: { left: expect.arrayContaining([{ key: 'forum/ratings', count: 1 }]) },
    });
    await expect(
      requestErasure(engine, 'cli', { subjectId: 'ann', items: ['forum', 'blog'], mode: 'delete' }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_STATUS_NOT_ALLOWED',
      message: expect.stringContaining('"blog"'),
    });
    const erased = await requestErasure(engine, 'cli', {
      subjectId: 'ann',
      items: ['forum'],
      mode: 'delete',
    });
    // Posts may be deleted only for deleted subjects: while suspended, only the ratings go.
    expect(erased.plan).toEqual([{ key: 'forum/ratings', mode: 'delete' }]);
    await expect(deleteSubjectIfClean(engine, 'cli', 'ann')).rejects.toMatchObject({
      code: 'LETHE_E_PURGE_OPEN',
    });
    await run(engine, erased.request.id);
    const anonymised = await requestErasure(engine, 'cli', {
      subjectId: 'ann',
      items: ['forum/posts', 'blog'],
      mode: 'anonymise',
    });
    await run(engine, anonymised.request.id);
    // A real item re-attributes anonymised records to the anonymous user; the fake one keeps them: clear them.
    data.put('forum/posts', 'ann', []);
    data.put('blog/posts', 'ann', []);
    const deletion = await deleteSubjectIfClean(engine, 'account:1', 'ann');
    expect(deletion.changed).toBe(true);
    expect(deletion.subject.status).toBe('deleted');
    // Names may be erased only once the subject is deleted: they are what is left, for a deleted purge.
    expect(deletion.remaining).toEqual([{ key: 'user/names', count: 1 }]);
    expect((await getSubject(engine, 'ann')).status).toBe('deleted');
    const events = (await listAudit(engine, { limit: 50 })).events.filter(
      (e) => e.action === 'subject.status',
    );
    expect(events.find((e) => e.details['to'] === 'deleted')).toMatchObject({
      targetId: 'ann',
      details: { to: 'deleted', reason: expect.stringContaining('no personal data left') },
    });
    // Names can now be deleted; then deleting again is harmless.
    await run(
      engine,
      (await requestErasure(engine, 'cli', { subjectId: 'ann', items: ['user'], mode: 'delete' })).request.id,
    );
    expect(await deleteSubjectIfClean(engine, 'cli', 'ann')).toMatchObject({ changed: false, remaining: [] });
  });

  it('refuses to delete a subject whose data could not be counted', async () => {
    const { engine, data } = await setup(store(), { failCount: true });
    for (const key of ['forum/posts', 'forum/ratings', 'blog/posts']) data.put(key, 'ben', []);
    await changeStatus(engine, 'cli', ['ben'], 'suspended');
    await expect(deleteSubjectIfClean(engine, 'cli', 'ben')).rejects.toMatchObject({
      code: 'LETHE_E_DATA_LEFT',
      details: { left: [], failed: [{ key: 'files/private', error: 'the files disk is offline' }] },
    });
    expect((await getRequest(engine, 1).catch(() => null)) ?? null).toBeNull();
  });
});
