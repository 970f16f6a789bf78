import mysql from 'mysql2';
import type { Pool as PromisePool, PoolConnection as PromisePoolConnection } from 'mysql2/promise';
import { LetheError, messageOf } from '../../../../errors/index.js';
import type {
  Row,
  SqlConnection,
  SqlExecutor,
  SqlValue,
  StreamOptions,
  TransactionOptions,
} from '../../connection/connection.js';
import type { DbSchema } from '../../connection/db-schema.js';
import { type RetryOnDeadlockOptions, retryOnDeadlock } from '../../connection/retry-on-deadlock.js';
import { mysqlDialect } from '../../connection/sql-dialect.js';
import { introspectMysql } from './mysql-introspect.js';

function bindable(value: SqlValue): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

interface Changed {
  affectedRows?: number;
}

function executorOf(target: PromisePool | PromisePoolConnection): SqlExecutor {
  return {
    query: async <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) => {
      const [rows] = await target.query(sql, params.map(bindable));
      return rows as unknown as R[];
    },
    execute: async (sql: string, params: readonly SqlValue[] = []) => {
      const [result] = await target.query(sql, params.map(bindable));
      return (result as Changed).affectedRows ?? 0;
    },
  };
}

export interface OpenMysqlOptions {
  url: string;
  readOnly?: boolean;
  /** Told of each transaction run again after a deadlock or lock wait timeout. */
  onDeadlockRetry?: RetryOnDeadlockOptions['onRetry'];
}

/**
 * The MySQL/MariaDB implementation of the connection contract, over a mysql2 pool. Statements use mysql2's `?`
 * placeholders, which the driver fills with escaped values: the connector never splices values into SQL itself.
 */
export class MysqlConnection implements SqlConnection {
  readonly dialect = mysqlDialect;
  readonly url: string;
  readonly #core: mysql.Pool;
  readonly #pool: PromisePool;
  readonly #executor: SqlExecutor;
  readonly #retry: RetryOnDeadlockOptions;

  private constructor(core: mysql.Pool, url: string, retry: RetryOnDeadlockOptions) {
    this.#core = core;
    this.#pool = core.promise();
    this.url = url;
    this.#executor = executorOf(this.#pool);
    this.#retry = retry;
  }

  static async open(uri: string, options: OpenMysqlOptions): Promise<MysqlConnection> {
    const core = mysql.createPool({
      uri,
      connectionLimit: 5,
      connectTimeout: 10_000,
      multipleStatements: false,
    });
    core.on('connection', (connection) => {
      if (options.readOnly) connection.query('SET SESSION TRANSACTION READ ONLY');
    });
    const connection = new MysqlConnection(
      core,
      options.url,
      options.onDeadlockRetry ? { onRetry: options.onDeadlockRetry } : {},
    );
    try {
      const probe = await connection.#pool.getConnection();
      probe.release();
    } catch (error) {
      await connection.#pool.end().catch(() => undefined);
      throw new LetheError(
        'LETHE_E_DATABASE_UNREACHABLE',
        `Cannot reach the MySQL database ${options.url}: ${messageOf(error)}`,
        { url: options.url },
      );
    }
    return connection;
  }

  query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.#executor.query<R>(sql, params);
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#executor.execute(sql, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // A read-only transaction takes no row locks: only writing ones are run again after a deadlock.
    if (options.readOnly) return this.#transactionOnce(fn, options);
    return retryOnDeadlock(() => this.#transactionOnce(fn, options), this.#retry);
  }

  async #transactionOnce<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions): Promise<T> {
    const connection = await this.#pool.getConnection();
    try {
      await connection.query(options.readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
      try {
        const value = await fn(executorOf(connection));
        await connection.query(options.rollback || options.readOnly ? 'ROLLBACK' : 'COMMIT');
        return value;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      connection.release();
    }
  }

  async *stream(sql: string, params: readonly SqlValue[], options: StreamOptions): AsyncIterable<Row[]> {
    const connection = await new Promise<mysql.PoolConnection>((resolve, reject) => {
      this.#core.getConnection((error, c) => (error ? reject(error) : resolve(c)));
    });
    const size = Math.max(1, Math.floor(options.batchSize));
    const rows = connection.query(sql, params.map(bindable)).stream({ highWaterMark: size });
    let batch: Row[] = [];
    let finished = false;
    try {
      for await (const row of rows) {
        batch.push(row as Row);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      finished = true;
      if (batch.length > 0) yield batch;
    } finally {
      if (finished) connection.release();
      else {
        // A stream left half-read leaves the protocol mid-result: that connection cannot be reused.
        rows.destroy();
        connection.destroy();
      }
    }
  }

  introspect(): Promise<DbSchema> {
    return introspectMysql(this.#executor);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
