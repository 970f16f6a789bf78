import type SqliteDatabase from 'better-sqlite3';

/**
 * Prepared statements of one SQLite handle, by their SQL, the oldest dropped first when it is full. Preparing a
 * statement costs more than running most of them, and the store and the items run the same few again and again.
 * A cached statement is used by one query at a time: both users (Kysely's driver and the SQL connector) run one
 * statement at a time on their handle.
 */
export class StatementCache {
  readonly #db: SqliteDatabase.Database;
  readonly #size: number;
  readonly #statements = new Map<string, SqliteDatabase.Statement>();

  constructor(db: SqliteDatabase.Database, size = 200) {
    this.#db = db;
    this.#size = size;
  }

  prepare(sql: string): SqliteDatabase.Statement {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement = this.#db.prepare(sql);
    if (this.#statements.size >= this.#size) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  get size(): number {
    return this.#statements.size;
  }
}
