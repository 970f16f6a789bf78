import { existsSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { LetheError, messageOf } from '../../../../errors/index.js';
import { StatementCache } from '../../../../sqlite/statement-cache.js';
import type {
  Row,
  SqlConnection,
  SqlExecutor,
  SqlValue,
  TransactionOptions,
} from '../../connection/connection.js';
import type { DbSchema } from '../../connection/db-schema.js';
import { type RetryOnDeadlockOptions, retryOnDeadlock } from '../../connection/retry-on-deadlock.js';
import { sqliteDialect } from '../../connection/sql-dialect.js';
import { introspectSqlite } from './sqlite-introspect.js';

type Bindable = string | number | bigint | Buffer | null;

function bindable(value: SqlValue): Bindable {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A promise chain that lets one transaction (or statement) use the single SQLite handle at a time. */
class Lock {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release: () => void = () => undefined;
    this.#tail = new Promise<void>((r) => {
      release = r;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const regexCache = new Map<string, RegExp>();

function regexp(pattern: unknown, value: unknown): number {
  if (typeof pattern !== 'string' || value === null || value === undefined) return 0;
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re.test(String(value)) ? 1 : 0;
}

export interface OpenSqliteOptions {
  readOnly?: boolean;
  /** The URL to report (already redacted). */
  url: string;
  /** Told of each transaction run again after a deadlock (SQLite has none: its writers wait on busy_timeout). */
  onDeadlockRetry?: RetryOnDeadlockOptions['onRetry'];
}

/** The SQLite implementation of the connection contract, over one better-sqlite3 handle. */
export class SqliteConnection implements SqlConnection {
  readonly dialect = sqliteDialect;
  readonly url: string;
  readonly #db: SqliteDatabase.Database;
  readonly #statements: StatementCache;
  readonly #lock = new Lock();
  readonly #direct: SqlExecutor;
  readonly #retry: RetryOnDeadlockOptions;

  private constructor(db: SqliteDatabase.Database, url: string, retry: RetryOnDeadlockOptions) {
    this.#db = db;
    this.#statements = new StatementCache(db);
    this.url = url;
    this.#retry = retry;
    this.#direct = {
      query: async <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) =>
        this.#statements.prepare(sql).all(...params.map(bindable)) as R[],
      execute: async (sql: string, params: readonly SqlValue[] = []) =>
        this.#statements.prepare(sql).run(...params.map(bindable)).changes,
    };
  }

  /** Opens an existing SQLite file (a host database is never created by Lethe). */
  static open(path: string, options: OpenSqliteOptions): SqliteConnection {
    if (path !== ':memory:' && !existsSync(path)) {
      throw new LetheError('LETHE_E_DATABASE_UNREACHABLE', `The SQLite database ${path} does not exist.`, {
        url: options.url,
      });
    }
    let db: SqliteDatabase.Database;
    try {
      db = new SqliteDatabase(path, {
        fileMustExist: path !== ':memory:',
        readonly: options.readOnly === true,
      });
      db.pragma('busy_timeout = 10000');
      db.pragma('foreign_keys = ON');
      db.function('regexp', { deterministic: true }, regexp);
      // Reading the schema proves that the file is a database.
      db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    } catch (error) {
      throw new LetheError(
        'LETHE_E_DATABASE_UNREACHABLE',
        `Cannot open the SQLite database ${path}: ${messageOf(error)}`,
        {
          url: options.url,
        },
      );
    }
    return new SqliteConnection(
      db,
      options.url,
      options.onDeadlockRetry ? { onRetry: options.onDeadlockRetry } : {},
    );
  }

  query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.#lock.run(() => this.#direct.query<R>(sql, params));
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#lock.run(() => this.#direct.execute(sql, params));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // The same rule as the other dialects, though SQLite never reports a deadlock: BEGIN IMMEDIATE waits on
    // busy_timeout for another writer, and one handle runs one transaction at a time.
    if (options.readOnly) return this.#transactionOnce(fn, options);
    return retryOnDeadlock(() => this.#transactionOnce(fn, options), this.#retry);
  }

  #transactionOnce<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions): Promise<T> {
    return this.#lock.run(async () => {
      const readOnly = options.readOnly === true;
      if (readOnly) this.#db.pragma('query_only = ON');
      this.#db.exec(readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE');
      try {
        const value = await fn(this.#direct);
        this.#db.exec(options.rollback || readOnly ? 'ROLLBACK' : 'COMMIT');
        return value;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw error;
      } finally {
        if (readOnly) this.#db.pragma('query_only = OFF');
      }
    });
  }

  introspect(): Promise<DbSchema> {
    return this.#lock.run(async () => introspectSqlite(this.#db));
  }

  async close(): Promise<void> {
    await this.#lock.run(async () => {
      if (this.#db.open) this.#db.close();
    });
  }
}
