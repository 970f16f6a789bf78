import { type Insertable, sql } from 'kysely';
import { expect, it } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { RequestItemsTable, RequestsTable } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { registerSubject } from '../subjects/index.js';
import { exportsReport, purgesReport, streamReport } from './index.js';

const rowCount = 100_000;
/** Rows per multi-row insert: under SQLite's 32,766 bound parameters at nine columns a row. */
const batch = 3000;
const statuses = ['failed', 'expired', 'cancelled', 'timed-out'] as const;
const subjects = 20;

type Minimal = Pick<
  Insertable<RequestsTable>,
  'kind' | 'subject_id' | 'origin' | 'status' | 'requested_by' | 'created_at' | 'subject_status'
> &
  Partial<Insertable<RequestsTable>>;

/** Inserts requests in multi-row statements inside one transaction. */
async function insertRequests(engine: Engine, count: number, make: (i: number) => Minimal): Promise<void> {
  await engine.db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += batch) {
      const rows: Minimal[] = [];
      for (let i = start; i < Math.min(count, start + batch); i++) rows.push(make(i));
      await trx
        .insertInto('requests')
        .values(rows as Insertable<RequestsTable>[])
        .execute();
    }
  });
  // Fresh statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would keep them after a bulk load.
  // Only this store's tables: a bare ANALYZE on PostgreSQL would visit every schema, other tests' included.
  await sql`analyze requests`.execute(engine.db);
}

async function seedSubjects(engine: Engine): Promise<void> {
  for (let i = 0; i < subjects; i++) {
    await registerSubject(engine, 'cli', {
      id: `u${i}`,
      username: `user${i}`,
      email: `user${i}@x.test`,
      fullName: `User, "${i}"`,
      status: 'deleted',
    });
  }
}

const base = Date.parse('2024-01-01T00:00:00.000Z');
/** Three requests share each second, so the keyset's tie-breaker matters. */
const createdAt = (i: number) => new Date(base + Math.floor(i / 3) * 1000).toISOString();

/** Counts CRLF-ended records and reads each record's first field, chunk by chunk, never holding the whole text. */
async function countCsv(
  stream: AsyncIterable<string>,
): Promise<{ records: number; chunks: number; ids: number[] }> {
  let records = 0;
  let chunks = 0;
  let rest = '';
  const ids: number[] = [];
  for await (const chunk of stream) {
    chunks++;
    const lines = (rest + chunk).split('\r\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (records > 0) ids.push(Number(line.slice(0, line.indexOf(','))));
      records++;
    }
  }
  expect(rest).toBe('');
  return { records, chunks, ids };
}

describeEachStore('reports over 100,000 rows', ({ store }) => {
  it('streams every export as CSV by keyset pages, and pages through them with limit and offset', async () => {
    const engine = testEngine(store());
    await seedSubjects(engine);
    await insertRequests(engine, rowCount, (i) => ({
      kind: 'export',
      subject_id: `u${i % subjects}`,
      origin: i % 2 === 0 ? 'admin' : 'self',
      status: statuses[i % statuses.length] ?? 'failed',
      export_type_id: 1,
      requested_by: 'cli:test',
      created_at: createdAt(i),
      subject_status: 'deleted',
      error: i % 1000 === 0 ? 'line one\nline "two", with a comma' : null,
    }));

    const streamed = await countCsv(streamReport(engine, 'exports', {}, 'csv'));
    expect(streamed.records).toBe(rowCount + 1);
    expect(streamed.chunks).toBeGreaterThanOrEqual(rowCount / 1000);

    const paged: number[] = [];
    for (let offset = 0; offset < rowCount; offset += 1000) {
      const page = await exportsReport(engine, { limit: 1000, offset, sort: 'createdAt:desc' });
      expect(page.total).toBe(rowCount);
      expect(page.rows).toHaveLength(1000);
      for (const row of page.rows) paged.push(row.id);
    }
    expect(new Set(paged).size).toBe(rowCount);
    // The stream and the pages give the same rows in the same order (newest first, ties by id).
    expect(paged).toEqual(streamed.ids);
    expect((await exportsReport(engine, { limit: 1000, offset: rowCount })).rows).toEqual([]);
  });

  it('streams 100,000 purge results, one CSV record per request and item', async () => {
    const engine = testEngine(store());
    await seedSubjects(engine);
    const requests = rowCount / 2;
    await insertRequests(engine, requests, (i) => ({
      kind: 'purge',
      subject_id: `u${i % subjects}`,
      origin: 'automatic:deleted',
      status: statuses[i % statuses.length] ?? 'failed',
      requested_by: 'system',
      created_at: createdAt(i),
      subject_status: 'deleted',
    }));
    const ids = (await engine.db.selectFrom('requests').select('id').orderBy('id').execute()).map((r) =>
      Number(r.id),
    );
    await engine.db.transaction().execute(async (trx) => {
      for (let start = 0; start < ids.length; start += batch / 2) {
        const items: Insertable<RequestItemsTable>[] = ids.slice(start, start + batch / 2).flatMap((id) => [
          {
            request_id: id,
            item_key: 'forum/posts',
            mode: 'delete',
            status: 'success',
            count: id % 7,
            message: null,
          },
          {
            request_id: id,
            item_key: 'blog/entries',
            mode: 'anonymise',
            status: 'error',
            count: 0,
            message: 'a, "b"',
          },
        ]);
        await trx.insertInto('request_items').values(items).execute();
      }
    });
    await sql`analyze request_items`.execute(engine.db);

    const streamed = await countCsv(streamReport(engine, 'purges', { sort: 'id:asc' }, 'csv'));
    expect(streamed.records).toBe(rowCount + 1);
    expect(streamed.ids).toEqual(ids.flatMap((id) => [id, id]));

    for (const offset of [0, requests / 2, requests - 1000]) {
      const page = await purgesReport(engine, { limit: 1000, offset, sort: 'id:asc' });
      expect(page.total).toBe(requests);
      expect(page.rows.map((r) => r.id)).toEqual(ids.slice(offset, offset + 1000));
      expect(page.rows.every((r) => r.items.length === 2)).toBe(true);
    }
  });
});
