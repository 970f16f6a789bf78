import { expect, it } from 'vitest';
import { FakeData, fakeItem } from '../../../test/engine/fake-items.js';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { dueAutomaticPurges, scanAutomaticPurges } from '../purges/index.js';
import { requestExport } from '../requests/index.js';
import { updateSettings } from '../settings/index.js';
import { changeStatus, registerSubject } from '../subjects/index.js';
import { createPurgeType } from '../types/index.js';
import { runWorker } from '../worker/index.js';
import { dashboardReport } from './dashboard.js';

const dayMs = 24 * 60 * 60 * 1000;
const today = () => new Date().toISOString().slice(0, 10);

describeEachStore('the dashboard', ({ store }) => {
  it('counts requests per day, kind and status, lists open requests, failed items and who is due a purge', async () => {
    const data = new FakeData();
    const engine = testEngine(
      store(),
      [
        fakeItem(data, 'forum', 'posts', { sortOrder: 1 }),
        fakeItem(data, 'mail', 'box', {
          sortOrder: 2,
          before: () => {
            throw new Error('mail server offline');
          },
        }),
      ],
      { worker: { itemTimeLimitMs: 5000 } },
    );
    for (const id of ['ann', 'ben', 'cal', 'dan']) {
      await registerSubject(engine, 'cli', {
        id,
        username: id,
        email: `${id}@example.org`,
        fullName: `${id.toUpperCase()} Person`,
      });
      data.put('forum/posts', id, ['post']);
      data.put('mail/box', id, ['mail']);
    }
    await createPurgeType(engine, 'cli', {
      idnumber: 'gone',
      name: 'Gone',
      status: 'deleted',
      allowAutomatic: true,
      items: [
        { key: 'forum/posts', mode: 'delete' },
        { key: 'mail/box', mode: 'delete' },
      ],
    });
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'gone' });

    const empty = await dashboardReport(engine);
    expect(empty).toMatchObject({
      days: 30,
      series: [],
      openTotal: 0,
      openRequests: [],
      failedItems: [],
      duePurges: { total: 0, subjects: [] },
    });
    expect(Date.parse(today()) - Date.parse(empty.since)).toBe(29 * dayMs);

    // ann's export succeeds; cal is deleted, due, then purged: mail/box fails.
    await requestExport(engine, 'cli', { subjectId: 'ann', type: 'all-data', origin: 'admin' });
    await changeStatus(engine, 'cli', ['cal'], 'deleted');
    const before = await dashboardReport(engine, { days: 7 });
    expect(before.duePurges).toEqual({
      total: 1,
      subjects: [
        {
          subjectId: 'cal',
          fullName: 'CAL Person',
          status: 'deleted',
          purgeType: 'gone',
          purgeTypeId: expect.any(Number),
          since: expect.any(String),
        },
      ],
    });
    expect(before.openRequests).toEqual([
      expect.objectContaining({
        kind: 'export',
        subjectId: 'ann',
        subjectName: 'ANN Person',
        status: 'pending',
        typeIdnumber: 'all-data',
      }),
    ]);
    // Listing who is due enqueues nothing.
    expect(await engine.db.selectFrom('requests').select('id').where('kind', '=', 'purge').execute()).toEqual(
      [],
    );
    expect((await scanAutomaticPurges(engine)).enqueued).toBe(1);
    await runWorker(engine, { once: true, jobs: 'none' });

    // ben's export waits; dan is deleted; cal's failed purge makes him due again.
    const benExport = await requestExport(engine, 'cli', {
      subjectId: 'ben',
      type: 'all-data',
      origin: 'api',
    });
    await changeStatus(engine, 'cli', ['dan'], 'deleted');
    const report = await dashboardReport(engine, { days: 7 });
    expect(report.days).toBe(7);
    expect(
      report.series
        .map((p) => [p.date, p.kind, p.status, p.count])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual([
      [today(), 'export', 'pending', 1],
      [today(), 'export', 'succeeded', 1],
      [today(), 'purge', 'failed', 1],
    ]);
    expect(report.openTotal).toBe(1);
    expect(report.openRequests).toEqual([
      {
        id: benExport.id,
        kind: 'export',
        subjectId: 'ben',
        subjectName: 'BEN Person',
        origin: 'api',
        status: 'pending',
        typeIdnumber: 'all-data',
        dryRun: false,
        createdAt: benExport.createdAt,
        startedAt: null,
        ageSeconds: expect.any(Number),
      },
    ]);
    expect(report.openRequests[0]?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(report.failedItems).toEqual([
      {
        requestId: expect.any(Number),
        subjectId: 'cal',
        kind: 'purge',
        itemKey: 'mail/box',
        mode: 'delete',
        status: 'error',
        message: expect.stringContaining('mail server offline'),
        finishedAt: expect.any(String),
      },
    ]);
    expect(report.duePurges.total).toBe(2);
    expect(report.duePurges.subjects.map((s) => s.subjectId)).toEqual(['cal', 'dan']);
    expect(report.duePurges).toEqual(
      await dueAutomaticPurges(engine).then((d) => ({
        total: d.total,
        subjects: d.subjects.map((s) => ({
          subjectId: s.subjectId,
          fullName: s.fullName,
          status: s.status,
          purgeType: s.typeIdnumber,
          purgeTypeId: s.typeId,
          since: s.since,
        })),
      })),
    );

    // A request made ten days ago is in a 30-day period, not in a 7-day one; its failed items follow it.
    const tenDaysAgo = new Date(Date.now() - 10 * dayMs).toISOString();
    await engine.db
      .updateTable('requests')
      .set({ created_at: tenDaysAgo })
      .where('kind', '=', 'purge')
      .execute();
    const week = await dashboardReport(engine, { days: 7 });
    expect(week.series.map((p) => p.kind)).toEqual(['export', 'export']);
    expect(week.failedItems).toEqual([]);
    const month = await dashboardReport(engine, { days: 30 });
    expect(month.series).toContainEqual({
      date: tenDaysAgo.slice(0, 10),
      kind: 'purge',
      status: 'failed',
      count: 1,
    });
    expect(month.failedItems).toHaveLength(1);
  });

  it('refuses a period outside 1 to 365 whole days', async () => {
    const engine = testEngine(store());
    for (const days of [0, 366, 1.5, Number.NaN, -3]) {
      await expect(dashboardReport(engine, { days }), String(days)).rejects.toMatchObject({
        code: 'LETHE_E_INVALID_INPUT',
        details: { field: 'days' },
      });
    }
    expect((await dashboardReport(engine, { days: 365 })).days).toBe(365);
    expect((await dashboardReport(engine, { days: 1 })).since).toBe(`${today()}T00:00:00.000Z`);
  });
});
