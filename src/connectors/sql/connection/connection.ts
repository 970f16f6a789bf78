import type { DbSchema } from './db-schema.js';
import type { SqlDialect } from './sql-dialect.js';

/** A value bound to a statement parameter. Values are always bound, never spliced into SQL text. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | Date;

/** One result row, keyed by column name (or alias). */
export type Row = Record<string, unknown>;

/** Runs statements. SQL text uses `?` placeholders on every dialect; the connection renumbers them where needed. */
export interface SqlExecutor {
  /** Runs a statement that returns rows. */
  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Runs a statement that changes rows and returns how many it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface TransactionOptions {
  /** Refuse writes inside the transaction (the database enforces it). */
  readOnly?: boolean;
  /** Roll back instead of committing, even when the function succeeds (dry runs). */
  rollback?: boolean;
}

export interface StreamOptions {
  /** How many rows each yielded batch holds at most. */
  batchSize: number;
}

/**
 * A connection to a host database: one contract, one implementation per dialect
 * (`dialects/sqlite`, `dialects/postgres`, `dialects/mysql`).
 */
export interface SqlConnection extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** The URL it was opened from, with any password hidden. */
  readonly url: string;
  /**
   * Runs `fn` in one transaction: committed when it returns, rolled back when it throws. When the database aborts a
   * writing transaction for a deadlock or serialization failure, it is rolled back and `fn` runs again in a new one
   * (retryOnDeadlock): `fn` must start from scratch each time, keeping nothing from an earlier run.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Streams a query's rows in batches through a server-side cursor, never holding more than one batch. Dialects
   * without cursors leave this out, and callers page by key instead.
   */
  stream?(sql: string, params: readonly SqlValue[], options: StreamOptions): AsyncIterable<Row[]>;
  /** The tables, columns, primary keys and foreign keys of the database (its current schema). */
  introspect(): Promise<DbSchema>;
  close(): Promise<void>;
}
