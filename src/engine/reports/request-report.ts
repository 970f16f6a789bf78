import { type SqlBool, sql } from 'kysely';
import type { Db } from '../engine.js';
import type { ParsedReportQuery, PurgesSortColumn, ReportSort } from './report-query.js';
import type { PageRequest } from './report-source.js';
import {
  afterKeyset,
  allOf,
  type Condition,
  dateConditions,
  inList,
  lookupKey,
  plainKey,
  type SortExpression,
  textKey,
} from './report-sql.js';
import type { TypeFilter } from './type-filter.js';

/** How many requests a report's filters match. */
export async function countRequests(db: Db, where: Condition): Promise<number> {
  const row = await db
    .selectFrom('requests as r')
    .where(where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The ids of one page of a request report, from `requests` alone, so that an offset skips keys rather than joined
 * rows. The report then joins what it shows onto these ids.
 */
export function requestPageIds(
  db: Db,
  where: Condition,
  sort: ReportSort,
  sortKey: SortExpression,
  request: PageRequest,
) {
  let keys = db.selectFrom('requests as r').where(where);
  if (request.after) keys = keys.where(afterKeyset(sort, sortKey, 'r.id', request.after));
  return keys
    .select('r.id')
    .orderBy(sortKey, sort.direction)
    .orderBy('r.id', sort.direction)
    .limit(request.limit)
    .offset(request.offset ?? 0);
}

/** The filters shared by the exports and purges reports, on `requests as r`. */
export function requestConditions(
  kind: 'export' | 'purge',
  query: ParsedReportQuery,
  type: TypeFilter | undefined,
): Condition {
  const typeColumn = kind === 'export' ? 'r.export_type_id' : 'r.purge_type_id';
  const conditions: Condition[] = [sql<SqlBool>`r.kind = ${kind}`, ...inList('r.status', query.statuses)];
  if (query.origin !== undefined) conditions.push(sql<SqlBool>`r.origin = ${query.origin}`);
  if (query.subject !== undefined) conditions.push(sql<SqlBool>`r.subject_id = ${query.subject}`);
  if (query.kind !== undefined) {
    conditions.push(sql<SqlBool>`r.subject_id in (select k.id from subjects k where k.kind = ${query.kind})`);
  }
  if (type === 'none') conditions.push(sql<SqlBool>`${sql.ref(typeColumn)} is null`);
  else if (type !== undefined) conditions.push(sql<SqlBool>`${sql.ref(typeColumn)} = ${type.id}`);
  if (query.dryRun !== undefined) conditions.push(sql<SqlBool>`r.dry_run = ${query.dryRun ? 1 : 0}`);
  conditions.push(...dateConditions('r.created_at', query));
  return allOf(conditions);
}

/** The sort expressions of a request report: each reads `requests as r` only. */
export function requestSortKeys(
  typeTable: 'export_types' | 'purge_types',
): Record<PurgesSortColumn, SortExpression> {
  const subjectId = sql`r.subject_id`;
  const typeId = typeTable === 'export_types' ? sql`r.export_type_id` : sql`r.purge_type_id`;
  return {
    id: plainKey('r.id'),
    createdAt: plainKey('r.created_at'),
    startedAt: textKey('r.started_at'),
    finishedAt: textKey('r.finished_at'),
    status: plainKey('r.status'),
    origin: plainKey('r.origin'),
    subjectId: plainKey('r.subject_id'),
    username: lookupKey('subjects', 'username', subjectId),
    fullName: lookupKey('subjects', 'full_name', subjectId),
    email: lookupKey('subjects', 'email', subjectId),
    type: lookupKey(typeTable, 'idnumber', typeId),
  };
}

/** The columns every request report selects, as one row of the join. */
export interface RequestJoinRow {
  id: number;
  subject_id: string;
  username: string | null;
  full_name: string | null;
  email: string | null;
  subject_kind: string | null;
  origin: string;
  status: string;
  type_id: number | null;
  type_idnumber: string | null;
  type_name: string | null;
  requested_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  error: string | null;
  sort_key: string | number;
}

/** The fields every request report row has. */
export interface RequestReportRow {
  /** The request's id. */
  id: number;
  subjectId: string;
  /** The subject's username, full name, email and kind (null if the subject row is gone). */
  username: string | null;
  fullName: string | null;
  email: string | null;
  subjectKind: string | null;
  origin: string;
  status: string;
  typeId: number | null;
  /** The type's idnumber and name (null without a type, or when the type has been deleted). */
  typeIdnumber: string | null;
  typeName: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: string | null;
}

export function toRequestReportRow(row: RequestJoinRow): RequestReportRow {
  return {
    id: Number(row.id),
    subjectId: row.subject_id,
    username: row.username,
    fullName: row.full_name,
    email: row.email,
    subjectKind: row.subject_kind,
    origin: row.origin,
    status: row.status,
    typeId: row.type_id === null ? null : Number(row.type_id),
    typeIdnumber: row.type_idnumber,
    typeName: row.type_name,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: Number(row.attempts),
    error: row.error,
  };
}

export const requestCsvHeader = [
  'request_id',
  'created_at',
  'status',
  'origin',
  'subject_id',
  'username',
  'full_name',
  'email',
  'subject_kind',
  'type_idnumber',
  'type_name',
  'requested_by',
  'started_at',
  'finished_at',
  'attempts',
  'error',
] as const;

export function requestCsvCells(row: RequestReportRow): unknown[] {
  return [
    row.id,
    row.createdAt,
    row.status,
    row.origin,
    row.subjectId,
    row.username,
    row.fullName,
    row.email,
    row.subjectKind,
    row.typeIdnumber,
    row.typeName,
    row.requestedBy,
    row.startedAt,
    row.finishedAt,
    row.attempts,
    row.error,
  ];
}
