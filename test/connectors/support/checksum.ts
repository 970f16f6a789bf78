import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SqlConnection } from '../../../src/connectors/sql/index.js';

/** A checksum of every row of every table (and, for SQLite, of the file's bytes). */
export async function databaseChecksum(connection: SqlConnection, sqliteFile?: string): Promise<string> {
  const hash = createHash('sha256');
  const schema = await connection.introspect();
  for (const table of schema.tables.values()) {
    hash.update(`table ${table.name} ${table.columns.map((c) => `${c.name}:${c.type}`).join(',')}\n`);
    const q = connection.dialect.quote;
    const order = (table.primaryKey.length > 0 ? table.primaryKey : table.columns.map((c) => c.name))
      .map(q)
      .join(', ');
    for (const row of await connection.query(`SELECT * FROM ${q(table.name)} ORDER BY ${order}`)) {
      hash.update(
        `${JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Buffer ? v.toString('hex') : v))}\n`,
      );
    }
  }
  if (sqliteFile) hash.update(readFileSync(sqliteFile));
  return hash.digest('hex');
}
