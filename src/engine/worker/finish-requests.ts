import { isoNow, type RequestsTable } from '../../store/index.js';
import { markAnonymisedSupportUsers } from '../anonymisation/support-users/mark-anonymised-subjects.js';
import type { Engine } from '../engine.js';
import {
  cancelRemainingItems,
  type RequestItemRow,
  type RequestRow,
  type RequestStatus,
  type RequestStep,
} from '../requests/index.js';
import { auditFinished, recordsCounted } from './audit-finished.js';
import { failRemainingItems } from './fail-remaining-items.js';
import { removePartialPackage } from './remove-partial-package.js';
import { retryAfter } from './retry-delay.js';

const chunk = 1000;

export interface Finish {
  row: RequestRow;
  /** Why the rest of the request stopped (cancelled, or the subject's status changed): the remaining items are cancelled. */
  stopped?: string;
  /** The request's steps, when the caller knows them (to cancel the remaining ones). */
  steps?: readonly RequestStep[];
  /** Columns to set as well (an export's file). */
  extra?: Partial<
    Pick<RequestsTable, 'file_path' | 'file_size' | 'file_sha256' | 'expires_at' | 'download_token'>
  >;
  /** Force this status (an export whose package could not be made). */
  status?: RequestStatus;
  error?: string;
}

export interface Finished {
  id: number;
  subjectId: string;
  kind: string;
  status: RequestStatus;
  error: string | null;
}

/** "forum/posts: error: the message; helpdesk/emails: timed-out: ..." for every failed item. */
export function failureSummary(
  items: readonly Pick<RequestItemRow, 'item_key' | 'status' | 'message'>[],
): string | null {
  const failed = items.filter((i) => i.status === 'error' || i.status === 'timed-out');
  if (failed.length === 0) return null;
  return `${failed.length} item${failed.length === 1 ? '' : 's'} failed: ${failed
    .map((i) => `${i.item_key} (${i.status}${i.message ? `: ${i.message}` : ''})`)
    .join('; ')}`;
}

/**
 * Ends requests this worker still holds: a stopped one becomes `cancelled` (its remaining items `cancelled`), one
 * cancelled while it ran stays `cancelled`, one with any item `error` or `timed-out` becomes `failed` (its error
 * names each failed item and why), and the rest `succeeded`. The lease is released, and `request.finish` is audited,
 * all in one transaction. Requests no longer held are left to the worker that holds them.
 */
export async function finishRequests(
  engine: Engine,
  workerId: string,
  finishes: readonly Finish[],
): Promise<Finished[]> {
  if (finishes.length === 0) return [];
  return engine.db.transaction().execute(async (trx) => {
    const ids = finishes.map((f) => Number(f.row.id));
    const current = new Map<number, string>();
    for (let i = 0; i < ids.length; i += chunk) {
      const rows = await trx
        .selectFrom('requests')
        .select(['id', 'status'])
        .where('id', 'in', ids.slice(i, i + chunk))
        .where('lease_owner', '=', workerId)
        .where('status', 'in', ['running', 'cancelled'])
        .execute();
      for (const row of rows) current.set(Number(row.id), row.status);
    }
    const held = finishes.filter((f) => current.has(Number(f.row.id)));
    for (const f of held) {
      const cancelledMeanwhile = current.get(Number(f.row.id)) === 'cancelled';
      if (f.stopped || cancelledMeanwhile) {
        await cancelRemainingItems(engine, trx, f.row, f.stopped ?? 'Cancelled before it ran.', f.steps);
      }
    }
    // Only what the outcome needs: the items that failed, and how many records each request counted.
    const items = new Map<number, Pick<RequestItemRow, 'item_key' | 'status' | 'message'>[]>();
    const heldIds = held.map((f) => Number(f.row.id));
    for (let i = 0; i < heldIds.length; i += chunk) {
      const part = heldIds.slice(i, i + chunk);
      const failed = await trx
        .selectFrom('request_items')
        .select(['request_id', 'item_key', 'status', 'message'])
        .where('request_id', 'in', part)
        .where('status', 'in', ['error', 'timed-out'])
        .execute();
      for (const row of failed) {
        const list = items.get(Number(row.request_id)) ?? [];
        list.push(row);
        items.set(Number(row.request_id), list);
      }
    }
    const records = await recordsCounted(trx, heldIds, chunk);
    const now = isoNow();
    const finished: Finished[] = [];
    const groups = new Map<string, { status: RequestStatus; error: string | null; ids: number[] }>();
    for (const f of held) {
      const id = Number(f.row.id);
      const dbStatus = current.get(id);
      let status: RequestStatus;
      let error: string | null;
      if (f.stopped) {
        status = 'cancelled';
        error = f.stopped;
      } else if (dbStatus === 'cancelled') {
        status = 'cancelled';
        error = f.row.error ?? 'Cancelled while it ran.';
      } else if (f.status) {
        status = f.status;
        error = f.error ?? failureSummary(items.get(id) ?? []);
      } else {
        error = failureSummary(items.get(id) ?? []);
        status = error ? 'failed' : 'succeeded';
      }
      finished.push({ id, subjectId: f.row.subject_id, kind: f.row.kind, status, error });
      if (f.extra || dbStatus === 'cancelled') {
        await trx
          .updateTable('requests')
          .set({
            ...(status === 'succeeded' ? (f.extra ?? {}) : {}),
            status,
            finished_at: now,
            ...(dbStatus === 'cancelled' && !f.stopped ? {} : { error }),
            lease_owner: null,
            lease_expires_at: null,
          })
          .where('id', '=', id)
          .execute();
        continue;
      }
      const key = `${status}\n${error ?? ''}`;
      const group = groups.get(key) ?? { status, error, ids: [] };
      group.ids.push(id);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      for (let i = 0; i < group.ids.length; i += chunk) {
        await trx
          .updateTable('requests')
          .set({
            status: group.status,
            error: group.error,
            finished_at: now,
            lease_owner: null,
            lease_expires_at: null,
          })
          .where('id', 'in', group.ids.slice(i, i + chunk))
          .execute();
      }
    }
    const dryRun = new Set(held.filter((f) => Number(f.row.dry_run) === 1).map((f) => Number(f.row.id)));
    await auditFinished(
      trx,
      engine.store.dialect,
      finished.map((f) => ({ ...f, records: records.get(f.id) ?? 0, dryRun: dryRun.has(f.id) })),
    );
    // Lethe's side of "Anonymize user" (the subject renamed here once the host's part succeeded) commits with the
    // requests' end: a worker killed between the two would leave it undone, with nothing left to run it again.
    const purged = finished.filter((f) => f.kind === 'purge' && f.status === 'succeeded').map((f) => f.id);
    if (purged.length > 0) {
      await markAnonymisedSupportUsers(engine, `worker:${workerId}`, { requestIds: purged }, trx);
    }
    return finished;
  });
}

