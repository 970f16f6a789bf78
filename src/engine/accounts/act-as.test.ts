import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { migrateDown, migrateToLatest, migrationStatus } from '../../store/index.js';
import { listAudit, verifyAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { actingActor, effectiveActor } from '../engine.js';
import { registerSubject } from '../subjects/index.js';
import {
  createAccount,
  createRole,
  getRole,
  login,
  resolveSession,
  startActingAs,
  stopActingAs,
  updateAccount,
  updateRole,
} from './index.js';

const password = 'a-long-password';

async function setUp(engine: Engine) {
  await registerSubject(engine, 'cli', {
    id: 'ann',
    username: 'ann',
    email: 'ann@example.org',
    fullName: 'Ann',
  });
  const admin = await createAccount(engine, 'cli', { username: 'boss', password, roles: ['administrator'] });
  const other = await createAccount(engine, 'cli', { username: 'boss2', password, roles: ['administrator'] });
  const dpo = await createAccount(engine, 'cli', {
    username: 'dpo',
    password,
    roles: ['data-protection-officer'],
  });
  const ann = await createAccount(engine, 'cli', { username: 'ann', password, subjectId: 'ann' });
  const session = await login(engine, { username: 'boss', password, ip: '10.0.0.1' });
  return { admin, other, dpo, ann, session };
}

describeEachStore('acting as another account', ({ store }) => {
  it('grants userdata:loginas to the administrator role, in existing stores too (006-act-as)', async () => {
    const s = store();
    expect((await getRole(testEngine(s), 'administrator')).capabilities).toContain('userdata:loginas');
    // back to the store as it was before 006, where the administrator role has no such capability
    while ((await migrationStatus(s)).some((m) => m.name === '006-act-as' && m.executedAt !== undefined)) {
      await migrateDown(s);
    }
    const before = await s.db
      .selectFrom('role_capabilities')
      .select('capability')
      .where('capability', '=', 'userdata:loginas')
      .execute();
    expect(before).toEqual([]);
    await migrateToLatest(s);
    const admin = await getRole(testEngine(s), 'administrator');
    expect(admin.capabilities).toContain('userdata:loginas');
    expect((await getRole(testEngine(s), 'data-protection-officer')).capabilities).not.toContain(
      'userdata:loginas',
    );
  });

  it('acts as a self-service account, survives a new request, and stops; both are audited', async () => {
    const engine = testEngine(store());
    const { admin, ann, session } = await setUp(engine);
    const acting = await startActingAs(engine, session, ann.id);
    expect(acting.account.id).toBe(admin.id);
    expect(acting.acting?.account.username).toBe('ann');
    const resolved = await resolveSession(engine, session.secret);
    expect(resolved?.account.id).toBe(admin.id);
    expect(resolved?.acting?.account.id).toBe(ann.id);
    const stopped = await stopActingAs(engine, resolved ?? acting);
    expect(stopped.acting).toBeNull();
    expect((await resolveSession(engine, session.secret))?.acting).toBeNull();
    // stopping again changes nothing and records nothing
    await stopActingAs(engine, stopped);
    const { events } = await listAudit(engine, { limit: 100 });
    const acts = events.filter((e) => e.action.startsWith('account.act-as'));
    expect(acts.map((e) => [e.action, e.actor, e.targetId])).toEqual([
      ['account.act-as-stop', `account:${admin.id} as account:${ann.id}`, String(ann.id)],
      ['account.act-as-start', `account:${admin.id}`, String(ann.id)],
    ]);
    expect((await verifyAudit(engine)).ok).toBe(true);
  });

  it('refuses yourself, unknown and disabled accounts, administrators, nested acting, and no capability', async () => {
    const engine = testEngine(store());
    const { admin, other, dpo, ann, session } = await setUp(engine);
    await expect(startActingAs(engine, session, admin.id)).rejects.toMatchObject({
      code: 'LETHE_E_ACT_AS_SELF',
    });
    await expect(startActingAs(engine, session, 99_999)).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_UNKNOWN',
    });
    await expect(startActingAs(engine, session, other.id)).rejects.toMatchObject({
      code: 'LETHE_E_ACT_AS_PRIVILEGED',
      message: expect.stringContaining('administrator'),
    });
    // a role that may act as others is as good as an administrator
    await createRole(engine, 'cli', {
      shortname: 'helpdesk',
      name: 'Helpdesk',
      capabilities: ['userdata:loginas'],
    });
    const desk = await createAccount(engine, 'cli', { username: 'desk', password, roles: ['helpdesk'] });
    await expect(startActingAs(engine, session, desk.id)).rejects.toMatchObject({
      code: 'LETHE_E_ACT_AS_PRIVILEGED',
      message: expect.stringContaining('userdata:loginas'),
    });
    await updateAccount(engine, 'cli', ann.id, { disabled: true });
    await expect(startActingAs(engine, session, ann.id)).rejects.toMatchObject({
      code: 'LETHE_E_ACCOUNT_DISABLED',
    });
    const acting = await startActingAs(engine, session, dpo.id);
    await expect(startActingAs(engine, acting, desk.id)).rejects.toMatchObject({ code: 'LETHE_E_ACTING_AS' });
    // the helpdesk may act as others, but not as someone who holds capabilities it lacks
    const deskSession = await login(engine, { username: 'desk', password, ip: '10.0.0.2' });
    await expect(startActingAs(engine, deskSession, dpo.id)).rejects.toMatchObject({
      code: 'LETHE_E_ACT_AS_PRIVILEGED',
      details: {
        capabilities: [
          'userdata:audit',
          'userdata:exportother',
          'userdata:purgemanual',
          'userdata:viewreports',
        ],
      },
    });
    const dpoSession = await login(engine, { username: 'dpo', password, ip: '10.0.0.3' });
    await expect(startActingAs(engine, dpoSession, desk.id)).rejects.toMatchObject({
      code: 'LETHE_E_FORBIDDEN',
    });
    const { events } = await listAudit(engine, { limit: 100 });
    expect(events.filter((e) => e.action === 'account.act-as-refused')).toHaveLength(8);
  });

  it('ends the acting when the acted-as account is disabled, or the real one loses userdata:loginas', async () => {
    const engine = testEngine(store());
    const { ann, dpo, session } = await setUp(engine);
    await startActingAs(engine, session, ann.id);
    await updateAccount(engine, 'cli', ann.id, { disabled: true });
    const after = await resolveSession(engine, session.secret);
    expect(after?.account.username).toBe('boss');
    expect(after?.acting).toBeNull();
    await startActingAs(engine, after ?? session, dpo.id);
    const admin = await getRole(engine, 'administrator');
    await updateRole(engine, 'cli', 'administrator', {
      capabilities: admin.capabilities.filter((c) => c !== 'userdata:loginas'),
    });
    expect((await resolveSession(engine, session.secret))?.acting).toBeNull();
    const { events } = await listAudit(engine, { limit: 100 });
    const stops = events.filter((e) => e.action === 'account.act-as-stop');
    expect(stops.map((e) => e.details)).toEqual([
      { reason: 'no-longer-allowed', code: 'LETHE_E_FORBIDDEN' },
      { reason: 'no-longer-allowed', code: 'LETHE_E_ACCOUNT_DISABLED' },
    ]);
  });

  it('records both accounts as the actor, and knows whom an action counts as', () => {
    expect(actingActor('account:1', 'subject:ann')).toBe('account:1 as subject:ann');
    expect(effectiveActor('account:1 as subject:ann')).toBe('subject:ann');
    expect(effectiveActor('account:1 as account:7')).toBe('account:7');
    expect(effectiveActor('subject:ann')).toBe('subject:ann');
    // only an account acts as someone: a subject id with " as " in it is not parsed
    expect(effectiveActor('subject:x as account:7')).toBe('subject:x as account:7');
  });
});
