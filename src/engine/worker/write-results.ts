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
    const owned = await confirmOwned(trx, workerId, [...new Set(results.map((r) => r.requestId))]);
    const rows = results
      .filter((r) => owned.has(r.requestId))
      .map((r) => ({
        request_id: r.requestId,
        item_key: r.key,
        mode: r.mode,
        status: r.result.status,
        count: r.result.count,
        message: r.result.message ?? null,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        duration_ms: r.durationMs,
      }));
    for (let i = 0; i < rows.length; i += chunk) {
      await trx
        .insertInto('request_items')
        .values(rows.slice(i, i + chunk))
        .onConflict((oc) => oc.columns(['request_id', 'item_key']).doNothing())
        .execute();
    }
    return owned;
  });
}
