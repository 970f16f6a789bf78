import type { SqlExecutor } from '../../connection/connection.js';
import { type DbSchema, type ForeignKey, schemaOf, type TableInfo } from '../../connection/db-schema.js';
import { typeFamily } from '../../connection/type-family.js';

interface ColumnRow {
  table_name: string;
  column_name: string;
  column_type: string;
  is_nullable: string;
  max_length: number | null;
}

interface KeyRow {
  table_name: string;
  constraint_name: string;
  column_name: string;
  ref_table: string | null;
  ref_column: string | null;
}

/** Reads the tables of the connection's database from MySQL's information schema. */
export async function introspectMysql(db: SqlExecutor): Promise<DbSchema> {
  const columns = await db.query<ColumnRow & Record<string, unknown>>(
    `SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.COLUMN_TYPE AS column_type,
            c.IS_NULLABLE AS is_nullable, c.CHARACTER_MAXIMUM_LENGTH AS max_length
       FROM information_schema.COLUMNS c
       JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
      ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
  );
  const keys = await db.query<KeyRow & Record<string, unknown>>(
    `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
            REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_column
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = DATABASE() AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
      ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
  );
  const tables = new Map<string, TableInfo>();
  for (const c of columns) {
    let table = tables.get(c.table_name);
    if (!table) {
      table = { name: c.table_name, columns: [], primaryKey: [], foreignKeys: [] };
      tables.set(c.table_name, table);
    }
    const type = String(c.column_type);
    table.columns.push({
      name: c.column_name,
      type,
      family: typeFamily(type),
      nullable: c.is_nullable === 'YES',
      ...(c.max_length !== null && c.max_length !== undefined && /char/i.test(type)
        ? { maxLength: Number(c.max_length) }
        : {}),
    });
  }
  const fks = new Map<string, ForeignKey>();
  for (const k of keys) {
    const table = tables.get(k.table_name);
    if (!table) continue;
    if (k.constraint_name === 'PRIMARY') {
      table.primaryKey.push(k.column_name);
      continue;
    }
    const id = `${k.table_name}\u0000${k.constraint_name}`;
    let fk = fks.get(id);
    if (!fk) {
      fk = { table: k.table_name, columns: [], refTable: k.ref_table ?? '', refColumns: [] };
      fks.set(id, fk);
      table.foreignKeys.push(fk);
    }
    fk.columns.push(k.column_name);
    fk.refColumns.push(k.ref_column ?? '');
  }
  return schemaOf([...tables.values()]);
}
