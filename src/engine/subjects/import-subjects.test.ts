import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import { listAudit } from '../audit/index.js';
import type { Engine } from '../engine.js';
import { getSubject } from './find-subjects.js';
import { importSubjects } from './import-subjects.js';
import { listSubjects } from './list-subjects.js';
import { statusHistory } from './status-history.js';

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const person = (i: number, extra: Record<string, unknown> = {}) =>
  line({ id: `s${i}`, username: `user${i}`, email: `user${i}@example.org`, fullName: `User ${i}`, ...extra });

async function countRows(engine: Engine, table: 'subjects' | 'subject_status_changes'): Promise<number> {
  const row = await engine.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function* asAsync(lines: string[]): AsyncIterable<string> {
  for (const l of lines) yield l;
}

describeEachStore('importSubjects', ({ store }) => {
  it('creates, updates and leaves unchanged by id, ignoring blank lines', async () => {
    const engine = testEngine(store());
    const first = await importSubjects(engine, 'cli', [person(1), '', person(2, { kind: 'staff' }), '   ']);
    expect(first).toEqual({ created: 2, updated: 0, unchanged: 0, errors: [] });
    const second = await importSubjects(
      engine,
      'cli',
      asAsync([person(1), line({ id: 's2', fullName: 'Renamed', status: 'suspended' }), person(3)]),
    );
    expect(second).toEqual({ created: 1, updated: 1, unchanged: 1, errors: [] });
    expect(await getSubject(engine, 's2')).toMatchObject({
      username: 'user2',
      fullName: 'Renamed',
      kind: 'staff',
      status: 'suspended',
    });
    expect((await statusHistory(engine, 's2')).map((h) => [h.from, h.to])).toEqual([
      [null, 'active'],
      ['active', 'suspended'],
    ]);
  });

  it('reports malformed lines by number and imports the rest', async () => {
    const engine = testEngine(store());
    const result = await importSubjects(engine, 'cli', [
      person(1),
      '{not json',
      '[1,2]',
      line({ id: 'new1', email: 'x@y.z', fullName: 'No Username' }),
      person(2, { status: 'gone' }),
      person(3, { colour: 'blue' }),
      person(4, { email: 'nope' }),
      '',
      person(5, { legacy: true, status: 'deleted', statusChangedAt: '2018-05-01T10:00:00Z' }),
    ]);
    expect(result.created).toBe(2);
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    const messages = result.errors.map((e) => e.message);
    expect(messages[0]).toMatch(/JSON/);
    expect(messages[1]).toMatch(/object/);
    expect(messages[2]).toMatch(/'new1'.*'username'/);
    expect(messages[3]).toContain("'gone'");
    expect(messages[4]).toContain("'colour'");
    expect(messages[5]).toContain("'email'");
    expect((await listSubjects(engine)).subjects.map((s) => s.id)).toEqual(['s1', 's5']);
    expect(await getSubject(engine, 's5')).toMatchObject({
      legacy: true,
      status: 'deleted',
      statusChangedAt: '2018-05-01T10:00:00.000Z',
    });
  });

  it('applies the same id twice in order', async () => {
    const engine = testEngine(store());
    const result = await importSubjects(engine, 'cli', [person(1), line({ id: 's1', fullName: 'Second' })]);
    expect(result).toEqual({ created: 1, updated: 1, unchanged: 0, errors: [] });
    expect((await getSubject(engine, 's1')).fullName).toBe('Second');
  });

  it('writes one audit event per chunk, summarising it, and reports progress', async () => {
    const engine = testEngine(store());
    const progress: number[] = [];
    await importSubjects(
      engine,
      'cli',
      Array.from({ length: 7 }, (_, i) => person(i)),
      { chunkSize: 3, onProgress: (p) => progress.push(p.created) },
    );
    const audit = await listAudit(engine, { action: 'subject.import' });
    expect(audit.total).toBe(3);
    expect(audit.events.map((e) => e.details['created'])).toEqual([1, 3, 3]);
    expect(progress).toEqual([3, 6, 7]);
  });

  it('imports 5,000 subjects', async () => {
    const engine = testEngine(store());
    const lines = Array.from({ length: 5000 }, (_, i) =>
      person(i, i % 10 === 0 ? { status: 'deleted' } : {}),
    );
    const result = await importSubjects(engine, 'cli', lines);
    expect(result).toEqual({ created: 5000, updated: 0, unchanged: 0, errors: [] });
    expect(await countRows(engine, 'subjects')).toBe(5000);
    expect((await listSubjects(engine, { status: 'deleted', limit: 1 })).total).toBe(500);
    expect((await listAudit(engine, { action: 'subject.import' })).total).toBe(10);
  });

  it('refuses changes to the anonymous user, line by line', async () => {
    const engine = testEngine(store());
    await importSubjects(engine, 'cli', [person(1), person(2)]);
    await engine.db.updateTable('subjects').set({ anonymous: 1 }).where('id', '=', 's1').execute();
    const result = await importSubjects(engine, 'cli', [
      person(1),
      person(1, { status: 'deleted' }),
      person(2, { fullName: 'Two' }),
    ]);
    expect(result.unchanged).toBe(1);
    expect(result.updated).toBe(1);
    expect(result.errors).toEqual([{ line: 2, message: expect.stringContaining('anonymous user') }]);
    expect((await getSubject(engine, 's1')).status).toBe('active');
  });

  it('refuses a bad chunk size', async () => {
    const engine = testEngine(store());
    await expect(importSubjects(engine, 'cli', [], { chunkSize: 0 })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
      message: expect.stringContaining("'chunkSize'"),
    });
  });

  it('never half-writes a chunk when the store fails', async () => {
    const engine = testEngine(store());
    if (engine.store.dialect === 'sqlite') {
      await sql`create trigger boom before insert on subjects when new.id = 's4'
        begin select raise(abort, 'boom'); end`.execute(engine.db);
    } else {
      await sql`create function boom() returns trigger language plpgsql as $$
        begin if new.id = 's4' then raise exception 'boom'; end if; return new; end $$`.execute(engine.db);
      await sql`create trigger boom before insert on subjects for each row execute function boom()`.execute(
        engine.db,
      );
    }
    const lines = Array.from({ length: 6 }, (_, i) => person(i + 1));
    await expect(importSubjects(engine, 'cli', lines, { chunkSize: 3 })).rejects.toThrow(/boom/);
    // The first chunk committed whole; the failed chunk left nothing: no subject, no history, no audit event.
    expect((await listSubjects(engine)).subjects.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(await countRows(engine, 'subject_status_changes')).toBe(3);
    expect((await listAudit(engine)).total).toBe(1);
  });
});
