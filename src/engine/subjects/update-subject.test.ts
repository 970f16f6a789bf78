import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import { getSubject } from './find-subjects.js';
import { registerSubject } from './register-subject.js';
import { updateSubject } from './update-subject.js';

const ada = { id: 'u1', username: 'ada', email: 'ada@example.org', fullName: 'Ada Lovelace' };

describeEachStore('updateSubject', ({ store }) => {
  it('changes the given fields and audits what changed', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', ada);
    const updated = await updateSubject(engine, 'account:1', 'u1', {
      email: 'ada@new.example',
      kind: 'staff',
      legacy: true,
      username: 'ada',
    });
    expect(updated).toMatchObject({ ...ada, email: 'ada@new.example', kind: 'staff', legacy: true });
    expect(await getSubject(engine, 'u1')).toEqual(updated);
    const audit = await listAudit(engine, { action: 'subject.update' });
    expect(audit.events[0]?.details).toEqual({
      changes: {
        email: { from: 'ada@example.org', to: 'ada@new.example' },
        kind: { from: 'learner', to: 'staff' },
        legacy: { from: false, to: true },
      },
    });
  });

  it('writes nothing when nothing changes', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', ada);
    await updateSubject(engine, 'cli', 'u1', { username: 'ada' });
    await updateSubject(engine, 'cli', 'u1', {});
    expect((await listAudit(engine, { action: 'subject.update' })).total).toBe(0);
  });

  it('refuses an unknown subject', async () => {
    const engine = testEngine(store());
    await expect(updateSubject(engine, 'cli', 'ghost', { username: 'x' })).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
      message: expect.stringContaining("'ghost'"),
    });
  });

  it('refuses a status change, pointing to changeStatus', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', ada);
    await expect(
      updateSubject(engine, 'cli', 'u1', { status: 'deleted' } as unknown as { username: string }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      message: expect.stringMatching(/'status'.*changeStatus/),
    });
    expect((await getSubject(engine, 'u1')).status).toBe('active');
  });

  it.each([
    [{ username: '' }, 'username'],
    [{ email: 'nope' }, 'email'],
    [{ kind: '' }, 'kind'],
    [{ legacy: 1 }, 'legacy'],
  ])('refuses a bad field (%#)', async (patch, field) => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', ada);
    await expect(updateSubject(engine, 'cli', 'u1', patch as { username: string })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      message: expect.stringContaining(`'${field}'`),
    });
  });
});
