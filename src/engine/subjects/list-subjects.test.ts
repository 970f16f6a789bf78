import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { Engine } from '../engine.js';
import { listLegacySubjects, listSubjects } from './list-subjects.js';
import { registerSubject } from './register-subject.js';

async function seed(engine: Engine) {
  const people = [
    { id: 'a1', username: 'ada', email: 'ada@example.org', fullName: 'Ada Lovelace', kind: 'staff' },
    { id: 'b2', username: 'bob_smith', email: 'bob@example.org', fullName: 'Bob Smith' },
    {
      id: 'c3',
      username: 'carol',
      email: 'carol@uni.test',
      fullName: 'Carol 100% Real',
      status: 'suspended',
    },
    { id: 'd4', username: 'dave', email: 'DAVE@Example.org', fullName: 'Dave Lovelace', status: 'deleted' },
    { id: 'e5', username: 'bobXsmith', email: 'e@x.test', fullName: 'Eve', legacy: true, status: 'deleted' },
    { id: 'ada', username: 'zed', email: 'z@x.test', fullName: 'Zed', kind: 'support' },
  ] as const;
  for (const p of people) await registerSubject(engine, 'cli', p);
  await engine.db.updateTable('subjects').set({ anonymous: 1 }).where('id', '=', 'd4').execute();
}

const ids = (page: { subjects: { id: string }[] }) => page.subjects.map((s) => s.id);

describeEachStore('listSubjects', ({ store }) => {
  it('lists by id, leaving out the anonymous user unless asked', async () => {
    const engine = testEngine(store());
    await seed(engine);
    expect(ids(await listSubjects(engine))).toEqual(['a1', 'ada', 'b2', 'c3', 'e5']);
    const all = await listSubjects(engine, { includeAnonymous: true });
    expect(all.total).toBe(6);
    expect(ids(all)).toContain('d4');
  });

  it('filters by status, kind and legacy', async () => {
    const engine = testEngine(store());
    await seed(engine);
    expect(ids(await listSubjects(engine, { status: 'suspended' }))).toEqual(['c3']);
    expect(ids(await listSubjects(engine, { status: 'deleted', includeAnonymous: true }))).toEqual([
      'd4',
      'e5',
    ]);
    expect(ids(await listSubjects(engine, { kind: 'staff' }))).toEqual(['a1']);
    expect(ids(await listSubjects(engine, { legacy: true }))).toEqual(['e5']);
    expect(ids(await listLegacySubjects(engine))).toEqual(['e5']);
    expect(ids(await listSubjects(engine, { legacy: false }))).toEqual(['a1', 'ada', 'b2', 'c3']);
  });

  it('searches the exact id, and username, email and full name case-insensitively', async () => {
    const engine = testEngine(store());
    await seed(engine);
    expect(ids(await listSubjects(engine, { search: 'ada' }))).toEqual(['a1', 'ada']);
    expect(ids(await listSubjects(engine, { search: 'c3' }))).toEqual(['c3']);
    expect(ids(await listSubjects(engine, { search: 'ARO' }))).toEqual(['c3']);
    expect(ids(await listSubjects(engine, { search: 'LOVELACE', includeAnonymous: true }))).toEqual([
      'a1',
      'd4',
    ]);
    expect(ids(await listSubjects(engine, { search: 'dave@example', includeAnonymous: true }))).toEqual([
      'd4',
    ]);
    expect(ids(await listSubjects(engine, { search: '@uni.' }))).toEqual(['c3']);
  });

  it('treats % and _ in a search literally', async () => {
    const engine = testEngine(store());
    await seed(engine);
    expect(ids(await listSubjects(engine, { search: 'bob_' }))).toEqual(['b2']);
    expect(ids(await listSubjects(engine, { search: '100%' }))).toEqual(['c3']);
    expect(ids(await listSubjects(engine, { search: '%' }))).toEqual(['c3']);
    expect(ids(await listSubjects(engine, { search: '\\' }))).toEqual([]);
  });

  it('pages with limit and offset, and counts the total', async () => {
    const engine = testEngine(store());
    await seed(engine);
    const page = await listSubjects(engine, { limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(ids(page)).toEqual(['ada', 'b2']);
    expect(ids(await listSubjects(engine, { limit: 2, offset: 4 }))).toEqual(['e5']);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ offset: -1 }, 'offset'],
  ])('refuses a bad page (%#)', async (query, field) => {
    const engine = testEngine(store());
    await expect(listSubjects(engine, query)).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      message: expect.stringContaining(`'${field}'`),
    });
  });

  it('refuses a bad status, naming it', async () => {
    const engine = testEngine(store());
    await expect(listSubjects(engine, { status: 'archived' as 'active' })).rejects.toMatchObject({
      code: 'LETHE_E_STATUS_INVALID',
      message: expect.stringContaining("'archived'"),
    });
  });
});
