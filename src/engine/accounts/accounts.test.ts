import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit, verifyAudit } from '../audit/index.js';
import { registerSubject } from '../subjects/index.js';
import { findAccount } from './account.js';
import {
  createAccount,
  createApiToken,
  createRole,
  deleteAccount,
  deleteRole,
  endSession,
  ensureAdmin,
  getRole,
  listAccounts,
  listRoles,
  login,
  resolveApiToken,
  resolveSession,
  revokeApiToken,
  unlockAccount,
  updateAccount,
  updateRole,
} from './index.js';

const policy = { maxFailures: 3, lockMinutes: 15, maxFailuresPerIp: 100, sessionMinutes: 60 };

describeEachStore('accounts', ({ store }) => {
  it('starts with the three built-in roles and their capabilities', async () => {
    const engine = testEngine(store());
    const roles = await listRoles(engine);
    expect(roles.map((r) => [r.shortname, r.capabilities])).toEqual([
      [
        'administrator',
        [
          'userdata:audit',
          'userdata:config',
          'userdata:exportother',
          'userdata:exportself',
          'userdata:loginas',
          'userdata:purgemanual',
          'userdata:viewreports',
        ],
      ],
      [
        'data-protection-officer',
        ['userdata:audit', 'userdata:exportother', 'userdata:purgemanual', 'userdata:viewreports'],
      ],
      ['authenticated', ['userdata:exportself']],
    ]);
  });

  it('creates the first admin once, with a one-time password or LETHE_ADMIN_PASSWORD', async () => {
    const engine = testEngine(store());
    const first = await ensureAdmin(engine, { env: {} });
    expect(first.created).toBe(true);
    expect(first.oneTimePassword).toMatch(/^[\w-]{16}$/);
    const session = await login(engine, {
      username: 'admin',
      password: first.oneTimePassword ?? '',
      ip: '1.2.3.4',
    });
    expect(session.account.roles).toEqual(['administrator']);
    expect(await ensureAdmin(engine, { env: { LETHE_ADMIN_PASSWORD: 'other-password' } })).toEqual({
      created: false,
      username: 'admin',
    });
    const other = testEngine(store());
    await other.db.deleteFrom('sessions').execute();
    await other.db.deleteFrom('account_roles').execute();
    await other.db.deleteFrom('accounts').execute();
    const fromEnv = await ensureAdmin(other, { env: { LETHE_ADMIN_PASSWORD: 'from-the-env' } });
    expect(fromEnv).toEqual({ created: true, username: 'admin' });
    await login(other, { username: 'ADMIN', password: 'from-the-env', ip: '1.2.3.4' });
  });

  it('creates the first admin once when two processes start at the same time', async () => {
    const engine = testEngine(store());
    const both = await Promise.all([ensureAdmin(engine, { env: {} }), ensureAdmin(engine, { env: {} })]);
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    const admins = await engine.db.selectFrom('accounts').select('username').execute();
    expect(admins).toEqual([{ username: 'admin' }]);
  });

  it('links a self-service account to a subject and refuses bad links', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', {
      id: 's1',
      username: 'ann',
      email: 'ann@example.org',
      fullName: 'Ann',
    });
    const account = await createAccount(engine, 'cli', {
      username: 'ann',
      subjectId: 's1',
      password: 'secret-pass',
    });
    expect(account).toMatchObject({
      subjectId: 's1',
      displayName: 'Ann',
      email: 'ann@example.org',
      roles: ['authenticated'],
      capabilities: ['userdata:exportself'],
      hasPassword: true,
    });
    await expect(createAccount(engine, 'cli', { username: 'ann2', subjectId: 's1' })).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_EXISTS',
    });
    await expect(createAccount(engine, 'cli', { username: 'Ann' })).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_EXISTS',
    });
    await expect(createAccount(engine, 'cli', { username: 'x', subjectId: 'nobody' })).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
    });
    await expect(createAccount(engine, 'cli', { username: 'y', roles: ['nope'] })).rejects.toMatchObject({
      code: 'LETHE_E_ROLE_UNKNOWN',
    });
    await expect(createAccount(engine, 'cli', { username: 'bad name' })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      details: { field: 'username' },
    });
    await expect(createAccount(engine, 'cli', { username: 'z', password: 'short' })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      details: { field: 'password' },
    });
    expect((await listAccounts(engine, { kind: 'subject' })).total).toBe(1);
    expect((await listAccounts(engine, { search: 'AN' })).accounts.map((a) => a.username)).toEqual(['ann']);
    expect((await listAccounts(engine, { search: '%' })).total).toBe(0);
  });

  it('locks out after repeated failures, audits each one, and unlocks', async () => {
    const engine = testEngine(store());
    const account = await createAccount(engine, 'cli', { username: 'bob', password: 'right-password' });
    for (let i = 0; i < 3; i++) {
      await expect(
        login(engine, { username: 'bob', password: 'wrong-password', ip: '10.0.0.1' }, policy),
      ).rejects.toMatchObject({ code: 'LETHE_E_LOGIN_FAILED' });
    }
    await expect(
      login(engine, { username: 'bob', password: 'right-password', ip: '10.0.0.1' }, policy),
    ).rejects.toMatchObject({ code: 'LETHE_E_LOCKED_OUT' });
    const events = await listAudit(engine, { targetType: 'account', targetId: 'bob' });
    expect(events.events.map((e) => e.action)).toEqual([
      'account.login-locked',
      'account.login-failed',
      'account.login-failed',
      'account.login-failed',
    ]);
    await expect(
      login(engine, { username: 'nobody', password: 'whatever-pass', ip: '10.0.0.1' }, policy),
    ).rejects.toMatchObject({ code: 'LETHE_E_LOGIN_FAILED' });
    await unlockAccount(engine, 'cli', account.id);
    const session = await login(
      engine,
      { username: 'bob', password: 'right-password', ip: '10.0.0.1' },
      policy,
    );
    expect((await resolveSession(engine, session.secret))?.account.username).toBe('bob');
    expect(await resolveSession(engine, 'not-a-session')).toBeUndefined();
    await endSession(engine, session);
    expect(await resolveSession(engine, session.secret)).toBeUndefined();
    expect((await verifyAudit(engine)).ok).toBe(true);
  });

  it("resolves a session with its account's roles and capabilities, the same as the account read alone", async () => {
    const engine = testEngine(store());
    await createRole(engine, 'cli', {
      shortname: 'helpdesk-anonymiser',
      name: 'Helpdesk anonymiser',
      capabilities: ['userdata:anonymise', 'userdata:viewreports'],
    });
    // Two roles that grant one capability twice; and an account with no role at all.
    const both = await createAccount(engine, 'cli', {
      username: 'eve',
      password: 'right-password',
      roles: ['helpdesk-anonymiser', 'data-protection-officer'],
    });
    const none = await createAccount(engine, 'cli', {
      username: 'fay',
      password: 'right-password',
      roles: [],
    });
    for (const account of [both, none]) {
      const session = await login(engine, {
        username: account.username,
        password: 'right-password',
        ip: '::1',
      });
      const resolved = await resolveSession(engine, session.secret);
      expect(resolved?.account).toEqual(await findAccount(engine, account.id));
    }
    const opened = await login(engine, { username: 'eve', password: 'right-password', ip: '::1' });
    const resolved = await resolveSession(engine, opened.secret);
    expect(resolved?.account.roles).toEqual(['data-protection-officer', 'helpdesk-anonymiser']);
    expect(resolved?.account.capabilities).toEqual([
      'userdata:anonymise',
      'userdata:audit',
      'userdata:exportother',
      'userdata:purgemanual',
      'userdata:viewreports',
    ]);
    // A role's change shows at the next request of a session that was opened before it.
    await updateRole(engine, 'cli', 'helpdesk-anonymiser', { capabilities: ['userdata:anonymise'] });
    await updateAccount(engine, 'cli', both.id, { roles: ['helpdesk-anonymiser'] });
    const later = await resolveSession(engine, opened.secret);
    expect(later?.account).toMatchObject({
      roles: ['helpdesk-anonymiser'],
      capabilities: ['userdata:anonymise'],
    });
  });

  it('refuses a disabled account and ends its sessions', async () => {
    const engine = testEngine(store());
    const account = await createAccount(engine, 'cli', { username: 'cat', password: 'right-password' });
    const session = await login(engine, { username: 'cat', password: 'right-password', ip: '::1' });
    await updateAccount(engine, 'cli', account.id, { disabled: true });
    expect(await resolveSession(engine, session.secret)).toBeUndefined();
    await expect(
      login(engine, { username: 'cat', password: 'right-password', ip: '::1' }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_LOGIN_FAILED',
    });
  });

  it('never leaves the store without an account manager', async () => {
    const engine = testEngine(store());
    const admin = await createAccount(engine, 'cli', { username: 'root', roles: ['administrator'] });
    await expect(updateAccount(engine, 'cli', admin.id, { disabled: true })).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_LAST_ADMIN',
    });
    await expect(updateAccount(engine, 'cli', admin.id, { roles: [] })).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_LAST_ADMIN',
    });
    await expect(updateRole(engine, 'cli', 'administrator', { capabilities: [] })).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_LAST_ADMIN',
    });
    await expect(deleteAccount(engine, 'cli', admin.id)).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_LAST_ADMIN',
    });
    expect((await getRole(engine, 'administrator')).capabilities).toContain('userdata:config');
  });

  it('edits roles, and refuses to delete a built-in one', async () => {
    const engine = testEngine(store());
    const role = await createRole(engine, 'cli', {
      shortname: 'helpdesk-anonymiser',
      name: 'Helpdesk anonymiser',
      capabilities: ['userdata:anonymise'],
    });
    expect(role).toMatchObject({ builtin: false, capabilities: ['userdata:anonymise'], accounts: 0 });
    await expect(
      createRole(engine, 'cli', { shortname: 'helpdesk-anonymiser', name: 'x' }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_ROLE_EXISTS',
    });
    await expect(
      createRole(engine, 'cli', {
        shortname: 'x',
        name: 'x',
        capabilities: ['userdata:everything' as 'userdata:config'],
      }),
    ).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    const account = await createAccount(engine, 'cli', { username: 'dee', roles: ['helpdesk-anonymiser'] });
    expect(account.capabilities).toEqual(['userdata:anonymise']);
    await deleteRole(engine, 'cli', 'helpdesk-anonymiser');
    await expect(deleteRole(engine, 'cli', 'authenticated')).rejects.toMatchObject({
      code: 'LETHE_E_ROLE_BUILTIN',
    });
    await expect(getRole(engine, 'helpdesk-anonymiser')).rejects.toMatchObject({
      code: 'LETHE_E_ROLE_UNKNOWN',
    });
  });

  it('issues API tokens once, stores them hashed, expires and revokes them', async () => {
    const engine = testEngine(store());
    const { token, secret } = await createApiToken(engine, 'cli', {
      name: 'host',
      scopes: ['subjects:write'],
    });
    expect(secret).toMatch(/^lethe_/);
    const stored = await engine.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect((await resolveApiToken(engine, secret))?.scopes).toEqual(['subjects:write']);
    expect(await resolveApiToken(engine, `${secret}x`)).toBeUndefined();
    await revokeApiToken(engine, 'cli', token.id);
    expect(await resolveApiToken(engine, secret)).toBeUndefined();
    await expect(
      createApiToken(engine, 'cli', {
        name: 'old',
        scopes: ['audit:read'],
        expiresAt: '2001-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT', details: { field: 'expiresAt' } });
    await expect(createApiToken(engine, 'cli', { name: 'none', scopes: [] })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
    });
    const soon = await createApiToken(engine, 'cli', {
      name: 'soon',
      scopes: ['audit:read'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await resolveApiToken(engine, soon.secret)).toBeDefined();
    await engine.db
      .updateTable('api_tokens')
      .set({ expires_at: '2001-01-01T00:00:00.000Z' })
      .where('id', '=', soon.token.id)
      .execute();
    expect(await resolveApiToken(engine, soon.secret)).toBeUndefined();
  });
});
