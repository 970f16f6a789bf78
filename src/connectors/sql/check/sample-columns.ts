import type { SqlDialect, SqlExecutor, TableInfo } from '../connection/index.js';
import { isEmail, looksLikeEmail, sampleable } from './personal-columns.js';

/** How many values of each text column are sampled. */
export const sampleSize = 50;

export interface ColumnSample {
  /** How many sampled values hold an email address. */
  withEmail: number;
  /** How many sampled values are exactly an email address. */
  exactEmail: number;
  sampled: number;
}

/** Samples the non-null values of every text column of a table (read-only). */
export async function sampleTable(
  db: SqlExecutor,
  dialect: SqlDialect,
  table: TableInfo,
): Promise<Map<string, ColumnSample>> {
  const out = new Map<string, ColumnSample>();
  for (const column of table.columns) {
    if (!sampleable(column)) continue;
    const c = dialect.quote(column.name);
    const rows = await db.query(
      `SELECT ${c} AS lethe_v FROM ${dialect.quote(table.name)} WHERE ${c} IS NOT NULL LIMIT ${sampleSize}`,
    );
    const values = rows.map((r) => r['lethe_v']);
    out.set(column.name, {
      withEmail: values.filter(looksLikeEmail).length,
      exactEmail: values.filter(isEmail).length,
      sampled: values.length,
    });
  }
  return out;
}
