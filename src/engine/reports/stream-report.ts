import { LetheError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import { deletedSubjectsSource } from './deleted-subjects-report.js';
import { exportsSource } from './exports-report.js';
import { purgesSource } from './purges-report.js';
import { csvRecord } from './report-csv.js';
import { parseReportQuery, type ReportKind, type ReportQuery } from './report-query.js';
import type { ReportSource } from './report-source.js';
import type { Keyset } from './report-sql.js';

/** `csv`: RFC 4180 with a header row (purges: one record per request and item). `jsonl`: one JSON row a line. */
export const reportFormats = ['csv', 'jsonl'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export interface StreamReportOptions {
  /** Rows read per keyset page (1000 by default). */
  pageSize?: number;
  /** Called after each page with the number of rows written so far. */
  onProgress?: (rows: number) => void;
}

export const reportStreamPageSize = 1000;

async function sourceFor(
  engine: Engine,
  kind: ReportKind,
  query: ReportQuery,
): Promise<ReportSource<object>> {
  switch (kind) {
    case 'exports':
      return exportsSource(engine, parseReportQuery('exports', query));
    case 'purges':
      return purgesSource(engine, parseReportQuery('purges', query));
    case 'deleted':
      return deletedSubjectsSource(engine, parseReportQuery('deleted', query));
  }
}

async function* chunks<Row extends object>(
  source: ReportSource<Row>,
  format: ReportFormat,
  options: StreamReportOptions,
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? reportStreamPageSize;
  if (format === 'csv') yield csvRecord(source.csvHeader);
  let after: Keyset | undefined;
  let written = 0;
  for (;;) {
    const page = await source.page(after ? { limit: pageSize, after } : { limit: pageSize });
    if (page.rows.length > 0) {
      let text = '';
      for (const row of page.rows) {
        if (format === 'csv') for (const record of source.csvRecords(row)) text += csvRecord(record);
        else text += `${JSON.stringify(row)}\n`;
      }
      written += page.rows.length;
      yield text;
      options.onProgress?.(written);
    }
    if (page.rows.length < pageSize || !page.last) return;
    after = page.last;
  }
}

/**
 * Validates the query (and resolves its type) first, then returns every row that matches the filters, in the
 * query's sort order, as CSV or JSON lines: one chunk per page of rows, read page after page by keyset (the
 * sort value and the row's id), so memory does not grow with the report. `limit` and `offset` are ignored.
 * Throws a LetheError before any output for a bad query, so a server can still answer 400.
 */
export async function openReportStream(
  engine: Engine,
  kind: ReportKind,
  query: ReportQuery,
  format: ReportFormat,
  options: StreamReportOptions = {},
): Promise<AsyncIterable<string>> {
  const pageSize = options.pageSize ?? reportStreamPageSize;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `pageSize must be a whole number of 1 or more, not ${pageSize}.`,
      {
        field: 'pageSize',
      },
    );
  }
  const source = await sourceFor(engine, kind, query);
  return chunks(source, format, options);
}

/** The same as openReportStream, as one async iterable: a bad query throws from the first iteration. */
export async function* streamReport(
  engine: Engine,
  kind: ReportKind,
  query: ReportQuery,
  format: ReportFormat,
  options: StreamReportOptions = {},
): AsyncGenerator<string> {
  yield* await openReportStream(engine, kind, query, format, options);
}
