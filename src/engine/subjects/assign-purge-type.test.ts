import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { assignPurgeType } from './assign-purge-type.js';
import { getSubject } from './find-subjects.js';
import { importSubjects } from './import-subjects.js';

async function purgeType(engine: Engine, idnumber: string, status: string): Promise<number> {
  const now = new Date().toISOString();
  const row = await engine.db
    .insertInto('purge_types')
    .values({
      idnumber,
      name: idnumber,
      description: '',
      status,
      allow_manual: 1,
      allow_automatic: 0,
      known_items: '[]',
      reapplied_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function seed(engine: Engine, n: number) {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `s${i}`, username: `u${i}`, email: '', fullName: `S ${i}` }),
  );
  await importSubjects(engine, 'cli', lines);
}

describeEachStore('assignPurgeType', ({ store }) => {
  it('assigns by idnumber or id, in bulk, and clears with null', async () => {
    const engine = testEngine(store());
    await seed(engine, 3);
    const keep = await purgeType(engine, 'keep-training', 'suspended');
    const all = await purgeType(engine, 'purge-all', 'deleted');
    expect(await assignPurgeType(engine, 'cli', ['s0', 's1'], 'suspended', 'keep-training')).toEqual({
      changed: 2,
      unchanged: 0,
    });
    expect(await assignPurgeType(engine, 'cli', ['s1'], 'deleted', all)).toEqual({
      changed: 1,
      unchanged: 0,
    });
    expect(await assignPurgeType(engine, 'cli', ['s1', 's2'], 'suspended', String(keep))).toEqual({
      changed: 1,
      unchanged: 1,
    });
    expect(await getSubject(engine, 's1')).toMatchObject({
      suspendedPurgeTypeId: keep,
      deletedPurgeTypeId: all,
    });
    await assignPurgeType(engine, 'cli', ['s1'], 'suspended', null);
    expect(await getSubject(engine, 's1')).toMatchObject({
      suspendedPurgeTypeId: null,
      deletedPurgeTypeId: all,
    });
    const audit = await listAudit(engine, { action: 'subject.assign-purge-type', targetId: 's1' });
    expect(audit.total).toBe(3);
    expect(audit.events[0]?.details).toMatchObject({ status: 'suspended', typeId: null, fromTypeId: keep });
  });

  it('refuses an unknown type', async () => {
    const engine = testEngine(store());
    await seed(engine, 1);
    await expect(assignPurgeType(engine, 'cli', ['s0'], 'deleted', 'nope')).rejects.toMatchObject({
      code: 'LETHE_E_TYPE_UNKNOWN',
      message: expect.stringContaining("'nope'"),
    });
    await expect(assignPurgeType(engine, 'cli', ['s0'], 'deleted', 999)).rejects.toMatchObject({
      code: 'LETHE_E_TYPE_UNKNOWN',
    });
  });

  it('refuses a type whose status does not match, naming both', async () => {
    const engine = testEngine(store());
    await seed(engine, 1);
    await purgeType(engine, 'forum-cleanup', 'active');
    await expect(assignPurgeType(engine, 'cli', ['s0'], 'deleted', 'forum-cleanup')).rejects.toMatchObject({
      code: 'LETHE_E_TYPE_STATUS_MISMATCH',
      message: expect.stringMatching(/'forum-cleanup'.*active.*deleted/),
    });
  });

  it('refuses a status other than suspended or deleted', async () => {
    const engine = testEngine(store());
    await seed(engine, 1);
    await expect(assignPurgeType(engine, 'cli', ['s0'], 'active' as 'deleted', null)).rejects.toMatchObject({
      code: 'LETHE_E_STATUS_INVALID',
      message: expect.stringContaining("'active'"),
    });
  });

  it('refuses unknown subjects and the anonymous user, changing nothing', async () => {
    const engine = testEngine(store());
    await seed(engine, 3);
    await purgeType(engine, 'purge-all', 'deleted');
    await expect(
      assignPurgeType(engine, 'cli', ['s0', 'ghost'], 'deleted', 'purge-all'),
    ).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
      message: expect.stringContaining("'ghost'"),
    });
    await engine.db.updateTable('subjects').set({ anonymous: 1 }).where('id', '=', 's2').execute();
    await expect(
      assignPurgeType(engine, 'cli', ['s0', 's1', 's2'], 'deleted', 'purge-all'),
    ).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_PROTECTED',
    });
    for (const id of ['s0', 's1', 's2']) expect((await getSubject(engine, id)).deletedPurgeTypeId).toBeNull();
    expect((await listAudit(engine, { action: 'subject.assign-purge-type' })).total).toBe(0);
  });
});
