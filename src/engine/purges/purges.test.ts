import { describe, expect, it } from 'vitest';
import { FakeData, fakeItem } from '../../../test/engine/fake-items.js';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Engine } from '../engine.js';
import { cancelRequest, getRequest, listRequests } from '../requests/index.js';
import { getAnonymousUser, updateSettings } from '../settings/index.js';
import { changeStatus, registerSubject } from '../subjects/index.js';
import { createPurgeType, reapplyPurgeType } from '../types/index.js';
import { runWorker } from '../worker/index.js';
import { requestPurge } from './request-purge.js';
import { dueAutomaticPurges, scanAutomaticPurges } from './scan-automatic-purges.js';

const keys = ['forum/posts', 'forum/profile', 'mail/messages'] as const;

async function setup(engine: Engine, data: FakeData) {
  for (const id of ['alice', 'bob', 'carol', 'dave']) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    for (const key of keys) data.put(key, id, [`${key}:${id}:1`, `${key}:${id}:2`]);
  }
  await createPurgeType(engine, 'cli', {
    idnumber: 'del',
    name: 'Deleted',
    status: 'deleted',
    allowManual: true,
    allowAutomatic: true,
    items: [
      { key: 'forum/posts', mode: 'delete' },
      { key: 'forum/profile', mode: 'anonymise' },
      { key: 'mail/messages', mode: 'delete' },
    ],
  });
  await createPurgeType(engine, 'cli', {
    idnumber: 'del-auto-only',
    name: 'Deleted, automatic only',
    status: 'deleted',
    allowManual: false,
    allowAutomatic: true,
    items: [{ key: 'forum/posts', mode: 'delete' }],
  });
  await createPurgeType(engine, 'cli', {
    idnumber: 'active',
    name: 'Active',
    status: 'active',
    allowManual: true,
    items: [{ key: 'forum/posts', mode: 'delete' }],
  });
}

function engineWith(
  store: Parameters<typeof testEngine>[0],
  data: FakeData,
  extra: Parameters<typeof fakeItem>[3] = {},
  itemTimeLimitMs = 2000,
) {
  return testEngine(
    store,
    [
      fakeItem(data, 'forum', 'posts', { sortOrder: 1 }),
      fakeItem(data, 'forum', 'profile', { sortOrder: 2, ...extra }),
      fakeItem(data, 'mail', 'messages', { sortOrder: 3 }),
    ],
    { worker: { itemTimeLimitMs, leaseSeconds: 5 } },
  );
}

