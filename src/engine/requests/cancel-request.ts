import { sql } from 'kysely';
import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Db, Engine } from '../engine.js';
import { getRequest } from './get-request.js';
import {
  finishedStatuses,
  type LetheRequest,
  type RequestRow,
  type RequestStatus,
  requestId,
  unknownRequest,
} from './request-model.js';
import { type RequestStep, requestSteps } from './request-plan.js';

/**
 * Writes a result with this status (`cancelled`, or `timed-out` when the request ran out of attempts) for every
 * step of the request that has no result yet.
 */
export async function closeRemainingItems(
  engine: Engine,
  db: Db,
  row: RequestRow,
  options: { status: 'cancelled' | 'timed-out'; message: string; steps?: readonly RequestStep[] | undefined },
): Promise<void> {
  const steps = options.steps ?? (await requestSteps(engine, db, row));
  const done = new Set(
    (
      await db
        .selectFrom('request_items')
        .select('item_key')
        .where('request_id', '=', Number(row.id))
        .execute()
    ).map((r) => r.item_key),
  );
  const now = isoNow();
  const rows = steps
    .filter((s) => !done.has(s.key))
    .map((s) => ({
      request_id: Number(row.id),
      item_key: s.key,
      mode: s.mode,
      status: options.status,
      count: 0,
      message: options.message,
      started_at: null,
      finished_at: now,
      duration_ms: null,
    }));
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('request_items')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['request_id', 'item_key']).doNothing())
      .execute();
  }
}

/** Writes a `cancelled` result for every step of the request that has no result yet. */
export function cancelRemainingItems(
  engine: Engine,
  db: Db,
  row: RequestRow,
  message: string,
  steps?: readonly RequestStep[],
): Promise<void> {
  return closeRemainingItems(engine, db, row, { status: 'cancelled', message, steps });
}

/**
 * Cancels a request. A pending one stops at once (every item `cancelled`); a running one stops before its next
 * item, and its worker marks the remaining items `cancelled`. LETHE_E_REQUEST_UNKNOWN, LETHE_E_REQUEST_FINISHED.
 */
export async function cancelRequest(
  engine: Engine,
  actor: Actor,
  id: number | string,
): Promise<LetheRequest> {
  const key = requestId(id);
  await engine.db.transaction().execute(async (trx) => {
    const row =
      engine.store.dialect === 'postgres'
        ? (await sql<RequestRow>`select * from requests where id = ${key} for update`.execute(trx)).rows[0]
        : await trx.selectFrom('requests').selectAll().where('id', '=', key).executeTakeFirst();
    if (!row) throw unknownRequest(key);
    const status = row.status as RequestStatus;
    if (finishedStatuses.includes(status)) {
      throw new LetheError(
        'LETHE_E_REQUEST_FINISHED',
        `Request ${key} has already finished (${status}): there is nothing to cancel.`,
        { id: key, status },
      );
    }
    const message = `Cancelled by ${actor}.`;
    const now = isoNow();
    if (status === 'pending') {
      await trx
        .updateTable('requests')
        .set({
          status: 'cancelled',
          finished_at: now,
          error: message,
          lease_owner: null,
          lease_expires_at: null,
          // A request waiting for its retry will never be tried again.
          retry_after: null,
        })
        .where('id', '=', key)
        .execute();
      await cancelRemainingItems(engine, trx, row, message);
    } else {
      // The worker sees this before its next item and cancels the rest.
      await trx
        .updateTable('requests')
        .set({ status: 'cancelled', error: message })
        .where('id', '=', key)
        .execute();
    }
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'request.cancel',
      targetType: 'request',
      targetId: String(key),
      details: { kind: row.kind, subject: row.subject_id, was: status },
    });
  });
  return getRequest(engine, key);
}
