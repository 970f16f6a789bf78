import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { listAudit } from '../../src/engine/audit/index.js';
import { getRequest } from '../../src/engine/requests/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import { describeEachStore } from '../support/stores.js';
import { availableExport, serverFixture } from './server-fixture.js';

describeEachStore('self-service', ({ store }) => {
  it('lets a subject export, see and download only their own data', async () => {
    const fx = await serverFixture(store());
    const types = await fx.ann.request({ url: '/api/v1/me/export-types' });
    expect(types.json()).toMatchObject({ allowSelfExport: true, exportTypes: [{ idnumber: 'mine' }] });
    const created = await fx.ann.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { type: 'mine' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as number;
    expect(created.json()).toMatchObject({ status: 'pending', type: 'mine', downloadUrl: null });
    expect(created.body).not.toContain('path');
    const again = await fx.ann.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { type: 'mine' },
    });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'LETHE_E_EXPORT_OPEN']);
    expect((await getRequest(fx.engine, id)).requestedBy).toBe('subject:ann');

    await fx.work();
    const mine = (await fx.ann.request({ url: `/api/v1/me/exports/${id}` })).json();
    expect(mine).toMatchObject({
      status: 'succeeded',
      downloadUrl: expect.stringMatching(/^\/api\/v1\/downloads\/[0-9a-f]{64}$/),
    });
    const download = await fx.ann.request({ url: mine.downloadUrl });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="export-ann-\d+\.zip"$/);
    expect(download.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect(createHash('sha256').update(download.rawPayload).digest('hex')).toBe(mine.sha256);
    const audit = await listAudit(fx.engine, { action: 'export.download' });
    expect(audit.events.map((event) => [event.actor, event.targetId])).toEqual([['subject:ann', String(id)]]);

    // ben, another subject: by id, by ann's link, by a guessed link, by swapping the subject id
    const byId = await fx.ben.request({ url: `/api/v1/me/exports/${id}` });
    expect([byId.statusCode, byId.json().error.code]).toEqual([404, 'LETHE_E_REQUEST_UNKNOWN']);
    const deleteById = await fx.ben.request({ method: 'DELETE', url: `/api/v1/me/exports/${id}/package` });
    expect([deleteById.statusCode, deleteById.json().error.code]).toEqual([404, 'LETHE_E_REQUEST_UNKNOWN']);
    const byLink = await fx.ben.request({ url: mine.downloadUrl });
    expect([byLink.statusCode, byLink.json().error.code]).toEqual([404, 'LETHE_E_NOT_FOUND']);
    const guessed = await fx.ben.request({ url: `/api/v1/downloads/${'0'.repeat(64)}` });
    expect([guessed.statusCode, guessed.json().error.code]).toEqual([404, 'LETHE_E_NOT_FOUND']);
    const swapped = await fx.ben.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { type: 'mine', subjectId: 'ann' },
    });
    expect([swapped.statusCode, swapped.json().error.details.field]).toEqual([400, 'subjectId']);
    const staffRoute = await fx.ben.request({
      method: 'POST',
      url: '/api/v1/requests/exports',
      payload: { subjectId: 'ann', type: 'mine' },
    });
    expect([staffRoute.statusCode, staffRoute.json().error.code]).toEqual([403, 'LETHE_E_FORBIDDEN']);
    const staffRead = await fx.ben.request({ url: `/api/v1/requests/${id}` });
    expect(staffRead.statusCode).toBe(403);
    expect((await fx.ben.request({ url: '/api/v1/me/exports' })).json()).toEqual({ exports: [] });
    expect((await fx.ben.request({ url: '/api/v1/me' })).json().subject.id).toBe('ben');
    // nothing of ann's was touched, and only ann's own download was recorded
    expect((await getRequest(fx.engine, id)).status).toBe('succeeded');
    expect((await listAudit(fx.engine, { action: 'export.download' })).total).toBe(1);

    // ann deletes her package; then she may export again
    expect(
      (await fx.ann.request({ method: 'DELETE', url: `/api/v1/me/exports/${id}/package` })).statusCode,
    ).toBe(204);
    const gone = await fx.ann.request({ url: mine.downloadUrl });
    expect(gone.statusCode).toBe(404);
    expect(
      (await fx.ann.request({ method: 'POST', url: '/api/v1/me/exports', payload: { type: 'mine' } }))
        .statusCode,
    ).toBe(201);
    await fx.close();
  });

  it('refuses an expired package with 410, and self-service when it is off or the type does not allow it', async () => {
    const fx = await serverFixture(store());
    const { id, token } = await availableExport(fx, 'ann');
    await fx.engine.db
      .updateTable('requests')
      .set({ expires_at: '2001-01-01T00:00:00.000Z' })
      .where('id', '=', id)
      .execute();
    const expired = await fx.ann.request({ url: `/api/v1/downloads/${token}` });
    expect([expired.statusCode, expired.json().error.code]).toEqual([410, 'LETHE_E_EXPORT_UNAVAILABLE']);

    const notSelf = await fx.ben.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { type: 'all-data' },
    });
    expect([notSelf.statusCode, notSelf.json().error.code]).toEqual([403, 'LETHE_E_TYPE_NOT_SELF']);
    await fx.admin.request({ method: 'PATCH', url: '/api/v1/settings', payload: { allowSelfExport: false } });
    const off = await fx.ben.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { type: 'mine' },
    });
    expect([off.statusCode, off.json().error.code]).toEqual([403, 'LETHE_E_SELF_EXPORT_DISABLED']);
    expect((await fx.ben.request({ url: '/api/v1/me/export-types' })).json()).toEqual({
      allowSelfExport: false,
      exportTypes: [],
    });

    // without userdata:exportself (taken from the role), a subject account can do nothing
    await fx.admin.request({
      method: 'PATCH',
      url: '/api/v1/roles/authenticated',
      payload: { capabilities: [] },
    });
    const noCapability = await fx.ben.request({ url: '/api/v1/me/exports' });
    expect([noCapability.statusCode, noCapability.json().error.code]).toEqual([403, 'LETHE_E_FORBIDDEN']);
    await fx.close();
  });

  it('a host application deletes a user through the API, and the automatic purge runs', async () => {
    const fx = await serverFixture(store());
    const setup = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/purge-types',
      payload: {
        idnumber: 'purge-deleted',
        name: 'Purge deleted users',
        status: 'deleted',
        allowAutomatic: true,
        items: [
          { key: 'forum/posts', mode: 'anonymise' },
          { key: 'blog/entries', mode: 'delete' },
        ],
      },
    });
    expect(setup.statusCode).toBe(201);
    await fx.admin.request({
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { defaultDeletedPurgeType: 'purge-deleted' },
    });
    const host = await fx.token(['subjects:write', 'reports:read']);
    const deleted = await host.request({
      method: 'POST',
      url: '/api/v1/subjects/status',
      payload: { ids: ['ben', 'cal'], status: 'deleted' },
    });
    expect(deleted.json()).toEqual({ changed: 2, unchanged: 0 });
    await runWorker(fx.engine, { once: true, jobs: 'all' });
    const purges = await host.request({
      url: '/api/v1/requests',
      query: { kind: 'purge', origin: 'automatic:deleted' },
    });
    expect(purges.statusCode).toBe(200);
    const list = purges.json() as { total: number; requests: { subjectId: string; status: string }[] };
    expect(list.requests.map((r) => [r.subjectId, r.status]).sort()).toEqual([
      ['ben', 'succeeded'],
      ['cal', 'succeeded'],
    ]);
    expect(fx.data.get('blog/entries', 'ben')).toEqual([]);
    expect(fx.data.get('blog/entries', 'ann')).toEqual(['blog/entries of ann']);
    await fx.close();
  });
});
