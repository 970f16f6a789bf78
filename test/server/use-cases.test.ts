import { expect, it } from 'vitest';
import { describeEachStore } from '../support/stores.js';
import { serverFixture } from './server-fixture.js';

describeEachStore('use cases through HTTP', ({ store }) => {
  it('“Delete Personal Data”: refuses an active subject, erases a suspended one, then deletes it when clean', async () => {
    const fx = await serverFixture(store());
    const erase = {
      method: 'POST' as const,
      url: '/api/v1/requests/erasures',
      payload: { subjectId: 'cal', items: ['forum', 'blog/entries'], mode: 'delete' },
    };
    const active = await fx.dpo.request(erase);
    expect([active.statusCode, active.json().error.code]).toEqual([409, 'LETHE_E_SUBJECT_ACTIVE']);
    expect(
      (
        await fx.admin.request({
          method: 'POST',
          url: '/api/v1/subjects/cal/status',
          payload: { status: 'suspended' },
        })
      ).json(),
    ).toEqual({
      changed: 1,
      unchanged: 0,
    });
    const queued = await fx.dpo.request(erase);
    expect(queued.statusCode).toBe(201);
    expect(queued.json()).toMatchObject({
      request: { kind: 'purge', origin: 'admin', status: 'pending' },
      skipped: [],
    });
    await fx.work();
    const summary = (await fx.dpo.request({ url: '/api/v1/subjects/cal/data' })).json();
    const items = summary.components.flatMap(
      (c: { items: { key: string; state: string; count: number }[] }) => c.items,
    );
    expect(items.find((i: { key: string }) => i.key === 'forum/posts')).toMatchObject({
      state: 'done',
      count: 0,
    });
    expect(items.find((i: { key: string }) => i.key === 'profile/names')).toMatchObject({
      state: 'pending',
      count: 1,
    });
    const notClean = await fx.dpo.request({ method: 'POST', url: '/api/v1/subjects/cal/delete' });
    expect(notClean.statusCode).toBe(409);
    await fx.dpo.request({
      method: 'POST',
      url: '/api/v1/requests/erasures',
      payload: { subjectId: 'cal', items: ['profile'], mode: 'delete' },
    });
    await fx.work();
    const deleted = await fx.dpo.request({ method: 'POST', url: '/api/v1/subjects/cal/delete' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ changed: true, subject: { status: 'deleted' } });
    await fx.close();
  });

  it('anonymises support users only once userdata:anonymise is granted, and only with confirmation', async () => {
    const fx = await serverFixture(store());
    const anonymise = (confirm: boolean) =>
      fx.admin.request({
        method: 'POST',
        url: '/api/v1/requests/anonymisations',
        payload: { subjectIds: ['cal'], confirm },
      });
    expect((await anonymise(true)).statusCode).toBe(403);
    const granted = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/roles',
      payload: {
        shortname: 'helpdesk-anonymiser',
        name: 'Helpdesk anonymiser',
        capabilities: ['userdata:anonymise'],
      },
    });
    expect(granted.statusCode).toBe(201);
    const adminId = (await fx.admin.request({ url: '/api/v1/session' })).json().account.id as number;
    await fx.admin.request({
      method: 'PATCH',
      url: `/api/v1/accounts/${adminId}`,
      payload: { roles: ['administrator', 'helpdesk-anonymiser'] },
    });
    const unconfirmed = await anonymise(false);
    expect([unconfirmed.statusCode, unconfirmed.json().error.code]).toEqual([
      400,
      'LETHE_E_CONFIRM_REQUIRED',
    ]);
    // past the capability and the confirmation, the engine's own refusals come through (no helpdesk item here)
    const confirmed = await anonymise(true);
    expect(confirmed.statusCode).toBeLessThan(500);
    expect(confirmed.statusCode).not.toBe(403);
    await fx.close();
  });

  it('serves the reports as a JSON page, as CSV and as JSON lines, and refuses bad filters', async () => {
    const fx = await serverFixture(store());
    await fx.dpo.request({
      method: 'POST',
      url: '/api/v1/requests/purges',
      payload: { subjectId: 'cal', type: 'tidy', dryRun: true },
    });
    await fx.dpo.request({
      method: 'POST',
      url: '/api/v1/requests/exports',
      payload: { subjectId: 'ben', type: 'mine' },
    });
    await fx.work();
    const page = await fx.dpo.request({
      url: '/api/v1/reports/purges',
      query: { dryRun: 'true', limit: '10' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      total: 1,
      rows: [{ subjectId: 'cal', dryRun: true, items: [{ key: 'forum/posts', count: 1 }] }],
    });
    const csv = await fx.dpo.request({ url: '/api/v1/reports/exports', query: { format: 'csv' } });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="exports-report.csv"');
    expect(csv.body.split('\r\n')[0]).toContain('request_id');
    expect(csv.body).toContain('ben');
    const jsonl = await fx.dpo.request({ url: '/api/v1/reports/exports', query: { format: 'jsonl' } });
    expect(JSON.parse(jsonl.body.trim().split('\n')[0] ?? '{}')).toMatchObject({
      subjectId: 'ben',
      available: true,
    });
    const bad = await fx.dpo.request({ url: '/api/v1/reports/purges', query: { sort: 'nonsense' } });
    expect([bad.statusCode, bad.json().error.code, bad.json().error.details.field]).toEqual([
      400,
      'LETHE_E_INVALID_INPUT',
      'sort',
    ]);
    const badCsv = await fx.dpo.request({
      url: '/api/v1/reports/deleted',
      query: { format: 'csv', from: 'yesterday' },
    });
    expect([badCsv.statusCode, badCsv.json().error.code]).toEqual([400, 'LETHE_E_INVALID_INPUT']);
    const host = await fx.token(['reports:read']);
    expect((await host.request({ url: '/api/v1/reports/deleted' })).statusCode).toBe(200);
    await fx.close();
  });
});
