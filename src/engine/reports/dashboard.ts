import { sql } from 'kysely';
import { LetheError } from '../../errors/index.js';
import type { ItemRunStatus, SubjectStatus } from '../../items/index.js';
import type { Engine } from '../engine.js';
import { dueAutomaticPurges } from '../purges/index.js';
import type { RequestKind, RequestOrigin, RequestStatus } from '../requests/index.js';

const dayMs = 24 * 60 * 60 * 1000;

/** At most this many open requests, failed items and subjects due a purge are listed. */
export const dashboardListLimit = 50;

/** How many requests of one kind were made on one day (UTC, YYYY-MM-DD) and are now in one status. */
export interface DashboardPoint {
  date: string;
  kind: RequestKind;
  status: RequestStatus;
  count: number;
}

/** A pending or running request, and how long ago it was made. */
export interface DashboardOpenRequest {
  id: number;
  kind: RequestKind;
  subjectId: string;
  /** The subject's full name, when the subject still exists. */
  subjectName: string | null;
  origin: RequestOrigin;
  status: RequestStatus;
  typeIdnumber: string | null;
  dryRun: boolean;
  createdAt: string;
  startedAt: string | null;
  ageSeconds: number;
}

/** An item that failed (`error`) or ran out of time (`timed-out`) in a request of the period. */
export interface DashboardFailedItem {
  requestId: number;
  subjectId: string;
  kind: RequestKind;
  itemKey: string;
  mode: string;
  status: ItemRunStatus;
  message: string | null;
  finishedAt: string | null;
}

/** A subject the next automatic purge scan will enqueue. */
export interface DashboardDuePurge {
  subjectId: string;
  fullName: string;
  status: SubjectStatus;
  /** The effective purge type's idnumber. */
  purgeType: string;
  purgeTypeId: number;
  /** When the subject's status last changed. */
  since: string;
}

export interface Dashboard {
  /** The period, in days, ending today (UTC). */
  days: number;
  /** The period's first moment: midnight UTC, `days - 1` days ago. */
  since: string;
  /** Requests made in the period, per day, kind and current status (days without requests are left out). */
  series: DashboardPoint[];
  /** How many requests are pending or running. */
  openTotal: number;
  /** The oldest 50 of them, oldest first. */
  openRequests: DashboardOpenRequest[];
  /** The latest 50 failed or timed-out items of requests made in the period, latest first. */
  failedItems: DashboardFailedItem[];
  /** Subjects due an automatic purge (the scan's rule; nothing is enqueued): how many, and the first 50. */
  duePurges: { total: number; subjects: DashboardDuePurge[] };
}

/** A whole number of days from 1 to 365 (30 when not given), or LETHE_E_INVALID_INPUT naming `days`. */
function checkDays(value: unknown): number {
  if (value === undefined) return 30;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 365) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'days must be a whole number from 1 to 365.', {
      field: 'days',
      value,
    });
  }
  return value;
}

/**
 * What needs attention, for the console's dashboard: the requests of the last `days` days (default 30) per day,
 * kind and status; the open requests and their age; the items that failed; and the subjects due an automatic purge.
 * Days are UTC days (the first ten characters of the ISO `created_at`, the same SQL on SQLite and PostgreSQL).
 */
export async function dashboardReport(engine: Engine, options: { days?: number } = {}): Promise<Dashboard> {
  const days = checkDays(options.days);
  const now = new Date();
  const since = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * dayMs,
  ).toISOString();

  const series = await sql<{ day: string; kind: string; status: string; n: number | string }>`
    select substr(created_at, 1, 10) as day, kind, status, count(*) as n
    from requests
    where kind in ('export', 'purge') and created_at >= ${since}
    group by substr(created_at, 1, 10), kind, status
    order by day, kind, status`.execute(engine.db);

  const openBase = engine.db.selectFrom('requests as r').where('r.status', 'in', ['pending', 'running']);
  const openCount = await openBase.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const open = await openBase
    .leftJoin('subjects as s', 's.id', 'r.subject_id')
    .leftJoin('export_types as et', 'et.id', 'r.export_type_id')
    .leftJoin('purge_types as pt', 'pt.id', 'r.purge_type_id')
    .select([
      'r.id',
      'r.kind',
      'r.subject_id',
      's.full_name',
      'r.origin',
      'r.status',
      'et.idnumber as export_type',
      'pt.idnumber as purge_type',
      'r.dry_run',
      'r.created_at',
      'r.started_at',
    ])
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(dashboardListLimit)
    .execute();

  const failed = await engine.db
    .selectFrom('requests as r')
    .innerJoin('request_items as i', 'i.request_id', 'r.id')
    .where('r.kind', 'in', ['export', 'purge'])
    .where('r.created_at', '>=', since)
    // Written out, not bound: only then can SQLite use the partial index of failed results (migration 009).
    .where(sql<boolean>`i.status in ('error', 'timed-out')`)
    .select([
      'r.id',
      'r.subject_id',
      'r.kind',
      'i.item_key',
      'i.mode',
      'i.status',
      'i.message',
      'i.finished_at',
    ])
    .orderBy(sql`coalesce(i.finished_at, r.created_at)`, 'desc')
    .orderBy('r.id', 'desc')
    .orderBy('i.item_key')
    .limit(dashboardListLimit)
    .execute();

  const due = await dueAutomaticPurges(engine, { limit: dashboardListLimit });
  const nowMs = now.getTime();
  return {
    days,
    since,
    series: series.rows.map((r) => ({
      date: r.day,
      kind: r.kind as RequestKind,
      status: r.status as RequestStatus,
      count: Number(r.n),
    })),
    openTotal: Number(openCount?.n ?? 0),
    openRequests: open.map((r) => ({
      id: Number(r.id),
      kind: r.kind as RequestKind,
      subjectId: r.subject_id,
      subjectName: r.full_name ?? null,
      origin: r.origin as RequestOrigin,
      status: r.status as RequestStatus,
      typeIdnumber: r.purge_type ?? r.export_type ?? null,
      dryRun: Number(r.dry_run) === 1,
      createdAt: r.created_at,
      startedAt: r.started_at,
      ageSeconds: Math.max(0, Math.floor((nowMs - Date.parse(r.created_at)) / 1000)),
    })),
    failedItems: failed.map((r) => ({
      requestId: Number(r.id),
      subjectId: r.subject_id,
      kind: r.kind as RequestKind,
      itemKey: r.item_key,
      mode: r.mode,
      status: r.status as ItemRunStatus,
      message: r.message,
      finishedAt: r.finished_at,
    })),
    duePurges: {
      total: due.total,
      subjects: due.subjects.map((s) => ({
        subjectId: s.subjectId,
        fullName: s.fullName,
        status: s.status,
        purgeType: s.typeIdnumber,
        purgeTypeId: s.typeId,
        since: s.since,
      })),
    },
  };
}
