import Database from 'better-sqlite3';
import pg from 'pg';

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Creates a PostgreSQL schema on `server` (a plain name made by the benchmark). */
export async function createSchema(server: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
}

/** A URL of `server` that names `schema` (`?schema=`), as store and database URLs may. */
export function schemaUrl(server: string, schema: string): string {
  const url = new URL(server);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/**
 * Copies a SQLite database (the campus) into a new PostgreSQL schema: tables, rows, then keys and indexes; returns
 * the server URL naming that schema. Ordinary tables only: a full-text index (a virtual table and its shadow tables)
 * is SQLite's own.
 */
export async function copyToPostgres(sqlitePath: string, server: string, schema: string): Promise<string> {
  const source = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}`);
    const tables = source
      .prepare(
        `SELECT m.name FROM sqlite_master AS m
         JOIN pragma_table_list AS t ON t.schema = 'main' AND t.name = m.name AND t.type = 'table'
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.rowid`,
      )
      .all() as Array<{ name: string }>;
    const typeOf = (t: string) => {
      const u = t.toUpperCase();
      if (u.includes('INT')) return 'BIGINT';
      if (u.includes('REAL') || u.includes('FLOA') || u.includes('DOUB')) return 'DOUBLE PRECISION';
      if (u.includes('BLOB')) return 'BYTEA';
      return 'TEXT';
    };
    const later: string[] = [];
    for (const { name } of tables) {
      const columns = source.prepare('SELECT * FROM pragma_table_info(?)').all(name) as Array<{
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }>;
      const pk = columns.filter((c) => c.pk > 0).map((c) => c.name);
      const defs = columns.map((c) => `${c.name} ${typeOf(c.type)}${c.notnull ? ' NOT NULL' : ''}`);
      await client.query(`CREATE TABLE ${name} (${defs.join(', ')}, PRIMARY KEY (${pk.join(', ')}))`);
      const fks = source.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(name) as Array<{
        table: string;
        from: string;
        to: string | null;
      }>;
      for (const fk of fks) {
        later.push(
          `ALTER TABLE ${name} ADD FOREIGN KEY (${fk.from}) REFERENCES ${fk.table} (${fk.to ?? 'id'})`,
        );
      }
      const names = columns.map((c) => c.name);
      const rows = source.prepare(`SELECT * FROM ${name}`).raw().all() as unknown[][];
      const per = Math.max(1, Math.floor(30_000 / names.length));
      for (const part of chunks(rows, per)) {
        let n = 0;
        const values = part.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${name} (${names.join(', ')}) VALUES ${values}`, part.flat());
      }
    }
    for (const statement of later) await client.query(statement);
    const indexes = source
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      .all() as Array<{ sql: string }>;
    for (const { sql } of indexes) await client.query(sql);
    // This schema's tables only: a bare ANALYZE would go through every schema of the database.
    await client.query(`ANALYZE ${tables.map((t) => t.name).join(', ')}`);
  } finally {
    source.close();
    await client.end();
  }
  return schemaUrl(server, schema);
}

/** Drops a schema the benchmark made, with everything in it. */
export async function dropSchema(server: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Copies schema `from` into a new schema `to` on the server itself (much faster than copying from SQLite again):
 * each table with its columns, keys and indexes (`LIKE ... INCLUDING ALL`) and rows, then the foreign keys; returns
 * the server URL naming `to`.
 */
export async function cloneSchema(server: string, from: string, to: string): Promise<string> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    // Read with `from` on the search path, so that the foreign keys come back without a schema name.
    await client.query(`SET search_path = ${from}`);
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class AS c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r'
       ORDER BY c.oid`,
      [from],
    );
    const keys = await client.query<{ table: string; name: string; definition: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = $1::regnamespace AND contype = 'f' ORDER BY oid`,
      [from],
    );
    await client.query(`CREATE SCHEMA ${to}`);
    await client.query(`SET search_path = ${to}`);
    for (const { name } of tables.rows) {
      await client.query(`CREATE TABLE ${to}.${name} (LIKE ${from}.${name} INCLUDING ALL)`);
      await client.query(`INSERT INTO ${to}.${name} SELECT * FROM ${from}.${name}`);
    }
    for (const key of keys.rows) {
      await client.query(`ALTER TABLE ${to}.${key.table} ADD CONSTRAINT ${key.name} ${key.definition}`);
    }
    await client.query(`ANALYZE ${tables.rows.map((t) => `${to}.${t.name}`).join(', ')}`);
  } finally {
    await client.end();
  }
  return schemaUrl(server, to);
}
