import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import { changeStatus, listSubjects, registerSubject } from '../subjects/index.js';
import { getAnonymousUser } from './get-anonymous-user.js';
import { getSettings } from './read-settings.js';
import { updateSettings } from './update-settings.js';

describeEachStore('getAnonymousUser', ({ store }) => {
  it('creates the anonymous user on first use, stores it in the settings and audits it', async () => {
    const engine = testEngine(store());
    const anon = await getAnonymousUser(engine, 'system');
    expect(anon).toMatchObject({
      id: 'lethe-anonymous',
      username: 'anonymous',
      fullName: 'Anonymous',
      email: '',
      kind: 'system',
      status: 'active',
      anonymous: true,
    });
    expect((await getSettings(engine)).anonymousUserId).toBe('lethe-anonymous');
    expect(await getAnonymousUser(engine, 'system')).toEqual(anon);
    expect((await listAudit(engine, { action: 'subject.create' })).total).toBe(1);
    expect((await listAudit(engine, { action: 'settings.update' })).total).toBe(1);
  });

  it('is safe when called concurrently', async () => {
    const engine = testEngine(store());
    const results = await Promise.all(Array.from({ length: 4 }, () => getAnonymousUser(engine, 'system')));
    expect(new Set(results.map((r) => r.id))).toEqual(new Set(['lethe-anonymous']));
    expect((await listAudit(engine, { action: 'subject.create' })).total).toBe(1);
    expect((await listAudit(engine, { action: 'settings.update' })).total).toBe(1);
    const all = await listSubjects(engine, { includeAnonymous: true });
    expect(all.total).toBe(1);
  });

  it('returns the configured subject, which is left out of lists and cannot change status', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', { id: 'u1', username: 'ada', email: 'a@b.c', fullName: 'Ada' });
    await registerSubject(engine, 'cli', { id: 'ghost', username: 'ghost', email: '', fullName: 'Ghost' });
    await updateSettings(engine, 'cli', { anonymousUserId: 'ghost' });
    const anon = await getAnonymousUser(engine, 'system');
    expect(anon).toMatchObject({ id: 'ghost', anonymous: true });
    expect((await listSubjects(engine)).subjects.map((s) => s.id)).toEqual(['u1']);
    expect((await listSubjects(engine, { includeAnonymous: true })).total).toBe(2);
    await expect(changeStatus(engine, 'cli', ['ghost'], 'deleted')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_PROTECTED',
    });
    expect((await listSubjects(engine, { includeAnonymous: true, search: 'lethe-anonymous' })).total).toBe(0);
  });
});
