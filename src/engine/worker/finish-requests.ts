import { isoNow, type RequestsTable } from '../../store/index.js';
import { markAnonymisedSupportUsers } from '../anonymisation/support-users/mark-anonymised-subjects.js';
import { recordAuditEach } from '../audit/index.js';
import type { Engine } from '../engine.js';
import {
  cancelRemainingItems,
  type RequestItemRow,
  type RequestRow,
  type RequestStatus,
  type RequestStep,
} from '../requests/index.js';

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
    const records = new Map<number, number>();
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
      const sums = await trx
        .selectFrom('request_items')
        .select(['request_id', (eb) => eb.fn.sum<number | string>('count').as('records')])
        .where('request_id', 'in', part)
        .groupBy('request_id')
        .execute();
      for (const row of sums) records.set(Number(row.request_id), Number(row.records ?? 0));
    }
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
    const dryRun = (id: number) => Number(held.find((f) => Number(f.row.id) === id)?.row.dry_run ?? 0) === 1;
    const counted = (id: number) => records.get(id) ?? 0;
    await recordAuditEach(
      trx,
      engine.store.dialect,
      finished,
      (f) => ({
        actor: 'system',
        action: 'request.finish',
        targetType: 'request',
        targetId: String(f.id),
        details: {
          kind: f.kind,
          subject: f.subjectId,
          status: f.status,
          records: counted(f.id),
          ...(dryRun(f.id) ? { dryRun: true } : {}),
          ...(f.error ? { error: f.error } : {}),
        },
      }),
      (all) => {
        const byStatus: Record<string, number> = {};
        for (const f of all) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
        return {
          actor: 'system',
          action: 'request.finish',
          targetType: 'requests',
          targetId: 'bulk',
          details: {
            count: all.length,
            byStatus,
            requests: all.map((f) => ({
              id: f.id,
              subject: f.subjectId,
              status: f.status,
              records: counted(f.id),
            })),
          },
        };
      },
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
 * Gives claimed requests back after the worker itself failed (not an item: the store, the file system): each goes
 * back to `pending` for another attempt, or ends `failed` when its attempts are used up.
 */
export async function releaseClaim(
  engine: Engine,
  workerId: string,
  rows: readonly RequestRow[],
  message: string,
): Promise<void> {
  const now = isoNow();
  for (const row of rows) {
    const exhausted = Number(row.attempts) >= Number(row.max_attempts);
    await engine.db
      .updateTable('requests')
      .set({
        status: exhausted ? 'failed' : 'pending',
        error: message,
        lease_owner: null,
        lease_expires_at: null,
        ...(exhausted ? { finished_at: now } : {}),
      })
      .where('id', '=', Number(row.id))
      .where('lease_owner', '=', workerId)
      .where('status', '=', 'running')
      .execute();
  }
}
