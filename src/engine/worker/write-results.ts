import { sql } from 'kysely';
import type { ItemRunResult } from '../../items/index.js';
import { idList, type JsonColumn, jsonRows, type StoreDialect } from '../../store/index.js';
import type { Db, Engine } from '../engine.js';

export interface ItemResultRow {
  requestId: number;
  key: string;
  mode: string;
  result: ItemRunResult;
  startedAt: string | null;
  finishedAt: string;
  durationMs: number | null;
}

/**
 * The ids among these that this worker still holds (running, or cancelled while it ran). A read only: the lease is
 * kept alive by the heartbeat, so another worker can take a request over only after this one stopped answering.
 */
export async function confirmOwned(
  db: Db,
  dialect: StoreDialect,
  workerId: string,
  ids: readonly number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('requests')
    .select('id')
    .where('id', 'in', idList(dialect, ids))
    .where('lease_owner', '=', workerId)
    .where('status', 'in', ['running', 'cancelled'])
    .execute();
  return new Set(rows.map((row) => Number(row.id)));
}

/** Rows that share everything but the request, the status, the count and the message (one item's run). */
function sameRun(results: readonly ItemResultRow[]): Map<string, ItemResultRow[]> {
  const runs = new Map<string, ItemResultRow[]>();
  for (const r of results) {
    const key = `${r.key}\n${r.mode}\n${r.startedAt}\n${r.finishedAt}\n${r.durationMs}`;
    const list = runs.get(key) ?? [];
    list.push(r);
    runs.set(key, list);
  }
  return runs;
}

const resultColumns: JsonColumn[] = [
  { name: 'request_id', type: 'integer' },
  { name: 'status', type: 'text' },
  { name: 'count', type: 'integer' },
  { name: 'message', type: 'text' },
];

/**
 * Inserts the result rows of one item's run, for the requests this worker still holds, in ONE statement whatever
 * the batch's size: what the rows share is bound once, the rest (request, status, count, message) comes as one
 * JSON parameter, and the join with `requests` keeps only the held ones (running, or cancelled while it ran). An
 * existing row is kept. Returns the requests whose row it inserted. `cross join` makes SQLite read the values first
 * and look each request up by its key; a plain join let it scan the values once per running request.
 */
async function insertHeld(
  db: Db,
  dialect: StoreDialect,
  workerId: string,
  rows: readonly ItemResultRow[],
): Promise<Set<number>> {
  const first = rows[0] as ItemResultRow;
  const values = jsonRows(
    dialect,
    resultColumns,
    rows.map((r) => [r.requestId, r.result.status, r.result.count, r.result.message ?? null]),
  );
  const inserted = await sql<{ request_id: number | string }>`insert into request_items
      (request_id, item_key, mode, status, count, message, started_at, finished_at, duration_ms)
    select v.request_id, cast(${first.key} as varchar(255)), cast(${first.mode} as varchar(16)), v.status, v.count,
      v.message, cast(${first.startedAt} as varchar(32)), cast(${first.finishedAt} as varchar(32)),
      cast(${first.durationMs} as integer)
    from ${values} as v
    cross join requests as r
    where r.id = v.request_id and r.lease_owner = ${workerId} and r.status in ('running', 'cancelled')
    on conflict (request_id, item_key) do nothing
    returning request_id`.execute(db);
  return new Set(inserted.rows.map((row) => Number(row.request_id)));
}

/**
 * Writes one item's results, one row per request, right after the item finished, and only for the requests this
 * worker still holds (a request whose lease ran out and was taken over belongs to its new worker). An existing row
 * is kept: each item of a request has exactly one result. Returns the requests still held.
 * Holding is read, not locked: the lease is kept alive by the LeaseKeeper's heartbeat, so a request is taken over
 * only after its lease ran out, and then the primary key still keeps one result per item. The usual case is one
 * statement (the insert tells which requests are held); only when a row was not inserted is holding read apart, to
 * tell a request taken over from one whose row was already there.
 */
export async function writeItemResults(
  engine: Engine,
  workerId: string,
  results: readonly ItemResultRow[],
): Promise<Set<number>> {
  if (results.length === 0) return new Set();
  const dialect = engine.store.dialect;
  const runs = [...sameRun(results).values()];
  const write = async (db: Db) => {
    const owned = new Set<number>();
    for (const run of runs) for (const id of await insertHeld(db, dialect, workerId, run)) owned.add(id);
    const ids = [...new Set(results.map((r) => r.requestId))];
    const unsure = ids.filter((id) => !owned.has(id));
    if (unsure.length > 0) for (const id of await confirmOwned(db, dialect, workerId, unsure)) owned.add(id);
    return owned;
  };
  return runs.length === 1 ? write(engine.db) : engine.db.transaction().execute(write);
}
