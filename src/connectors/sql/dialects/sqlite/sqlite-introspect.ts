import type SqliteDatabase from 'better-sqlite3';
import {
  type ColumnInfo,
  type DbSchema,
  type ForeignKey,
  schemaOf,
  type TableInfo,
} from '../../connection/db-schema.js';
import { typeFamily } from '../../connection/type-family.js';

interface TableInfoRow {
  name: string;
  type: string;
  notnull: number;
  pk: number;
  hidden: number;
}

interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

function maxLength(type: string): number | undefined {
  const m = /char\s*\(\s*(\d+)\s*\)/i.exec(type);
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads tables, columns, primary keys and foreign keys from SQLite's catalogue. Only ordinary tables of the main
 * schema: a virtual table (a full-text index, say) and its shadow tables hold what the database derives from the
 * ordinary ones, and follow them.
 */
export function introspectSqlite(db: SqliteDatabase.Database): DbSchema {
  const names = db
    .prepare(
      "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all() as Array<{ name: string }>;
  const tables: TableInfo[] = [];
  for (const { name } of names) {
    const rows = db.prepare('SELECT * FROM pragma_table_xinfo(?)').all(name) as TableInfoRow[];
    const columns: ColumnInfo[] = rows
      .filter((r) => r.hidden === 0)
      .map((r) => {
        const length = maxLength(r.type);
        return {
          name: r.name,
          type: r.type,
          family: typeFamily(r.type),
          nullable: r.notnull === 0 && r.pk === 0,
          ...(length !== undefined ? { maxLength: length } : {}),
        };
      });
    const primaryKey = rows
      .filter((r) => r.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((r) => r.name);
    const fkRows = db.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(name) as ForeignKeyRow[];
    const byId = new Map<number, ForeignKeyRow[]>();
    for (const r of fkRows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    const foreignKeys: ForeignKey[] = [];
    for (const group of byId.values()) {
      group.sort((a, b) => a.seq - b.seq);
      const refTable = group[0]?.table ?? '';
      let refColumns = group.map((r) => r.to);
      if (refColumns.some((c) => c === null)) {
        // REFERENCES t without columns means t's primary key.
        const refPk = (db.prepare('SELECT * FROM pragma_table_info(?)').all(refTable) as TableInfoRow[])
          .filter((r) => r.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((r) => r.name);
        refColumns = refPk;
      }
      foreignKeys.push({
        table: name,
        columns: group.map((r) => r.from),
        refTable,
        refColumns: refColumns.map((c) => c ?? ''),
      });
    }
    tables.push({ name, columns, primaryKey, foreignKeys });
  }
  return schemaOf(tables);
}
