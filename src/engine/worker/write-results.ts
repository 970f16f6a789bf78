import { sql } from 'kysely';
import type { ItemRunResult } from '../../items/index.js';
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

const chunk = 1000;

/**
 * The ids among these that this worker still holds (running, or cancelled while it ran). A read only: the lease is
 * kept alive by the heartbeat, so another worker can take a request over only after this one stopped answering.
 */
export async function confirmOwned(db: Db, workerId: string, ids: readonly number[]): Promise<Set<number>> {
  const owned = new Set<number>();
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await db
      .selectFrom('requests')
      .select('id')
      .where('id', 'in', ids.slice(i, i + chunk))
      .where('lease_owner', '=', workerId)
      .where('status', 'in', ['running', 'cancelled'])
      .execute();
    for (const row of rows) owned.add(Number(row.id));
  }
  return owned;
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

/**
 * Inserts the result rows of one item's run, only for requests this worker holds, and returns the requests it
 * inserted for. What the rows share is bound once; each row brings only its request, status, count and message,
 * as a VALUES list joined to the requests it must still hold (the same SQL on SQLite and PostgreSQL).
 */
async function insertRun(db: Db, workerId: string, rows: readonly ItemResultRow[]): Promise<Set<number>> {
  const first = rows[0] as ItemResultRow;
  const values = sql.join(
    rows.map(
      (r) => sql`(${r.requestId}, ${r.result.status}, ${r.result.count}, ${r.result.message ?? null})`,
    ),
  );
  const inserted = await sql<{ request_id: number | string }>`insert into request_items
      (request_id, item_key, mode, status, count, message, started_at, finished_at, duration_ms)
    select r.id, cast(${first.key} as varchar(255)), cast(${first.mode} as varchar(16)), cast(v.column2 as varchar(16)),
      cast(v.column3 as integer), cast(v.column4 as text), cast(${first.startedAt} as varchar(32)),
      cast(${first.finishedAt} as varchar(32)), cast(${first.durationMs} as integer)
    from (values ${values}) as v join requests as r on r.id = cast(v.column1 as integer)
    where r.lease_owner = ${workerId} and r.status in ('running', 'cancelled')
    on conflict (request_id, item_key) do nothing
    returning request_id`.execute(db);
  return new Set(inserted.rows.map((row) => Number(row.request_id)));
}

/**
 * Writes one item's results, one row per request, right after the item finished, in one transaction, and only for
 * the requests this worker still holds (a request whose lease ran out and was taken over belongs to its new
 * worker). An existing row is kept: each item of a request has exactly one result. Returns the requests still held.
 * (The lease itself is kept alive by the LeaseKeeper's heartbeat.)
 */
export async function writeItemResults(
  engine: Engine,
  workerId: string,
  results: readonly ItemResultRow[],
): Promise<Set<number>> {
  if (results.length === 0) return new Set();
  return engine.db.transaction().execute(async (trx) => {
    const owned = new Set<number>();
    for (const run of sameRun(results).values()) {
      for (let i = 0; i < run.length; i += chunk) {
        for (const id of await insertRun(trx, workerId, run.slice(i, i + chunk))) owned.add(id);
      }
    }
    // A request with no new row either is no longer held, or already had this result (kept): ask for those only.
    const rest = [...new Set(results.map((r) => r.requestId))].filter((id) => !owned.has(id));
    if (rest.length > 0) for (const id of await confirmOwned(trx, workerId, rest)) owned.add(id);
    return owned;
  });
}
