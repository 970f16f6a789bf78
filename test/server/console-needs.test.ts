import { expect, it } from 'vitest';
import { updateSettings } from '../../src/engine/settings/index.js';
import { changeStatus } from '../../src/engine/subjects/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import { readZipEntry } from '../engine/read-zip-entry.js';
import { describeEachStore } from '../support/stores.js';
import { serverFixture } from './server-fixture.js';

/** What the web console needs from the server: exports by chosen items, the dashboard, SMTP in the settings. */
describeEachStore('the console’s routes', ({ store }) => {
  it('exports a subject’s chosen applications and items, and refuses bad choices with their codes', async () => {
    const fx = await serverFixture(store());
    const exports = (payload: unknown, as = fx.dpo) =>
      as.request({ method: 'POST', url: '/api/v1/requests/exports', payload: payload as object });

    const refusals: [unknown, number, string, Record<string, unknown>?][] = [
      [{ subjectId: 'ann', items: ['forum', 'nope'] }, 400, 'LETHE_E_ITEM_UNKNOWN', { items: ['nope'] }],
      [{ subjectId: 'ann', items: ['blog/nothing'] }, 400, 'LETHE_E_ITEM_UNKNOWN', { item: 'blog/nothing' }],
      [{ subjectId: 'ann', items: [] }, 400, 'LETHE_E_INVALID_INPUT', { field: 'items' }],
      [{ subjectId: 'ann', items: [''] }, 400, 'LETHE_E_INVALID_INPUT'],
      [{ subjectId: 'ann', items: 'forum' }, 400, 'LETHE_E_INVALID_INPUT', { field: 'items' }],
      [
        { subjectId: 'ann', type: 'mine', items: ['forum'] },
        400,
        'LETHE_E_INVALID_INPUT',
        { field: 'items' },
      ],
      [{ subjectId: 'ann' }, 400, 'LETHE_E_INVALID_INPUT', { field: 'type' }],
      [{ subjectId: 'nobody', items: ['forum'] }, 404, 'LETHE_E_SUBJECT_UNKNOWN'],
    ];
    for (const [payload, status, code, details] of refusals) {
      const response = await exports(payload);
      expect([response.statusCode, response.json().error?.code], JSON.stringify(payload)).toEqual([
        status,
        code,
      ]);
      if (details) expect(response.json().error.details).toMatchObject(details);
    }

    const queued = await exports({ subjectId: 'ann', items: ['profile', 'forum/posts'] });
    expect(queued.statusCode).toBe(201);
    expect(queued.json()).toMatchObject({
      kind: 'export',
      origin: 'admin',
      status: 'pending',
      exportTypeId: null,
      typeIdnumber: null,
      plan: [
        { key: 'forum/posts', mode: 'export' },
        { key: 'profile/names', mode: 'export' },
      ],
    });
    const again = await exports({ subjectId: 'ann', items: ['blog'] });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'LETHE_E_EXPORT_OPEN']);
    await fx.work();
    const done = await fx.dpo.request({ url: `/api/v1/requests/${queued.json().id}` });
    expect(done.json()).toMatchObject({
      status: 'succeeded',
      items: [
        { itemKey: 'forum/posts', mode: 'export', status: 'success', count: 1 },
        { itemKey: 'profile/names', mode: 'export', status: 'success', count: 1 },
      ],
    });
    const manifest = JSON.parse((await readZipEntry(done.json().package.path, 'manifest.json')) ?? '{}');
    expect(manifest.exportType).toMatchObject({ idnumber: 'selected-items', name: 'Selected items' });
    expect(manifest.items.map((i: { key: string }) => i.key)).toEqual(['forum/posts', 'profile/names']);
    const listed = await fx.dpo.request({ url: '/api/v1/requests', query: { kind: 'export' } });
    expect(listed.json().requests[0].plan).toHaveLength(2);

    // A host application with exports:request may choose items too.
    const host = await fx.token(['exports:request']);
    const byHost = await exports({ subjectId: 'ben', items: ['blog/entries'] }, host);
    expect(byHost.statusCode).toBe(201);
    expect(byHost.json()).toMatchObject({ origin: 'api', plan: [{ key: 'blog/entries', mode: 'export' }] });
    // Self-service still exports only by a type offered to subjects (its route takes no items).
    const self = await fx.ann.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { items: ['forum'] },
    });
    expect(self.statusCode).toBe(400);
    await fx.close();
  });

  it('serves the dashboard: requests per day, open requests, failed items, subjects due a purge', async () => {
    const fx = await serverFixture(store());
    await createPurgeType(fx.engine, 'cli', {
      idnumber: 'gone',
      name: 'Gone',
      status: 'deleted',
      allowAutomatic: true,
      items: [{ key: 'forum/posts', mode: 'delete' }],
    });
    await updateSettings(fx.engine, 'cli', { defaultDeletedPurgeType: 'gone' });
    await changeStatus(fx.engine, 'cli', ['cal'], 'deleted');
    await fx.dpo.request({
      method: 'POST',
      url: '/api/v1/requests/exports',
      payload: { subjectId: 'ben', type: 'mine' },
    });
    const response = await fx.dpo.request({ url: '/api/v1/reports/dashboard', query: { days: '7' } });
    expect(response.statusCode).toBe(200);
    const dashboard = response.json();
    const today = new Date().toISOString().slice(0, 10);
    expect(dashboard).toMatchObject({
      days: 7,
      series: [{ date: today, kind: 'export', status: 'pending', count: 1 }],
      openTotal: 1,
      openRequests: [{ kind: 'export', subjectId: 'ben', subjectName: 'BEN', status: 'pending' }],
      failedItems: [],
      duePurges: {
        total: 1,
        subjects: [{ subjectId: 'cal', fullName: 'CAL', status: 'deleted', purgeType: 'gone' }],
      },
    });
    expect(dashboard.openRequests[0].ageSeconds).toBeGreaterThanOrEqual(0);
    // The listing enqueues nothing.
    const purges = await fx.dpo.request({ url: '/api/v1/requests', query: { kind: 'purge' } });
    expect(purges.json().total).toBe(0);
    expect((await fx.dpo.request({ url: '/api/v1/reports/dashboard' })).json().days).toBe(30);
    for (const days of ['0', '366', 'week', '1.5']) {
      const bad = await fx.dpo.request({ url: '/api/v1/reports/dashboard', query: { days } });
      expect([bad.statusCode, bad.json().error.code, bad.json().error.details.field], days).toEqual([
        400,
        'LETHE_E_INVALID_INPUT',
        'days',
      ]);
    }
    const host = await fx.token(['reports:read']);
    expect((await host.request({ url: '/api/v1/reports/dashboard' })).statusCode).toBe(200);
    expect((await fx.ann.request({ url: '/api/v1/reports/dashboard' })).statusCode).toBe(403);
    await fx.close();
  });

  it('says when no SMTP server is configured', async () => {
    const none = await serverFixture(store());
    const plain = await none.dpo.request({ url: '/api/v1/settings' });
    expect(plain.json().smtp).toEqual({ configured: false });
    await none.close();
  });

  it('shows a configured SMTP server in the settings, never its credentials', async () => {
    const fx = await serverFixture(
      store(),
      {},
      {
        smtp: {
          host: 'mail.example.org',
          port: 587,
          secure: true,
          user: 'lethe-user',
          pass: 'smtp-secret-password',
          from: 'Lethe <lethe@example.org>',
        },
      },
    );
    const shown = await fx.dpo.request({ url: '/api/v1/settings' });
    expect(shown.json().smtp).toEqual({
      configured: true,
      host: 'mail.example.org',
      port: 587,
      secure: true,
      from: 'Lethe <lethe@example.org>',
    });
    expect(shown.body).not.toContain('smtp-secret-password');
    expect(shown.body).not.toContain('lethe-user');
    const patched = await fx.admin.request({
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { exportRetentionDays: 7 },
    });
    expect(patched.json()).toMatchObject({ exportRetentionDays: 7, smtp: { configured: true } });
    expect(patched.body).not.toContain('smtp-secret-password');
    await fx.close();
  });
});
