import type { Keyset } from './report-sql.js';

/** One page of a report: how many rows match the filters, and the rows of this page. */
export interface ReportPage<Row> {
  total: number;
  rows: Row[];
}

/** A page read either at an offset (the paged report) or after a keyset position (streaming). */
export interface PageRequest {
  limit: number;
  offset?: number;
  after?: Keyset;
}

export interface SourcePage<Row> {
  rows: Row[];
  /** The position after the page's last row; undefined when the page is empty. */
  last: Keyset | undefined;
}

/** A report over its validated filters: counts, pages, and how its rows are written as CSV. */
export interface ReportSource<Row> {
  count(): Promise<number>;
  page(request: PageRequest): Promise<SourcePage<Row>>;
  csvHeader: readonly string[];
  /** The CSV records of one row (purges: one per item). */
  csvRecords(row: Row): unknown[][];
}
