import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../../store/index.js';
import type { Db, Engine } from '../engine.js';
import type { RequestRow } from '../requests/index.js';

/**
 * Pending (and, if it was given back after a failed attempt, its pause is over), or running under a lease that has
 * run out (its worker died), with attempts left.
 */
function claimable(now: string) {
  return (eb: ExpressionBuilder<Database, 'requests'>) =>
    eb.and([
      eb.or([
        eb.and([
          eb('status', '=', 'pending'),
          eb.or([eb('retry_after', 'is', null), eb('retry_after', '<=', now)]),
        ]),
        eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)]),
      ]),
      eb('attempts', '<', eb.ref('max_attempts')),
    ]);
}

interface Head {
  id: number;
  origin: string;
  purge_type_id: number | null;
  dry_run: number;
}

/** Automatic purges of one type run together, in batches. */
function batchable(head: Head): boolean {
  return head.origin.startsWith('automatic:') && head.purge_type_id !== null && Number(head.dry_run) === 0;
}

function leaseUntil(engine: Engine, from = Date.now()): string {
  return new Date(from + engine.config.worker.leaseSeconds * 1000).toISOString();
}

export function newLeaseExpiry(engine: Engine): string {
  return leaseUntil(engine);
}

function byQueueOrder(a: RequestRow, b: RequestRow): number {
  return a.created_at.localeCompare(b.created_at) || Number(a.id) - Number(b.id);
}

async function takeHead(db: Db, now: string, lock: boolean): Promise<Head | undefined> {
  const row = await db
    .selectFrom('requests')
    .select(['id', 'origin', 'purge_type_id', 'dry_run'])
    .where(claimable(now))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .$if(lock, (qb) => qb.forUpdate().skipLocked())
    .executeTakeFirst();
  return row
    ? {
        id: Number(row.id),
        origin: row.origin,
        purge_type_id: row.purge_type_id === null ? null : Number(row.purge_type_id),
        dry_run: Number(row.dry_run),
      }
    : undefined;
}

async function markClaimed(db: Db, engine: Engine, workerId: string, ids: number[], now: string) {
  return db
    .updateTable('requests')
    .set((eb) => ({
      status: 'running',
      lease_owner: workerId,
      lease_expires_at: leaseUntil(engine),
      attempts: eb('attempts', '+', 1),
      started_at: sql<string>`coalesce(started_at, ${now})`,
      retry_after: null,
    }))
    .where('id', 'in', ids)
    .where(claimable(now))
    .returningAll()
    .execute();
}

async function claimPostgres(engine: Engine, workerId: string): Promise<RequestRow[]> {
  return engine.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const head = await takeHead(trx, now, true);
    if (!head) return [];
    const ids = [head.id];
    if (batchable(head) && engine.config.worker.batchSize > 1) {
      const more = await trx
        .selectFrom('requests')
        .select('id')
        .where(claimable(now))
        .where('origin', 'like', 'automatic:%')
        .where('purge_type_id', '=', head.purge_type_id)
        .where('dry_run', '=', 0)
        .where('id', '<>', head.id)
        .orderBy('created_at')
        .orderBy('id')
        .limit(engine.config.worker.batchSize - 1)
        .forUpdate()
        .skipLocked()
        .execute();
      ids.push(...more.map((r) => Number(r.id)));
    }
    return markClaimed(trx, engine, workerId, ids, now);
  });
}

async function claimSqlite(engine: Engine, workerId: string): Promise<RequestRow[]> {
  // A single conditional UPDATE is atomic on SQLite; if another process took the head meanwhile, look again.
  for (let tries = 0; tries < 20; tries++) {
    const now = new Date().toISOString();
    const head = await takeHead(engine.db, now, false);
    if (!head) return [];
    const batch = batchable(head) && engine.config.worker.batchSize > 1;
    const rows = await engine.db
      .updateTable('requests')
      .set((eb) => ({
        status: 'running',
        lease_owner: workerId,
        lease_expires_at: leaseUntil(engine),
        attempts: eb('attempts', '+', 1),
        started_at: sql<string>`coalesce(started_at, ${now})`,
        retry_after: null,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('requests')
          .select('id')
          .where(claimable(now))
          .$if(batch, (qb) =>
            qb
              .where('origin', 'like', 'automatic:%')
              .where('purge_type_id', '=', head.purge_type_id)
              .where('dry_run', '=', 0),
          )
          .$if(!batch, (qb) => qb.where('id', '=', head.id))
          .orderBy('created_at')
          .orderBy('id')
          .limit(batch ? engine.config.worker.batchSize : 1),
      )
      .where(claimable(now))
      .returningAll()
      .execute();
    if (rows.length > 0) return rows;
  }
  return [];
}

/**
 * Claims the next work: the oldest claimable request, and, when it is an automatic purge, up to `batchSize`
 * claimable automatic purges of the same type with it. Each claimed request is `running` under this worker's lease
 * (lease_owner, lease_expires_at = now + leaseSeconds) with one more attempt, and no `retry_after` left. PostgreSQL claims with
 * `FOR UPDATE SKIP LOCKED`, so any number of workers share the queue; SQLite with one conditional UPDATE.
 */
export async function claimWork(engine: Engine, workerId: string): Promise<RequestRow[]> {
  const rows =
    engine.store.dialect === 'postgres'
      ? await claimPostgres(engine, workerId)
      : await claimSqlite(engine, workerId);
  return rows.sort(byQueueOrder);
}
