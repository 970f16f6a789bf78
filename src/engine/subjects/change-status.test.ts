import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { changeStatus } from './change-status.js';
import { getSubject } from './find-subjects.js';
import { importSubjects } from './import-subjects.js';
import { listSubjects } from './list-subjects.js';
import { statusHistory } from './status-history.js';

async function seed(engine: Engine, n: number) {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `s${i}`, username: `u${i}`, email: '', fullName: `S ${i}` }),
  );
  await importSubjects(engine, 'cli', lines);
}

async function snapshot(engine: Engine) {
  const subjects = await engine.db.selectFrom('subjects').selectAll().orderBy('id').execute();
  const history = await engine.db
    .selectFrom('subject_status_changes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { subjects, history: Number(history?.n), audit: (await listAudit(engine)).total };
}

describeEachStore('changeStatus', ({ store }) => {
  it('changes only subjects whose status differs, keeping each change', async () => {
    const engine = testEngine(store());
    await seed(engine, 4);
    await changeStatus(engine, 'cli', ['s0'], 'suspended');
    const before = await getSubject(engine, 's1');
    const result = await changeStatus(engine, 'account:7', ['s0', 's1', 's1', 's2'], 'suspended', {
      reason: 'left',
    });
    expect(result).toEqual({ changed: 2, unchanged: 1 });
    const after = await getSubject(engine, 's1');
    expect(after.status).toBe('suspended');
    expect(after.statusChangedAt >= before.statusChangedAt).toBe(true);
    expect((await getSubject(engine, 's3')).status).toBe('active');
    expect(await statusHistory(engine, 's1')).toEqual([
      expect.objectContaining({ from: null, to: 'active', actor: 'cli' }),
      { from: 'active', to: 'suspended', at: after.statusChangedAt, actor: 'account:7' },
    ]);
    const audit = await listAudit(engine, { action: 'subject.status', actor: 'account:7' });
    expect(audit.events.map((e) => e.targetId).sort()).toEqual(['s1', 's2']);
    expect(audit.events[0]?.details).toMatchObject({ from: 'active', to: 'suspended', reason: 'left' });
  });

  it('takes a back-dated time', async () => {
    const engine = testEngine(store());
    await seed(engine, 1);
    await changeStatus(engine, 'cli', ['s0'], 'deleted', { at: '2020-01-02' });
    expect((await getSubject(engine, 's0')).statusChangedAt).toBe('2020-01-02T00:00:00.000Z');
  });

  it('writes one audit event listing the subjects when more than 100 change', async () => {
    const engine = testEngine(store());
    await seed(engine, 150);
    const ids = Array.from({ length: 150 }, (_, i) => `s${i}`);
    expect(await changeStatus(engine, 'cli', ids, 'deleted')).toEqual({ changed: 150, unchanged: 0 });
    const audit = await listAudit(engine, { action: 'subject.status' });
    expect(audit.total).toBe(1);
    expect(audit.events[0]?.details['changes']).toHaveLength(150);
    expect((await listSubjects(engine, { status: 'deleted', limit: 1 })).total).toBe(150);
  });

  it('refuses unknown ids, listing them, and changes nothing', async () => {
    const engine = testEngine(store());
    await seed(engine, 3);
    const before = await snapshot(engine);
    await expect(changeStatus(engine, 'cli', ['s0', 'x1', 's1', 'x2'], 'deleted')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
      message: expect.stringMatching(/'x1'.*'x2'/),
      details: { ids: ['x1', 'x2'] },
    });
    expect(await snapshot(engine)).toEqual(before);
  });

  it('refuses to change the anonymous user, and changes nothing', async () => {
    const engine = testEngine(store());
    await seed(engine, 3);
    await engine.db.updateTable('subjects').set({ anonymous: 1 }).where('id', '=', 's2').execute();
    const before = await snapshot(engine);
    await expect(changeStatus(engine, 'cli', ['s0', 's1', 's2'], 'deleted')).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_PROTECTED',
      message: expect.stringContaining("'s2'"),
    });
    expect(await snapshot(engine)).toEqual(before);
  });

  it('refuses a bad status, no ids, and a bad time', async () => {
    const engine = testEngine(store());
    await seed(engine, 1);
    await expect(changeStatus(engine, 'cli', ['s0'], 'purged' as 'deleted')).rejects.toMatchObject({
      code: 'LETHE_E_STATUS_INVALID',
      message: expect.stringContaining("'purged'"),
    });
    await expect(changeStatus(engine, 'cli', [], 'deleted')).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
    });
    await expect(changeStatus(engine, 'cli', ['s0'], 'deleted', { at: 'soon' })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      message: expect.stringContaining("'at'"),
    });
  });
});
