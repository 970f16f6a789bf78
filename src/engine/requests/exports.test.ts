import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { FakeData, fakeItem } from '../../../test/engine/fake-items.js';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Store } from '../../store/index.js';
import { listAudit } from '../audit/index.js';
import { actingActor, type Engine } from '../engine.js';
import { listOutbox } from '../notifications/index.js';
import { getAnonymousUser, updateSettings } from '../settings/index.js';
import { registerSubject } from '../subjects/index.js';
import { createExportType } from '../types/index.js';
import { runWorker } from '../worker/index.js';
import { cancelRequest } from './cancel-request.js';
import { deleteExportPackage, expireExportPackages, recordDownload } from './export-package.js';
import { getRequest } from './get-request.js';
import { requestExport } from './request-export.js';

async function setup(store: Store, before?: (key: string, engine: Engine) => Promise<void>) {
  const data = new FakeData();
  const holder: { engine?: Engine } = {};
  const items = ['x/one', 'x/two', 'x/three'].map((key, i) => {
    const [component, name] = key.split('/') as [string, string];
    const item = fakeItem(data, component, name, { sortOrder: i });
    const records = item.export?.records;
    if (records) {
      item.export = {
        async *records(ctx) {
          if (before && holder.engine) await before(key, holder.engine);
          yield* records(ctx);
        },
      };
    }
    return item;
  });
  const engine = testEngine(store, items, { worker: { itemTimeLimitMs: 5000 } });
  holder.engine = engine;
  for (const id of ['ann', 'ben']) {
    await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    for (const key of ['x/one', 'x/two', 'x/three']) data.put(key, id, [`${key} of ${id}`, `more ${id}`]);
  }
  await createExportType(engine, 'cli', {
    idnumber: 'mine',
    name: 'My data',
    allowSelf: true,
    items: ['x/one'],
  });
  return { engine, data };
}