/**
 * Gives claimed requests back after the worker itself failed (not an item: the store, the file system), in one
 * transaction, set-based, and only those this worker still holds (`running` under its lease). Each goes back to
 * `pending` for another attempt, with the error as its reason, claimable again after a pause that doubles with each
 * attempt used (`retry_after`, see retryAfter), or, when its attempts are used up (read on the
 * store's current row), ends `failed` with that error: each of its steps without a result gets an `error` result
 * saying why, and `request.finish` is audited. A failed export's half-made package is removed. Returns the requests
 * that ended.
 */
export async function releaseClaim(
  engine: Engine,
  workerId: string,
  rows: readonly RequestRow[],
  message: string,
): Promise<Finished[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const failed = await engine.db.transaction().execute(async (trx) => {
    const now = isoNow();
    const pause = retryAfter(engine.config.worker.retryDelaySeconds, Date.parse(now));
    const ended: RequestRow[] = [];
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      // Attempts used up, on the row as it is now: the request ends here.
      ended.push(
        ...(await trx
          .updateTable('requests')
          .set({
            status: 'failed',
            error: message,
            finished_at: now,
            lease_owner: null,
            lease_expires_at: null,
          })
          .where('id', 'in', part)
          .where('lease_owner', '=', workerId)
          .where('status', '=', 'running')
          .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
          .returningAll()
          .execute()),
      );
      // What this worker still holds has attempts left: back to the queue, claimable once its pause is over.
      await trx
        .updateTable('requests')
        .set((eb) => ({
          status: 'pending',
          error: message,
          lease_owner: null,
          lease_expires_at: null,
          retry_after: pause(eb),
        }))
        .where('id', 'in', part)
        .where('lease_owner', '=', workerId)
        .where('status', '=', 'running')
        .execute();
    }
    if (ended.length === 0) return ended;
    ended.sort((a, b) => Number(a.id) - Number(b.id));
    await failRemainingItems(
      engine,
      trx,
      ended,
      `Not finished: the request's attempts are used up, and its last attempt failed (${message}).`,
      now,
    );
    const records = await recordsCounted(
      trx,
      ended.map((r) => Number(r.id)),
      chunk,
    );
    await auditFinished(
      trx,
      engine.store.dialect,
      ended.map((row) => ({
        ...finishedOf(row, message),
        records: records.get(Number(row.id)) ?? 0,
        dryRun: Number(row.dry_run) === 1,
      })),
    );
    return ended;
  });
  // Only once the request has ended: an attempt given back for another try resumes its staged items. The requests
  // have ended whatever happens here: a package that cannot be removed (the files folder is what failed) is left,
  // and the sweep of expired packages never sees it, but throwing would only make the caller try to give back
  // requests that are no longer held.
  for (const row of failed) {
    if (row.kind !== 'export') continue;
    await removePartialPackage(engine, Number(row.id), { complete: true }).catch(() => undefined);
  }
  return failed.map((row) => finishedOf(row, message));
}

/** A request that a give-back ended: failed, with the attempt's error. */
function finishedOf(row: RequestRow, error: string): Finished {
  return { id: Number(row.id), subjectId: row.subject_id, kind: row.kind, status: 'failed', error };
}
