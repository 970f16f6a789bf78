import { type SqlBool, sql } from 'kysely';
import type { Engine } from '../engine.js';
import { readSettings } from '../settings/index.js';
import {
  type DeletedSortColumn,
  type ParsedReportQuery,
  parseReportQuery,
  type ReportQuery,
} from './report-query.js';
import type { PageRequest, ReportPage, ReportSource } from './report-source.js';
import {
  afterKeyset,
  allOf,
  type Condition,
  dateConditions,
  lookupKey,
  plainKey,
  type SortExpression,
  type SortKey,
} from './report-sql.js';
import { resolveTypeFilter } from './type-filter.js';

/** A deleted subject, the purge type that applies to it, and its last successful purge. */
export interface DeletedSubjectReportRow {
  subjectId: string;
  username: string;
  fullName: string;
  email: string;
  kind: string;
  /** Deleted before Lethe managed it: never purged automatically. */
  legacy: boolean;
  /** When its status became `deleted`. */
  deletedAt: string;
  /** The effective purge type: the subject's own for `deleted`, else the settings' default; null if neither. */
  typeId: number | null;
  typeIdnumber: string | null;
  typeName: string | null;
  /** Where the effective type comes from. */
  typeSource: 'subject' | 'default' | null;
  /** Whether a purge of the subject (not a dry run) has succeeded, and the latest such request. */
  purged: boolean;
  lastPurgeRequestId: number | null;
  lastPurgedAt: string | null;
  lastPurgeTypeIdnumber: string | null;
  /** A purge of the subject that is pending or running, if any. */
  openPurgeRequestId: number | null;
}

const succeededPurgeOf = (alias: string) =>
  sql`${sql.ref(`${alias}.subject_id`)} = s.id and ${sql.ref(`${alias}.kind`)} = 'purge' and ${sql.ref(
    `${alias}.status`,
  )} = 'succeeded' and ${sql.ref(`${alias}.dry_run`)} = 0`;

