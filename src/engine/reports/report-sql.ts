import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ParsedReportQuery, ReportSort } from './report-query.js';

/** A WHERE condition as SQL that reads the same on SQLite and PostgreSQL. */
export type Condition = RawBuilder<SqlBool>;

/** A sort expression: never null (nullable columns are coalesced), so that keyset comparisons are exact. */
export type SortKey = string | number;
export type SortExpression = RawBuilder<SortKey>;

/** Where the previous page ended: its last row's sort value and unique tie-breaker. */
export interface Keyset {
  sortKey: SortKey;
  tieKey: SortKey;
}

/** A nullable text column, with nulls sorted as the empty string (first when ascending, on both dialects). */
export function textKey(column: string): SortExpression {
  return sql<SortKey>`coalesce(${sql.ref(column)}, '')`;
}

/** A nullable number column, with nulls sorted as -1. */
export function numberKey(column: string): SortExpression {
  return sql<SortKey>`coalesce(${sql.ref(column)}, -1)`;
}

/**
 * A column of another table, looked up by id, as a sort key that reads only the report's own table (so a page's
 * keys can be chosen before anything is joined). Null, or no such row, sorts as the empty string.
 */
export function lookupKey(table: string, column: string, id: RawBuilder<unknown>): SortExpression {
  return sql<SortKey>`coalesce((select ${sql.ref(`k.${column}`)} from ${sql.table(table)} k where k.id = ${id}), '')`;
}

/** A column that is never null. */
export function plainKey(column: string): SortExpression {
  return sql<SortKey>`${sql.ref(column)}`;
}

/** Every condition joined by `and` (true when there are none). */
export function allOf(conditions: readonly Condition[]): Condition {
  if (conditions.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`${sql.join(
    conditions.map((c) => sql`(${c})`),
    sql` and `,
  )}`;
}

/** The date filters on one column. */
export function dateConditions(column: string, query: ParsedReportQuery): Condition[] {
  const conditions: Condition[] = [];
  if (query.from !== undefined) conditions.push(sql<SqlBool>`${sql.ref(column)} >= ${query.from}`);
  if (query.to !== undefined) {
    conditions.push(
      query.to.inclusive
        ? sql<SqlBool>`${sql.ref(column)} <= ${query.to.value}`
        : sql<SqlBool>`${sql.ref(column)} < ${query.to.value}`,
    );
  }
  return conditions;
}

/** Rows strictly after the keyset position, in the sort's direction (row-value comparison on both dialects). */
export function afterKeyset(sort: ReportSort, key: SortExpression, tie: string, after: Keyset): Condition {
  const op = sort.direction === 'asc' ? sql.raw('>') : sql.raw('<');
  return sql<SqlBool>`(${key}, ${sql.ref(tie)}) ${op} (${after.sortKey}, ${after.tieKey})`;
}

/** The `in` condition for a list of statuses (nothing when the list is empty). */
export function inList(column: string, values: readonly string[]): Condition[] {
  if (values.length === 0) return [];
  return [sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`];
}
