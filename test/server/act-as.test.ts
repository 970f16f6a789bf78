import { expect, it } from 'vitest';
import { createAccount, createRole } from '../../src/engine/accounts/index.js';
import { listAudit, verifyAudit } from '../../src/engine/audit/index.js';
import { getRequest } from '../../src/engine/requests/index.js';
import { describeEachStore } from '../support/stores.js';
import { accountId, availableExport, type Caller, type Response, serverFixture } from './server-fixture.js';

const actAs = (as: Caller, accountId: unknown) =>
  as.request({ method: 'POST', url: '/api/v1/session/act-as', payload: { accountId } as never });
const stopActing = (as: Caller) => as.request({ method: 'DELETE', url: '/api/v1/session/act-as' });

function refused(response: Response): [number, string] {
  return [response.statusCode, response.json().error?.code];
}

describeEachStore('acting as another account', ({ store }) => {
  it('lets an admin see what a self-service account sees, refuses its download, and stops; all audited', async () => {
    const fx = await serverFixture(store());
    const adminId = await accountId(fx, 'admin');
    const annId = await accountId(fx, 'ann');
    const { id: exportId, token } = await availableExport(fx, 'ann');
    expect((await fx.admin.request({ url: '/api/v1/me' })).statusCode).toBe(403);

    const started = await actAs(fx.admin, annId);
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({
      account: { id: annId, username: 'ann', subjectId: 'ann', capabilities: ['userdata:exportself'] },
      actingAs: { realAccount: { id: adminId, username: 'admin' }, since: expect.any(String) },
    });
    const session = (await fx.admin.request({ url: '/api/v1/session' })).json();
    expect(session).toMatchObject({
      account: { username: 'ann' },
      actingAs: { realAccount: { username: 'admin' } },
    });

    // what ann sees, and only that
    const me = await fx.admin.request({ url: '/api/v1/me' });
    expect([me.statusCode, me.json().subject.id]).toEqual([200, 'ann']);
    const exports = (await fx.admin.request({ url: '/api/v1/me/exports' })).json();
    expect(exports.exports.map((e: { id: number }) => e.id)).toEqual([exportId]);
    const own = (await fx.admin.request({ url: `/api/v1/me/exports/${exportId}` })).json();
    expect(own.downloadUrl).toBe(`/api/v1/downloads/${token}`);
    expect(refused(await fx.admin.request({ url: '/api/v1/subjects' }))).toEqual([403, 'LETHE_E_FORBIDDEN']);

    // ann's own package, yet refused: the data goes to ann, not to whoever acts as her
    const download = await fx.admin.request({ url: own.downloadUrl });
    expect(refused(download)).toEqual([403, 'LETHE_E_ACTING_AS']);
    expect(download.json().error.message).toMatch(/acting as ANN: you cannot download export packages/);
    expect(download.headers['content-type']).toMatch(/^application\/json/);
    // a wrong link is refused the same way, and says nothing of whether it exists
    const guessed = await fx.admin.request({ url: `/api/v1/downloads/${'0'.repeat(64)}` });
    expect(refused(guessed)).toEqual([403, 'LETHE_E_ACTING_AS']);

    // what the admin does as ann is recorded with both
    const deleted = await fx.admin.request({
      method: 'DELETE',
      url: `/api/v1/me/exports/${exportId}/package`,
    });
    expect(deleted.statusCode).toBe(204);
    const requested = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/me/exports',
      payload: { type: 'mine' },
    });
    expect(requested.statusCode).toBe(201);
    expect((await getRequest(fx.engine, requested.json().id)).requestedBy).toBe(
      `account:${adminId} as subject:ann`,
    );

    const stopped = await stopActing(fx.admin);
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toMatchObject({ account: { id: adminId, username: 'admin' }, actingAs: null });
    expect((await fx.admin.request({ url: '/api/v1/session' })).json().actingAs).toBeNull();
    expect((await fx.admin.request({ url: '/api/v1/subjects' })).statusCode).toBe(200);
    expect((await fx.admin.request({ url: '/api/v1/me' })).statusCode).toBe(403);
    // stopping again is no error
    expect((await stopActing(fx.admin)).statusCode).toBe(200);
    // the admin, as itself, may download (userdata:exportother)
    await fx.work();
    const fresh = await availableExport(fx, 'ann');
    expect((await fx.admin.request({ url: `/api/v1/downloads/${fresh.token}` })).statusCode).toBe(200);

    const audit = (await listAudit(fx.engine, { limit: 200 })).events.reverse();
    const acting = `account:${adminId} as account:${annId}`;
    const asSubject = `account:${adminId} as subject:ann`;
    const trail = audit
      .filter((e) => /^(account\.act-as|export\.download|request\.|export\.package)/.test(e.action))
      .filter((e) => e.actor.startsWith(`account:${adminId}`))
      .map((e) => [e.action, e.actor, e.targetId]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['account.act-as-start', `account:${adminId}`, String(annId)],
        ['export.download-refused', acting, String(exportId)],
        ['export.download-refused', acting, 'unknown'],
        ['account.act-as-stop', acting, String(annId)],
        ['export.download', `account:${adminId}`, String(fresh.id)],
      ]),
    );
    expect(audit.some((e) => e.actor === asSubject)).toBe(true);
    expect(trail.findIndex((t) => t[0] === 'account.act-as-start')).toBeLessThan(
      trail.findIndex((t) => t[0] === 'account.act-as-stop'),
    );
    expect((await verifyAudit(fx.engine)).ok).toBe(true);
    await fx.close();
  });

  it('refuses: no capability, API tokens, yourself, unknown, disabled and privileged accounts, bad input', async () => {
    const fx = await serverFixture(store());
    const annId = await accountId(fx, 'ann');
    const adminId = await accountId(fx, 'admin');
    expect(refused(await actAs(fx.dpo, annId))).toEqual([403, 'LETHE_E_FORBIDDEN']);
    expect(refused(await actAs(fx.ann, await accountId(fx, 'ben')))).toEqual([403, 'LETHE_E_FORBIDDEN']);
    const token = await fx.token(['subjects:read', 'subjects:write', 'exports:read', 'config:write']);
    expect(refused(await actAs(token, annId))).toEqual([403, 'LETHE_E_FORBIDDEN']);
    expect(refused(await stopActing(token))).toEqual([403, 'LETHE_E_FORBIDDEN']);
    expect(refused(await actAs(fx.anonymous, annId))).toEqual([401, 'LETHE_E_UNAUTHENTICATED']);

    expect(refused(await actAs(fx.admin, adminId))).toEqual([400, 'LETHE_E_ACT_AS_SELF']);
    expect(refused(await actAs(fx.admin, 999_999))).toEqual([404, 'LETHE_E_ACCOUNT_UNKNOWN']);
    const other = await createAccount(fx.engine, 'cli', {
      username: 'admin2',
      password: 'another-password',
      roles: ['administrator'],
    });
    const privileged = await actAs(fx.admin, other.id);
    expect(refused(privileged)).toEqual([403, 'LETHE_E_ACT_AS_PRIVILEGED']);
    expect(privileged.json().error.message).toContain('administrator');
    const disabled = await createAccount(fx.engine, 'cli', { username: 'gone', roles: [] });
    await fx.engine.db.updateTable('accounts').set({ disabled: 1 }).where('id', '=', disabled.id).execute();
    expect(refused(await actAs(fx.admin, disabled.id))).toEqual([409, 'LETHE_E_ACCOUNT_DISABLED']);
    for (const bad of ['3', 0, -1, 1.5, 2 ** 31, null]) {
      const response = await actAs(fx.admin, bad);
      expect([response.statusCode, response.json().error.details.field], String(bad)).toEqual([
        400,
        'accountId',
      ]);
    }
    const extra = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/session/act-as',
      payload: { accountId: annId, as: 'admin' },
    });
    expect(refused(extra)).toEqual([400, 'LETHE_E_INVALID_INPUT']);
    // a forged request without the CSRF token
    const noCsrf = await fx.admin.request({
      method: 'POST',
      url: '/api/v1/session/act-as',
      payload: { accountId: annId },
      headers: { 'x-csrf-token': '' },
    });
    expect(refused(noCsrf)).toEqual([403, 'LETHE_E_CSRF']);
    expect((await fx.admin.request({ url: '/api/v1/session' })).json().actingAs).toBeNull();

    const refusals = await listAudit(fx.engine, { action: 'account.act-as-refused' });
    expect(refusals.events.map((e) => e.details['code']).sort()).toEqual([
      'LETHE_E_ACCOUNT_DISABLED',
      'LETHE_E_ACCOUNT_UNKNOWN',
      'LETHE_E_ACT_AS_PRIVILEGED',
      'LETHE_E_ACT_AS_SELF',
    ]);
    await fx.close();
  });

  it('refuses tokens, passwords, accounts, roles and nested acting while acting, even with the capability', async () => {
    const fx = await serverFixture(store());
    const adminId = await accountId(fx, 'admin');
    // a manager may configure Lethe and manage accounts, but is no administrator: the admin may act as them
    await createRole(fx.engine, 'cli', {
      shortname: 'manager',
      name: 'Manager',
      capabilities: ['userdata:config'],
    });
    const manager = await createAccount(fx.engine, 'cli', {
      username: 'manager',
      password: 'manager-password',
      roles: ['manager'],
    });
    expect((await actAs(fx.admin, manager.id)).statusCode).toBe(200);
    const benId = await accountId(fx, 'ben');
    const attempts: [string, Response][] = [
      [
        'create API tokens',
        await fx.admin.request({
          method: 'POST',
          url: '/api/v1/tokens',
          payload: { name: 'x', scopes: ['audit:read'] },
        }),
      ],
      ['revoke API tokens', await fx.admin.request({ method: 'DELETE', url: '/api/v1/tokens/1' })],
      [
        'change a password',
        await fx.admin.request({
          method: 'POST',
          url: '/api/v1/session/password',
          payload: { currentPassword: 'manager-password', newPassword: 'a-new-password' },
        }),
      ],
      [
        'change accounts',
        await fx.admin.request({
          method: 'PATCH',
          url: `/api/v1/accounts/${benId}`,
          payload: { password: 'taken-over-password' },
        }),
      ],
      [
        'create accounts',
        await fx.admin.request({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'x' } }),
      ],
      ['delete accounts', await fx.admin.request({ method: 'DELETE', url: `/api/v1/accounts/${benId}` })],
      [
        'unlock accounts',
        await fx.admin.request({ method: 'POST', url: `/api/v1/accounts/${benId}/unlock` }),
      ],
      [
        'change roles',
        await fx.admin.request({
          method: 'PATCH',
          url: '/api/v1/roles/manager',
          payload: { capabilities: ['userdata:config', 'userdata:loginas'] },
        }),
      ],
      [
        'create roles',
        await fx.admin.request({
          method: 'POST',
          url: '/api/v1/roles',
          payload: { shortname: 'r', name: 'R' },
        }),
      ],
      ['delete roles', await fx.admin.request({ method: 'DELETE', url: '/api/v1/roles/manager' })],
      ['act as', await actAs(fx.admin, benId)],
    ];
    for (const [what, response] of attempts) {
      expect(refused(response), what).toEqual([403, 'LETHE_E_ACTING_AS']);
      expect(response.json().error.message, what).toMatch(
        /^You are acting as manager: you cannot .+ Stop acting first\.$/,
      );
    }
    expect((await fx.engine.db.selectFrom('api_tokens').select('id').execute()).length).toBe(0);
    // what the manager may do, the admin acting as them may do, recorded with both
    const settings = await fx.admin.request({
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { exportRetentionDays: 7 },
    });
    expect(settings.statusCode).toBe(200);
    const changed = await listAudit(fx.engine, { action: 'settings.update' });
    expect(changed.events[0]?.actor).toBe(`account:${adminId} as account:${manager.id}`);
    // logging out while acting ends the session, and the acting with it
    const logout = await fx.admin.request({ method: 'DELETE', url: '/api/v1/session' });
    expect(logout.statusCode).toBe(204);
    expect((await fx.admin.request({ url: '/api/v1/session' })).statusCode).toBe(401);
    await fx.close();
  });

  it('ends the acting by itself when the acted-as account is disabled', async () => {
    const fx = await serverFixture(store());
    const annId = await accountId(fx, 'ann');
    expect((await actAs(fx.admin, annId)).statusCode).toBe(200);
    await fx.engine.db.updateTable('accounts').set({ disabled: 1 }).where('id', '=', annId).execute();
    const session = (await fx.admin.request({ url: '/api/v1/session' })).json();
    expect(session).toMatchObject({ account: { username: 'admin' }, actingAs: null });
    const stops = await listAudit(fx.engine, { action: 'account.act-as-stop' });
    expect(stops.events.map((e) => e.details)).toEqual([
      { reason: 'no-longer-allowed', code: 'LETHE_E_ACCOUNT_DISABLED' },
    ]);
    await fx.close();
  });
});
