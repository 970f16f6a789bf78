import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import { getSubject } from './find-subjects.js';
import { registerSubject } from './register-subject.js';
import { statusHistory } from './status-history.js';
import { toSubjectRef } from './subject.js';

const ada = { id: 'u1', username: 'ada', email: 'ada@example.org', fullName: 'Ada Lovelace' };

describeEachStore('registerSubject', ({ store }) => {
  it('registers a subject with defaults, its first status and an audit event', async () => {
    const engine = testEngine(store());
    const subject = await registerSubject(engine, 'cli', ada);
    expect(subject).toMatchObject({
      ...ada,
      kind: 'learner',
      status: 'active',
      legacy: false,
      anonymous: false,
      suspendedPurgeTypeId: null,
      deletedPurgeTypeId: null,
    });
    expect(await getSubject(engine, 'u1')).toEqual(subject);
    expect(toSubjectRef(subject)).toEqual({ ...ada, kind: 'learner', status: 'active' });
    expect(await statusHistory(engine, 'u1')).toEqual([
      { from: null, to: 'active', at: subject.statusChangedAt, actor: 'cli' },
    ]);
    const audit = await listAudit(engine, { action: 'subject.create' });
    expect(audit.events).toEqual([expect.objectContaining({ actor: 'cli', targetId: 'u1' })]);
  });

  it('keeps kind, status, legacy and a back-dated status change', async () => {
    const engine = testEngine(store());
    const subject = await registerSubject(engine, 'cli', {
      ...ada,
      kind: 'support',
      status: 'deleted',
      legacy: true,
      statusChangedAt: '2019-03-01',
    });
    expect(subject).toMatchObject({
      kind: 'support',
      status: 'deleted',
      legacy: true,
      statusChangedAt: '2019-03-01T00:00:00.000Z',
    });
    expect(await getSubject(engine, 'u1')).toEqual(subject);
  });

  it('refuses a duplicate id', async () => {
    const engine = testEngine(store());
    await registerSubject(engine, 'cli', ada);
    await expect(registerSubject(engine, 'cli', { ...ada, username: 'other' })).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_EXISTS',
      message: expect.stringContaining("'u1'"),
    });
    expect((await getSubject(engine, 'u1')).username).toBe('ada');
    expect((await listAudit(engine)).total).toBe(1);
  });

  it('refuses a bad status, naming it', async () => {
    const engine = testEngine(store());
    await expect(
      registerSubject(engine, 'cli', { ...ada, status: 'gone' as 'active' }),
    ).rejects.toMatchObject({
      code: 'LETHE_E_STATUS_INVALID',
      message: expect.stringContaining("'gone'"),
    });
  });

  it.each([
    [{ ...ada, id: '' }, 'id'],
    [{ ...ada, id: 'x'.repeat(256) }, 'id'],
    [{ id: 'u2', email: 'a@b.c', fullName: 'A' }, 'username'],
    [{ ...ada, email: 'not an email' }, 'email'],
    [{ ...ada, fullName: 42 }, 'fullName'],
    [{ ...ada, kind: 'has space' }, 'kind'],
    [{ ...ada, legacy: 'yes' }, 'legacy'],
    [{ ...ada, statusChangedAt: 'yesterday' }, 'statusChangedAt'],
    [{ ...ada, full_name: 'Ada' }, 'full_name'],
  ])('refuses a bad field (%#: %s)', async (input, field) => {
    const engine = testEngine(store());
    await expect(registerSubject(engine, 'cli', input as typeof ada)).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      message: expect.stringContaining(`'${field}'`),
    });
  });

  it('getSubject and statusHistory refuse an unknown id', async () => {
    const engine = testEngine(store());
    await expect(getSubject(engine, 'nobody')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
      message: expect.stringContaining("'nobody'"),
    });
    await expect(statusHistory(engine, 'nobody')).rejects.toMatchObject({ code: 'LETHE_E_SUBJECT_UNKNOWN' });
  });
});
