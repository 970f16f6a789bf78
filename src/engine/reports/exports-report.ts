import type { Engine } from '../engine.js';
import {
  type ExportsSortColumn,
  type ParsedReportQuery,
  parseReportQuery,
  type ReportQuery,
} from './report-query.js';
import type { PageRequest, ReportPage, ReportSource } from './report-source.js';
import { numberKey, type SortExpression, textKey } from './report-sql.js';
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

/** One export request, with its subject, its type and its package. */
export interface ExportReportRow extends RequestReportRow {
  /** The package's size in bytes and sha256, once it was made. */
  fileSize: number | null;
  fileSha256: string | null;
  /** When the package is (or was) deleted. */
  expiresAt: string | null;
  /** Whether the package can be downloaded now. */
  available: boolean;
}

const sortKeys: Record<ExportsSortColumn, SortExpression> = {
  ...requestSortKeys('export_types'),
  fileSize: numberKey('r.file_size'),
  expiresAt: textKey('r.expires_at'),
};

/** The exports report over a validated query. */
export async function exportsSource(
  engine: Engine,
  query: ParsedReportQuery<ExportsSortColumn>,
): Promise<ReportSource<ExportReportRow>> {
  const type =
    query.type === undefined
      ? undefined
      : await resolveTypeFilter(engine.db, 'export_types', query.type, false);
  const where = requestConditions('export', query, type);
  const sortKey = sortKeys[query.sort.column];
  const direction = query.sort.direction;
  return {
    count: () => countRequests(engine.db, where),
    async page(request: PageRequest) {
      const pageKeys = requestPageIds(engine.db, where, query.sort, sortKey, request);
      const rows = await engine.db
        .selectFrom('requests as r')
        .leftJoin('subjects as s', 's.id', 'r.subject_id')
        .leftJoin('export_types as t', 't.id', 'r.export_type_id')
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
          'r.export_type_id as type_id',
          't.idnumber as type_idnumber',
          't.name as type_name',
          'r.requested_by',
          'r.created_at',
          'r.started_at',
          'r.finished_at',
          'r.attempts',
          'r.error',
          'r.file_path',
          'r.file_size',
          'r.file_sha256',
          'r.expires_at',
          sortKey.as('sort_key'),
        ])
        .orderBy(sortKey, direction)
        .orderBy('r.id', direction)
        .execute();
      const last = rows.at(-1);
      return {
        rows: rows.map((row) => ({
          ...toRequestReportRow(row),
          fileSize: row.file_size === null ? null : Number(row.file_size),
          fileSha256: row.file_sha256,
          expiresAt: row.expires_at,
          available: row.status === 'succeeded' && row.file_path !== null,
        })),
        last: last ? { sortKey: last.sort_key, tieKey: Number(last.id) } : undefined,
      };
    },
    csvHeader: [...requestCsvHeader, 'file_size', 'file_sha256', 'expires_at', 'available'],
    csvRecords: (row) => [
      [...requestCsvCells(row), row.fileSize, row.fileSha256, row.expiresAt, row.available],
    ],
  };
}

/**
 * Export requests, filtered by status, type (export_type_id, by idnumber or id), origin, subject, subject kind
 * and created_at (from/to), sorted and paged. Each row has the subject's username, name and email and the type's
 * idnumber and name. LETHE_E_INVALID_INPUT naming a bad field; LETHE_E_TYPE_UNKNOWN for an unknown idnumber.
 */
export async function exportsReport(
  engine: Engine,
  query: ReportQuery = {},
): Promise<ReportPage<ExportReportRow>> {
  const parsed = parseReportQuery('exports', query);
  const source = await exportsSource(engine, parsed);
  const total = await source.count();
  const { rows } = await source.page({ limit: parsed.limit, offset: parsed.offset });
  return { total, rows };
}
