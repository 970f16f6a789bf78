import type { StoreDialect } from '../../store/index.js';
import { recordAuditEach } from '../audit/index.js';
import type { Db } from '../engine.js';

/** A request as it ended, for its `request.finish` audit event. */
export interface EndedRequest {
  id: number;
  subjectId: string;
  kind: string;
  status: string;
  error: string | null;
  /** Records its item results counted. */
  records: number;
  dryRun: boolean;
}

/** How many records each request's item results counted (the sum of their counts), for up to `chunk` ids a query. */
export async function recordsCounted(
  db: Db,
  ids: readonly number[],
  chunk = 1000,
): Promise<Map<number, number>> {
  const records = new Map<number, number>();
  for (let i = 0; i < ids.length; i += chunk) {
    const sums = await db
      .selectFrom('request_items')
      .select(['request_id', (eb) => eb.fn.sum<number | string>('count').as('records')])
      .where('request_id', 'in', ids.slice(i, i + chunk))
      .groupBy('request_id')
      .execute();
    for (const row of sums) records.set(Number(row.request_id), Number(row.records ?? 0));
  }
  return records;
}

/**
 * `request.finish` for each request that ended, by the system: one event each, or one bulk event listing them all
 * above recordAuditEach's limit. However a request ended (finished by its worker, given back with its attempts
 * used up), its event says the same things: kind, subject, status, records counted, dry run, error.
 */
export async function auditFinished(
  db: Db,
  dialect: StoreDialect,
  ended: readonly EndedRequest[],
): Promise<void> {
  await recordAuditEach(
    db,
    dialect,
    ended,
    (r) => ({
      actor: 'system',
      action: 'request.finish',
      targetType: 'request',
      targetId: String(r.id),
      details: {
        kind: r.kind,
        subject: r.subjectId,
        status: r.status,
        records: r.records,
        ...(r.dryRun ? { dryRun: true } : {}),
        ...(r.error ? { error: r.error } : {}),
      },
    }),
    (all) => {
      const byStatus: Record<string, number> = {};
      for (const r of all) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const errors = new Set(all.map((r) => r.error));
      const [shared] = errors;
      return {
        actor: 'system',
        action: 'request.finish',
        targetType: 'requests',
        targetId: 'bulk',
        details: {
          count: all.length,
          byStatus,
          // One error for all (a give-back) is said once; different ones stay with their requests.
          ...(errors.size === 1 && shared ? { error: shared } : {}),
          requests: all.map((r) => ({
            id: r.id,
            subject: r.subjectId,
            status: r.status,
            records: r.records,
            ...(errors.size > 1 && r.error ? { error: r.error } : {}),
          })),
        },
      };
    },
  );
}