/** The deleted-subjects report over a validated query. */
export async function deletedSubjectsSource(
  engine: Engine,
  query: ParsedReportQuery<DeletedSortColumn>,
): Promise<ReportSource<DeletedSubjectReportRow>> {
  const type =
    query.type === undefined
      ? undefined
      : await resolveTypeFilter(engine.db, 'purge_types', query.type, true);
  const defaultTypeId = (await readSettings(engine.db)).defaultDeletedPurgeTypeId;
  const effectiveType =
    defaultTypeId === null
      ? sql<number | null>`s.deleted_purge_type_id`
      : sql<number | null>`coalesce(s.deleted_purge_type_id, ${defaultTypeId})`;

  const conditions: Condition[] = [sql<SqlBool>`s.status = 'deleted'`, sql<SqlBool>`s.anonymous = 0`];
  if (query.subject !== undefined) conditions.push(sql<SqlBool>`s.id = ${query.subject}`);
  if (query.kind !== undefined) conditions.push(sql<SqlBool>`s.kind = ${query.kind}`);
  if (query.legacy !== undefined) conditions.push(sql<SqlBool>`s.legacy = ${query.legacy ? 1 : 0}`);
  if (type === 'none') conditions.push(sql<SqlBool>`${effectiveType} is null`);
  else if (type !== undefined) conditions.push(sql<SqlBool>`${effectiveType} = ${type.id}`);
  const states = new Set(query.statuses);
  if (states.size === 1) {
    const exists = sql<SqlBool>`exists (select 1 from requests p where ${succeededPurgeOf('p')})`;
    conditions.push(states.has('purged') ? exists : sql<SqlBool>`not ${exists}`);
  }
  conditions.push(...dateConditions('s.status_changed_at', query));
  const where = allOf(conditions);
  // Each sort key reads `subjects as s` only, so that a page's keys are chosen before anything is joined.
  const sortKeys: Record<DeletedSortColumn, SortExpression> = {
    subjectId: plainKey('s.id'),
    username: plainKey('s.username'),
    fullName: plainKey('s.full_name'),
    email: plainKey('s.email'),
    kind: plainKey('s.kind'),
    deletedAt: plainKey('s.status_changed_at'),
    lastPurgedAt: sql<SortKey>`coalesce((select max(m.finished_at) from requests m where ${succeededPurgeOf('m')}), '')`,
    type: lookupKey('purge_types', 'idnumber', effectiveType),
  };
  const sortKey = sortKeys[query.sort.column];
  const direction = query.sort.direction;

  return {
    async count() {
      const row = await engine.db
        .selectFrom('subjects as s')
        .where(where)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async page(request: PageRequest) {
      // The page's keys first, from the report's own table: an offset then skips keys, not joined rows.
      let keys = engine.db.selectFrom('subjects as s').where(where);
      if (request.after) keys = keys.where(afterKeyset(query.sort, sortKey, 's.id', request.after));
      const pageKeys = keys
        .select('s.id')
        .orderBy(sortKey, direction)
        .orderBy('s.id', direction)
        .limit(request.limit)
        .offset(request.offset ?? 0);
      const rows = await engine.db
        .selectFrom('subjects as s')
        .leftJoin('purge_types as t', (join) => join.on(sql<SqlBool>`t.id = ${effectiveType}`))
        .leftJoin('requests as lp', (join) =>
          join.on(
            sql<SqlBool>`lp.id = (select r.id from requests r where ${succeededPurgeOf('r')}
              order by r.finished_at desc, r.id desc limit 1)`,
          ),
        )
        .leftJoin('purge_types as lt', 'lt.id', 'lp.purge_type_id')
        .where('s.id', 'in', pageKeys)
        .select([
          's.id',
          's.username',
          's.full_name',
          's.email',
          's.kind',
          's.legacy',
          's.status_changed_at',
          's.deleted_purge_type_id',
          effectiveType.as('type_id'),
          't.idnumber as type_idnumber',
          't.name as type_name',
          'lp.id as last_purge_request_id',
          'lp.finished_at as last_purged_at',
          'lt.idnumber as last_purge_type_idnumber',
          sql<number | null>`(select o.id from requests o where o.subject_id = s.id and o.kind = 'purge'
            and o.dry_run = 0 and o.status in ('pending', 'running') order by o.id limit 1)`.as(
            'open_purge_request_id',
          ),
          sortKey.as('sort_key'),
        ])
        .orderBy(sortKey, direction)
        .orderBy('s.id', direction)
        .execute();
      const last = rows.at(-1);
      return {
        rows: rows.map((row) => {
          const typeId = row.type_id === null ? null : Number(row.type_id);
          return {
            subjectId: row.id,
            username: row.username,
            fullName: row.full_name,
            email: row.email,
            kind: row.kind,
            legacy: Number(row.legacy) === 1,
            deletedAt: row.status_changed_at,
            typeId,
            typeIdnumber: row.type_idnumber,
            typeName: row.type_name,
            typeSource: row.deleted_purge_type_id !== null ? 'subject' : typeId !== null ? 'default' : null,
            purged: row.last_purge_request_id !== null,
            lastPurgeRequestId: row.last_purge_request_id === null ? null : Number(row.last_purge_request_id),
            lastPurgedAt: row.last_purged_at,
            lastPurgeTypeIdnumber: row.last_purge_type_idnumber,
            openPurgeRequestId: row.open_purge_request_id === null ? null : Number(row.open_purge_request_id),
          };
        }),
        last: last ? { sortKey: last.sort_key, tieKey: last.id } : undefined,
      };
    },
    csvHeader: [
      'subject_id',
      'username',
      'full_name',
      'email',
      'kind',
      'legacy',
      'deleted_at',
      'type_idnumber',
      'type_name',
      'type_source',
      'purged',
      'last_purge_request_id',
      'last_purged_at',
      'last_purge_type_idnumber',
      'open_purge_request_id',
    ],
    csvRecords: (row) => [
      [
        row.subjectId,
        row.username,
        row.fullName,
        row.email,
        row.kind,
        row.legacy,
        row.deletedAt,
        row.typeIdnumber,
        row.typeName,
        row.typeSource,
        row.purged,
        row.lastPurgeRequestId,
        row.lastPurgedAt,
        row.lastPurgeTypeIdnumber,
        row.openPurgeRequestId,
      ],
    ],
  };
}

/**
 * Subjects whose status is `deleted` (legacy ones marked), each with its effective purge type and its last
 * successful purge. Filtered by status (`purged` or `not-purged`), type (the effective purge type by idnumber or
 * id, or `none`), subject, kind, legacy and status_changed_at (from/to), sorted and paged.
 */
export async function deletedSubjectsReport(
  engine: Engine,
  query: ReportQuery = {},
): Promise<ReportPage<DeletedSubjectReportRow>> {
  const parsed = parseReportQuery('deleted', query);
  const source = await deletedSubjectsSource(engine, parsed);
  const total = await source.count();
  const { rows } = await source.page({ limit: parsed.limit, offset: parsed.offset });
  return { total, rows };
}