describeEachStore('exports', ({ store }) => {
  it('makes the package, records its file and a download token, and holds one export at a time', async () => {
    const { engine } = await setup(store());
    const ready: number[] = [];
    const queued = await requestExport(engine, 'cli', {
      subjectId: 'ann',
      type: 'all-data',
      origin: 'admin',
    });
    expect(queued).toMatchObject({
      kind: 'export',
      status: 'pending',
      typeIdnumber: 'all-data',
      package: { path: null },
    });
    await expect(
      requestExport(engine, 'cli', { subjectId: 'ann', type: 'all-data', origin: 'admin' }),
    ).rejects.toMatchObject({ code: 'LETHE_E_EXPORT_OPEN' });
    await runWorker(engine, {
      once: true,
      jobs: 'none',
      onExportReady: async (_e, id) => {
        ready.push(id);
      },
    });
    const done = await getRequest(engine, queued.id);
    expect(done.status).toBe('succeeded');
    expect(ready).toEqual([queued.id]);
    expect(done.items.map((i) => [i.itemKey, i.mode, i.status, i.count])).toEqual([
      ['x/one', 'export', 'success', 2],
      ['x/two', 'export', 'success', 2],
      ['x/three', 'export', 'success', 2],
    ]);
    const path = done.package?.path ?? '';
    expect(path.startsWith(engine.config.filesDir)).toBe(true);
    const bytes = readFileSync(path);
    expect(done.package?.size).toBe(bytes.length);
    expect(done.package?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(done.downloadToken).toMatch(/^[0-9a-f]{64}$/);
    const days = (Date.parse(done.package?.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4.9);
    expect(days).toBeLessThan(5.1);

    // Still available: a new export is refused until the owner deletes the package.
    await expect(
      requestExport(engine, 'subject:ann', { subjectId: 'ann', type: 'mine', origin: 'self' }),
    ).rejects.toMatchObject({ code: 'LETHE_E_EXPORT_OPEN' });
    const download = await recordDownload(engine, 'subject:ann', queued.id, {
      token: done.downloadToken ?? '',
    });
    expect(download).toMatchObject({ path, size: bytes.length, subjectId: 'ann' });
    await expect(recordDownload(engine, 'subject:ann', queued.id, { token: 'guess' })).rejects.toMatchObject({
      code: 'LETHE_E_NOT_FOUND',
    });
    await expect(recordDownload(engine, 'subject:ben', queued.id)).rejects.toMatchObject({
      code: 'LETHE_E_FORBIDDEN',
    });
    await expect(deleteExportPackage(engine, 'subject:ben', queued.id)).rejects.toMatchObject({
      code: 'LETHE_E_FORBIDDEN',
    });
    await deleteExportPackage(engine, 'subject:ann', queued.id);
    expect(existsSync(path)).toBe(false);
    const gone = await getRequest(engine, queued.id);
    expect(gone).toMatchObject({ status: 'expired', package: { path: null }, downloadToken: null });
    await expect(deleteExportPackage(engine, 'subject:ann', queued.id)).rejects.toMatchObject({
      code: 'LETHE_E_EXPORT_UNAVAILABLE',
    });
    await expect(recordDownload(engine, 'subject:ann', queued.id)).rejects.toMatchObject({
      code: 'LETHE_E_EXPORT_UNAVAILABLE',
    });
    const again = await requestExport(engine, 'subject:ann', {
      subjectId: 'ann',
      type: 'mine',
      origin: 'self',
    });
    expect(again.origin).toBe('self');
    // By default the worker tells the subject (no SMTP here: the outbox keeps the message).
    await runWorker(engine, { once: true, jobs: 'none' });
    const outbox = await listOutbox(engine);
    expect(outbox.messages).toEqual([
      expect.objectContaining({
        recipient: 'ann@example.org',
        subject: 'Your personal data export is ready',
      }),
    ]);
    const actions = (await listAudit(engine, { limit: 100 })).events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['request.create', 'request.finish', 'export.download', 'export.delete']),
    );
  });

  it('records an actor longer than 255 characters: an admin acting as a subject whose id is 255 long', async () => {
    const { engine } = await setup(store());
    const id = 's'.repeat(255);
    await registerSubject(engine, 'cli', {
      id,
      username: 'long',
      email: 'long@example.org',
      fullName: 'Long',
    });
    const actor = actingActor('account:1', `subject:${id}`);
    expect(actor.length).toBeGreaterThan(255);
    const queued = await requestExport(engine, actor, { subjectId: id, type: 'mine', origin: 'self' });
    const row = await engine.db
      .selectFrom('requests')
      .select('requested_by')
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    expect(row.requested_by).toBe(actor);
    const audit = await listAudit(engine, { limit: 5 });
    expect(audit.events.some((e) => e.actor === actor)).toBe(true);
  });

  it('refuses bad exports with their codes', async () => {
    const { engine } = await setup(store());
    const anonymous = await getAnonymousUser(engine, 'cli');
    const cases: [string, Parameters<typeof requestExport>[2], string][] = [
      ['cli', { subjectId: 'nobody', type: 'mine', origin: 'admin' }, 'LETHE_E_SUBJECT_UNKNOWN'],
      ['cli', { subjectId: 'ann', type: 'nope', origin: 'admin' }, 'LETHE_E_TYPE_UNKNOWN'],
      [
        'cli',
        { subjectId: 'ann', type: 'mine', origin: 'automatic:deleted' as 'admin' },
        'LETHE_E_INVALID_INPUT',
      ],
      ['cli', { subjectId: anonymous.id, type: 'mine', origin: 'admin' }, 'LETHE_E_SUBJECT_PROTECTED'],
      ['subject:ann', { subjectId: 'ann', type: 'all-data', origin: 'self' }, 'LETHE_E_TYPE_NOT_SELF'],
      ['subject:ben', { subjectId: 'ann', type: 'mine', origin: 'self' }, 'LETHE_E_FORBIDDEN'],
    ];
    for (const [actor, input, code] of cases) {
      await expect(requestExport(engine, actor, input), JSON.stringify(input)).rejects.toMatchObject({
        code,
      });
    }
    await updateSettings(engine, 'cli', { allowSelfExport: false });
    await expect(
      requestExport(engine, 'subject:ann', { subjectId: 'ann', type: 'mine', origin: 'self' }),
    ).rejects.toMatchObject({ code: 'LETHE_E_SELF_EXPORT_DISABLED' });
    await expect(getRequest(engine, 42)).rejects.toMatchObject({ code: 'LETHE_E_REQUEST_UNKNOWN' });
  });

  it('expires packages past their time, and a new export replaces an expired one', async () => {
    const { engine } = await setup(store());
    const first = await requestExport(engine, 'cli', { subjectId: 'ann', type: 'mine', origin: 'admin' });
    const second = await requestExport(engine, 'cli', { subjectId: 'ben', type: 'mine', origin: 'admin' });
    await runWorker(engine, { once: true, jobs: 'none' });
    const paths = await Promise.all(
      [first.id, second.id].map(async (id) => (await getRequest(engine, id)).package?.path ?? ''),
    );
    await engine.db
      .updateTable('requests')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('kind', '=', 'export')
      .execute();
    // An expired package no longer blocks a new export: it is expired on the spot.
    await requestExport(engine, 'cli', { subjectId: 'ann', type: 'mine', origin: 'admin' });
    expect((await getRequest(engine, first.id)).status).toBe('expired');
    expect(existsSync(paths[0] ?? '')).toBe(false);
    expect(await expireExportPackages(engine)).toBe(1);
    expect((await getRequest(engine, second.id)).status).toBe('expired');
    expect(existsSync(paths[1] ?? '')).toBe(false);
  });

  it('a cancel stops the export before its next item and leaves no package; a failing item fails it', async () => {
    let target = 0;
    const { engine } = await setup(store(), async (key, engine) => {
      if (key === 'x/two' && target > 0) await cancelRequest(engine, 'cli', target);
      if (key === 'x/three' && target < 0) throw new Error('mailbox offline');
    });
    const a = await requestExport(engine, 'cli', { subjectId: 'ann', type: 'all-data', origin: 'admin' });
    target = a.id;
    await runWorker(engine, { once: true, jobs: 'none' });
    const cancelled = await getRequest(engine, a.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.items.map((i) => [i.itemKey, i.status])).toEqual([
      ['x/one', 'success'],
      ['x/two', 'success'],
      ['x/three', 'cancelled'],
    ]);
    expect(cancelled.package?.path).toBeNull();
    target = -1;
    const b = await requestExport(engine, 'cli', { subjectId: 'ann', type: 'all-data', origin: 'admin' });
    await runWorker(engine, { once: true, jobs: 'none' });
    const failed = await getRequest(engine, b.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('x/three (error: mailbox offline)');
    expect(failed.package?.path).toBeNull();
    // Nothing is left behind: no package, no half-written file, no staging folder.
    expect(existsSync(engine.config.filesDir) ? readdirSync(engine.config.filesDir) : []).toEqual([]);
  });
});
