import type { SqlExecutor } from '../../connection/connection.js';
import { type DbSchema, type ForeignKey, schemaOf, type TableInfo } from '../../connection/db-schema.js';
import { typeFamily } from '../../connection/type-family.js';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: string;
  character_maximum_length: number | null;
}

interface KeyRow {
  table_name: string;
  constraint_name: string;
  kind: string;
  column_name: string;
  ref_table: string | null;
  ref_column: string | null;
  position: number;
}

/** Reads the tables of the current schema (the first on the search path) from PostgreSQL's catalogues. */
export async function introspectPostgres(db: SqlExecutor): Promise<DbSchema> {
  const columns = await db.query<ColumnRow & Record<string, unknown>>(
    `SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.character_maximum_length
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const keys = await db.query<KeyRow & Record<string, unknown>>(
    `SELECT cl.relname AS table_name, con.conname AS constraint_name, con.contype AS kind,
            a.attname AS column_name, rcl.relname AS ref_table, ra.attname AS ref_column, k.n AS position
       FROM pg_constraint con
       JOIN pg_class cl ON cl.oid = con.conrelid
       JOIN pg_namespace ns ON ns.oid = cl.relnamespace
       CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
       LEFT JOIN pg_class rcl ON rcl.oid = con.confrelid
       LEFT JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[k.n]
      WHERE ns.nspname = current_schema() AND con.contype IN ('p', 'f')
      ORDER BY cl.relname, con.conname, k.n`,
  );
  const tables = new Map<string, TableInfo>();
  for (const c of columns) {
    let table = tables.get(c.table_name);
    if (!table) {
      table = { name: c.table_name, columns: [], primaryKey: [], foreignKeys: [] };
      tables.set(c.table_name, table);
    }
    const type = c.data_type === 'USER-DEFINED' || c.data_type === 'ARRAY' ? c.udt_name : c.data_type;
    table.columns.push({
      name: c.column_name,
      type,
      family: typeFamily(type),
      nullable: c.is_nullable === 'YES',
      ...(c.character_maximum_length !== null ? { maxLength: Number(c.character_maximum_length) } : {}),
    });
  }
  const fks = new Map<string, ForeignKey>();
  for (const k of keys) {
    const table = tables.get(k.table_name);
    if (!table) continue;
    if (k.kind === 'p') {
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
  for (const t of tables.values()) {
    for (const c of t.columns) if (t.primaryKey.includes(c.name)) c.nullable = false;
  }
  return schemaOf([...tables.values()]);
}
