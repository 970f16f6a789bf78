import type { Engine } from '../engine.js';
import {
  type ParsedReportQuery,
  type PurgesSortColumn,
  parseReportQuery,
  type ReportQuery,
} from './report-query.js';
import type { PageRequest, ReportPage, ReportSource } from './report-source.js';
import {
  countRequests,
  type RequestReportRow,
  requestConditions,
  requestCsvCells,
  requestCsvHeader,
  requestPageIds,
  requestSortKeys,
  toRequestReportRow,
} from './request-report.js';
import { resolveTypeFilter } from './type-filter.js';

/** One item's result within a purge request. */
export interface PurgeItemReport {
  key: string;
  /** `delete` or `anonymise`. */
  mode: string;
  /** `success`, `error`, `skipped`, `cancelled` or `timed-out`. An item that has not finished has no result yet. */
  status: string;
  /** How many records were (or, in a dry run, would be) erased. */
  count: number;
  message: string | null;
}

/** One purge request, with its subject, its type and the result of every item. */
export interface PurgeReportRow extends RequestReportRow {
  dryRun: boolean;
  items: PurgeItemReport[];
}

/** The purges report over a validated query. */
export async function purgesSource(
  engine: Engine,
  query: ParsedReportQuery<PurgesSortColumn>,
): Promise<ReportSource<PurgeReportRow>> {
  const type =
    query.type === undefined
      ? undefined
      : await resolveTypeFilter(engine.db, 'purge_types', query.type, true);
  const where = requestConditions('purge', query, type);
  const sortKey = requestSortKeys('purge_types')[query.sort.column];
  const direction = query.sort.direction;

  /** The item results of a page's requests, in one query. */
  async function itemsOf(ids: number[]): Promise<Map<number, PurgeItemReport[]>> {
    const byRequest = new Map<number, PurgeItemReport[]>();
    if (ids.length === 0) return byRequest;
    const rows = await engine.db
      .selectFrom('request_items')
      .select(['request_id', 'item_key', 'mode', 'status', 'count', 'message'])
      .where('request_id', 'in', ids)
      .orderBy('request_id')
      .orderBy('item_key')
      .execute();
    for (const row of rows) {
      const id = Number(row.request_id);
      let list = byRequest.get(id);
      if (!list) {
        list = [];
        byRequest.set(id, list);
      }
      list.push({
        key: row.item_key,
        mode: row.mode,
        status: row.status,
        count: Number(row.count),
        message: row.message,
      });
    }
    return byRequest;
  }

  return {
    count: () => countRequests(engine.db, where),
    async page(request: PageRequest) {
      const pageKeys = requestPageIds(engine.db, where, query.sort, sortKey, request);
      const rows = await engine.db
        .selectFrom('requests as r')
        .leftJoin('subjects as s', 's.id', 'r.subject_id')
        .leftJoin('purge_types as t', 't.id', 'r.purge_type_id')
        .where('r.id', 'in', pageKeys)
        .select([
          'r.id',
          'r.subject_id',
          's.username',
          's.full_name',
          's.email',
          's.kind as subject_kind',
          'r.origin',
          'r.status',
          'r.purge_type_id as type_id',
          't.idnumber as type_idnumber',
          't.name as type_name',
          'r.requested_by',
          'r.created_at',
          'r.started_at',
          'r.finished_at',
          'r.attempts',
          'r.error',
          'r.dry_run',
          sortKey.as('sort_key'),
        ])
        .orderBy(sortKey, direction)
        .orderBy('r.id', direction)
        .execute();
      const items = await itemsOf(rows.map((row) => Number(row.id)));
      const last = rows.at(-1);
      return {
        rows: rows.map((row) => ({
          ...toRequestReportRow(row),
          dryRun: Number(row.dry_run) === 1,
          items: items.get(Number(row.id)) ?? [],
        })),
        last: last ? { sortKey: last.sort_key, tieKey: Number(last.id) } : undefined,
      };
    },
    csvHeader: [
      ...requestCsvHeader,
      'dry_run',
      'item_key',
      'item_mode',
      'item_status',
      'item_count',
      'item_message',
    ],
    csvRecords(row) {
      const cells = [...requestCsvCells(row), row.dryRun];
      if (row.items.length === 0) return [[...cells, null, null, null, null, null]];
      return row.items.map((item) => [...cells, item.key, item.mode, item.status, item.count, item.message]);
    },
  };
}

/**
 * Purge requests, filtered by status, type (purge_type_id by idnumber or id, or `none` for erasures without a
 * type), origin, subject, subject kind, dry run and created_at (from/to), sorted and paged. Each row carries the
 * result of every item (fetched for the whole page in one query). LETHE_E_INVALID_INPUT naming a bad field.
 */
export async function purgesReport(
  engine: Engine,
  query: ReportQuery = {},
): Promise<ReportPage<PurgeReportRow>> {
  const parsed = parseReportQuery('purges', query);
  const source = await purgesSource(engine, parsed);
  const total = await source.count();
  const { rows } = await source.page({ limit: parsed.limit, offset: parsed.offset });
  return { total, rows };
}
