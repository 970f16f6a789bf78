import type { TypeFamily } from './type-family.js';

export interface ColumnInfo {
  name: string;
  /** The declared type as the database reports it. */
  type: string;
  family: TypeFamily;
  nullable: boolean;
  /** The maximum length of a character column, when it has one. */
  maxLength?: number;
}

export interface ForeignKey {
  /** The referencing table and its columns. */
  table: string;
  columns: string[];
  /** The referenced table and columns. */
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** The primary key's columns, in order; empty when the table has none. */
  primaryKey: string[];
  /** The foreign keys this table declares. */
  foreignKeys: ForeignKey[];
}

/** What introspection finds in the database: its tables, keyed by name. */
export interface DbSchema {
  tables: Map<string, TableInfo>;
}

export function columnOf(table: TableInfo, name: string): ColumnInfo | undefined {
  return table.columns.find((c) => c.name === name);
}

/** Every foreign key, in any table, that references `table`. */
export function foreignKeysTo(schema: DbSchema, table: string): ForeignKey[] {
  const out: ForeignKey[] = [];
  for (const t of schema.tables.values()) {
    for (const fk of t.foreignKeys) if (fk.refTable === table) out.push(fk);
  }
  return out;
}

/** Builds a schema from tables, sorted by name for stable output. */
export function schemaOf(tables: TableInfo[]): DbSchema {
  return {
    tables: new Map([...tables].sort((a, b) => a.name.localeCompare(b.name)).map((t) => [t.name, t])),
  };
}