describeEachStore('purges', ({ store }) => {
  it('purges a deleted subject by hand, item by item, and leaves everyone else alone', async () => {
    const data = new FakeData();
    const engine = engineWith(store(), data);
    await setup(engine, data);
    await changeStatus(engine, 'cli', ['alice'], 'deleted');
    const queued = await requestPurge(engine, 'cli', { subjectId: 'alice', type: 'del' });
    expect(queued).toMatchObject({
      kind: 'purge',
      status: 'pending',
      origin: 'admin',
      typeIdnumber: 'del',
      dryRun: false,
    });
    const summary = await runWorker(engine, { once: true, jobs: 'none' });
    expect(summary.finished).toEqual({ succeeded: 1 });
    const done = await getRequest(engine, queued.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
    expect(done.items.map((i) => [i.itemKey, i.mode, i.status, i.count])).toEqual([
      ['forum/posts', 'delete', 'success', 2],
      ['forum/profile', 'anonymise', 'success', 2],
      ['mail/messages', 'delete', 'success', 2],
    ]);
    expect(data.get('forum/posts', 'alice')).toEqual([]);
    expect(data.get('forum/profile', 'alice')).toEqual([
      'anonymised:lethe-anonymous',
      'anonymised:lethe-anonymous',
    ]);
    for (const other of ['bob', 'carol', 'dave']) {
      for (const key of keys) expect(data.get(key, other)).toHaveLength(2);
    }
  });

  it('a dry run reports counts per item and changes nothing', async () => {
    const data = new FakeData();
    const engine = engineWith(store(), data);
    await setup(engine, data);
    await changeStatus(engine, 'cli', ['bob'], 'deleted');
    const dry = await requestPurge(engine, 'cli', { subjectId: 'bob', type: 'del', dryRun: true });
    expect(dry.dryRun).toBe(true);
    // A dry run does not block a real purge, nor count as one.
    const real = await requestPurge(engine, 'cli', { subjectId: 'bob', type: 'del' });
    await cancelRequest(engine, 'cli', real.id);
    await runWorker(engine, { once: true, jobs: 'none' });
    const done = await getRequest(engine, dry.id);
    expect(done.status).toBe('succeeded');
    expect(done.items.map((i) => [i.itemKey, i.count])).toEqual([
      ['forum/posts', 2],
      ['forum/profile', 2],
      ['mail/messages', 2],
    ]);
    expect(data.calls.every((c) => c.dryRun)).toBe(true);
    for (const key of keys) expect(data.get(key, 'bob')).toHaveLength(2);
  });

  it('refuses each bad purge with its code', async () => {
    const data = new FakeData();
    const engine = engineWith(store(), data);
    await setup(engine, data);
    await changeStatus(engine, 'cli', ['alice'], 'deleted');
    const anonymous = await getAnonymousUser(engine, 'cli');
    const cases: [Parameters<typeof requestPurge>[2], string][] = [
      [{ subjectId: 'nobody', type: 'del' }, 'LETHE_E_SUBJECT_UNKNOWN'],
      [{ subjectId: 'alice', type: 'nope' }, 'LETHE_E_TYPE_UNKNOWN'],
      [{ subjectId: 'alice', type: 'del-auto-only' }, 'LETHE_E_TYPE_NOT_MANUAL'],
      [{ subjectId: 'bob', type: 'del' }, 'LETHE_E_TYPE_STATUS_MISMATCH'],
      [{ subjectId: 'alice', type: 'active' }, 'LETHE_E_TYPE_STATUS_MISMATCH'],
      [{ subjectId: 'bob', type: 'active' }, 'LETHE_E_CONFIRM_REQUIRED'],
      [{ subjectId: anonymous.id, type: 'active', confirmActive: true }, 'LETHE_E_SUBJECT_PROTECTED'],
      [{ subjectId: 'alice', type: 'del', origin: 'self' as 'admin' }, 'LETHE_E_INVALID_INPUT'],
    ];
    for (const [input, code] of cases) {
      await expect(requestPurge(engine, 'cli', input), JSON.stringify(input)).rejects.toMatchObject({ code });
    }
    await requestPurge(engine, 'cli', { subjectId: 'alice', type: 'del' });
    await expect(requestPurge(engine, 'cli', { subjectId: 'alice', type: 'del' })).rejects.toMatchObject({
      code: 'LETHE_E_PURGE_OPEN',
    });
    // An active subject can be purged with confirmation; a dry run needs none.
    await expect(
      requestPurge(engine, 'cli', { subjectId: 'bob', type: 'active', dryRun: true }),
    ).resolves.toMatchObject({
      status: 'pending',
    });
    await expect(
      requestPurge(engine, 'cli', { subjectId: 'bob', type: 'active', confirmActive: true }),
    ).resolves.toMatchObject({ status: 'pending' });
    expect((await listRequests(engine, { kind: 'purge' })).total).toBe(3);
  });

  it('an item that throws or runs out of time fails only itself, and the request says which and why', async () => {
    const data = new FakeData();
    const engine = engineWith(
      store(),
      data,
      {
        before: (ctx) =>
          ctx.subjects[0]?.id === 'alice'
            ? Promise.reject(new Error('the forum database is read-only'))
            : new Promise((resolve) => setTimeout(resolve, 3000)),
      },
      400,
    );
    await setup(engine, data);
    await changeStatus(engine, 'cli', ['alice', 'bob'], 'deleted');
    const a = await requestPurge(engine, 'cli', { subjectId: 'alice', type: 'del' });
    const b = await requestPurge(engine, 'cli', { subjectId: 'bob', type: 'del' });
    await runWorker(engine, { once: true, jobs: 'none' });
    const failed = await getRequest(engine, a.id);
    expect(failed.status).toBe('failed');
    expect(failed.items.map((i) => i.status)).toEqual(['success', 'error', 'success']);
    expect(failed.error).toContain('forum/profile (error: the forum database is read-only)');
    const slow = await getRequest(engine, b.id);
    expect(slow.status).toBe('failed');
    expect(slow.items.find((i) => i.itemKey === 'forum/profile')).toMatchObject({ status: 'timed-out' });
    expect(slow.error).toContain('forum/profile (timed-out');
    expect(data.get('mail/messages', 'bob')).toEqual([]);
  });

  it('cancels a pending request, and one that is running before its next item', async () => {
    const data = new FakeData();
    let engine: Engine | undefined;
    let running = 0;
    engine = engineWith(store(), data, {
      before: async () => {
        if (engine) await cancelRequest(engine, 'account:7', running);
      },
    });
    await setup(engine, data);
    await changeStatus(engine, 'cli', ['alice', 'bob'], 'deleted');
    const pending = await requestPurge(engine, 'cli', { subjectId: 'alice', type: 'del' });
    const cancelled = await cancelRequest(engine, 'cli', pending.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.items.map((i) => i.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await expect(cancelRequest(engine, 'cli', pending.id)).rejects.toMatchObject({
      code: 'LETHE_E_REQUEST_FINISHED',
    });
    await expect(cancelRequest(engine, 'cli', 999)).rejects.toMatchObject({
      code: 'LETHE_E_REQUEST_UNKNOWN',
    });
    await expect(cancelRequest(engine, 'cli', 'x')).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });

    running = (await requestPurge(engine, 'cli', { subjectId: 'bob', type: 'del' })).id;
    await runWorker(engine, { once: true, jobs: 'none' });
    const stopped = await getRequest(engine, running);
    expect(stopped.status).toBe('cancelled');
    // The item running when the cancel came finished; the next one never started.
    expect(stopped.items.map((i) => [i.itemKey, i.status])).toEqual([
      ['forum/posts', 'success'],
      ['forum/profile', 'success'],
      ['mail/messages', 'cancelled'],
    ]);
    expect(data.get('mail/messages', 'bob')).toHaveLength(2);
  });
});

describeEachStore('automatic purges', ({ store }) => {
  async function autoSetup() {
    const data = new FakeData();
    const hook: { before?: () => Promise<void> } = {};
    const engine = engineWith(store(), data, {
      before: async () => {
        await hook.before?.();
      },
    });
    await setup(engine, data);
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'del' });
    return { engine, data, hook };
  }

  it('purges subjects within one scan once they are deleted, in one batch, and only once', async () => {
    const { engine, data } = await autoSetup();
    await registerSubject(engine, 'cli', {
      id: 'old',
      username: 'old',
      email: 'old@example.org',
      fullName: 'Old',
      status: 'deleted',
      legacy: true,
    });
    for (const key of keys) data.put(key, 'old', ['x']);
    expect((await runWorker(engine, { once: true })).requests).toBe(0);
    await changeStatus(engine, 'cli', ['alice', 'bob', 'carol'], 'deleted');
    const summary = await runWorker(engine, { once: true });
    expect(summary.jobs.map((j) => j.job)).toContain('purge-scan');
    expect(summary.finished).toEqual({ succeeded: 3 });
    // One set-based call per item for the whole batch.
    expect(data.callsOf('forum/posts')).toEqual([
      { key: 'forum/posts', subjects: ['alice', 'bob', 'carol'], mode: 'delete', dryRun: false },
    ]);
    const { requests } = await listRequests(engine, { kind: 'purge' });
    expect(requests.map((r) => [r.subjectId, r.origin, r.status]).sort()).toEqual([
      ['alice', 'automatic:deleted', 'succeeded'],
      ['bob', 'automatic:deleted', 'succeeded'],
      ['carol', 'automatic:deleted', 'succeeded'],
    ]);
    for (const r of requests) expect((await getRequest(engine, r.id)).items).toHaveLength(3);
    for (const id of ['alice', 'bob', 'carol']) expect(data.get('forum/posts', id)).toEqual([]);
    expect(data.get('forum/posts', 'dave')).toHaveLength(2);
    // Legacy subjects are never purged automatically.
    expect(data.get('forum/posts', 'old')).toEqual(['x']);
    // Nothing is due again, until the type is reapplied.
    expect((await scanAutomaticPurges(engine)).enqueued).toBe(0);
    await reapplyPurgeType(engine, 'cli', 'del');
    expect((await scanAutomaticPurges(engine)).requests.map((r) => r.subjectId).sort()).toEqual([
      'alice',
      'bob',
      'carol',
    ]);
  });

  it('follows the rule: own assignment over the default, automatic types only, no second open purge', async () => {
    const { engine } = await autoSetup();
    await createPurgeType(engine, 'cli', {
      idnumber: 'del-manual',
      name: 'Manual only',
      status: 'deleted',
      allowManual: true,
      allowAutomatic: false,
      items: [{ key: 'forum/posts', mode: 'delete' }],
    });
    const { assignPurgeType } = await import('../subjects/index.js');
    await assignPurgeType(engine, 'cli', ['bob'], 'deleted', 'del-manual');
    await assignPurgeType(engine, 'cli', ['carol'], 'deleted', 'del-auto-only');
    await changeStatus(engine, 'cli', ['alice', 'bob', 'carol', 'dave'], 'deleted');
    await requestPurge(engine, 'cli', { subjectId: 'dave', type: 'del' });
    // Listing who is due enqueues nothing, and names exactly whom the scan then enqueues.
    const due = await dueAutomaticPurges(engine);
    expect(due.total).toBe(2);
    expect(due.subjects.map((s) => [s.subjectId, s.fullName, s.status, s.typeIdnumber]).sort()).toEqual([
      ['alice', 'alice', 'deleted', 'del'],
      ['carol', 'carol', 'deleted', 'del-auto-only'],
    ]);
    expect(due.subjects[0]?.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await dueAutomaticPurges(engine, { limit: 1 })).toMatchObject({ total: 2, subjects: [{}] });
    expect((await dueAutomaticPurges(engine, { limit: 0 })).subjects).toEqual([]);
    expect((await listRequests(engine, { origin: 'automatic:deleted' })).total).toBe(0);
    const scan = await scanAutomaticPurges(engine);
    expect(scan.requests.map((r) => r.subjectId).sort()).toEqual(['alice', 'carol']);
    expect(await dueAutomaticPurges(engine)).toEqual({ total: 0, subjects: [] });
    const { requests } = await listRequests(engine, { origin: 'automatic:deleted' });
    expect(Object.fromEntries(requests.map((r) => [r.subjectId, r.typeIdnumber]))).toEqual({
      alice: 'del',
      carol: 'del-auto-only',
    });
    // Suspended subjects with no suspended default are not due.
    await changeStatus(engine, 'cli', ['alice'], 'suspended');
    expect((await scanAutomaticPurges(engine)).enqueued).toBe(0);
  });

  it('a status change in the middle of a purge cancels the remaining items', async () => {
    const { engine, data, hook } = await autoSetup();
    await changeStatus(engine, 'cli', ['alice', 'bob'], 'deleted');
    hook.before = async () => {
      hook.before = undefined;
      await changeStatus(engine, 'cli', ['bob'], 'active');
    };
    await runWorker(engine, { once: true });
    const { requests } = await listRequests(engine, { kind: 'purge' });
    const bob = requests.find((r) => r.subjectId === 'bob');
    const alice = requests.find((r) => r.subjectId === 'alice');
    expect(alice?.status).toBe('succeeded');
    expect(bob?.status).toBe('cancelled');
    expect(bob?.error).toContain('changed from deleted to active');
    const bobItems = (await getRequest(engine, bob?.id ?? 0)).items;
    expect(bobItems.map((i) => [i.itemKey, i.status])).toEqual([
      ['forum/posts', 'success'],
      ['forum/profile', 'success'],
      ['mail/messages', 'cancelled'],
    ]);
    expect(data.get('mail/messages', 'bob')).toHaveLength(2);
    expect(data.get('mail/messages', 'alice')).toEqual([]);
  });
});

describe('requestPurge input', () => {
  it('is exported from the purges folder', async () => {
    const index = await import('./index.js');
    expect(typeof index.requestPurge).toBe('function');
    expect(typeof index.scanAutomaticPurges).toBe('function');
  });
});
