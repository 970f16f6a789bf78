import pg from 'pg';
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
import { postgresDialect } from '../../connection/sql-dialect.js';
import { introspectPostgres } from './postgres-introspect.js';

/** Turns `?` placeholders into `$1, $2, ...`. SQL built by the connector never holds `?` anywhere else. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function bindable(value: SqlValue): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function executorOf(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    query: async <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) =>
      (await client.query(numberPlaceholders(sql), params.map(bindable))).rows as R[],
    execute: async (sql: string, params: readonly SqlValue[] = []) =>
      (await client.query(numberPlaceholders(sql), params.map(bindable))).rowCount ?? 0,
  };
}

export interface OpenPostgresOptions {
  url: string;
  schema?: string;
  readOnly?: boolean;
  /** Told of each transaction run again after a deadlock or serialization failure. */
  onDeadlockRetry?: RetryOnDeadlockOptions['onRetry'];
}

let cursorNumber = 0;

/** The PostgreSQL implementation of the connection contract, over a pg pool. */
export class PostgresConnection implements SqlConnection {
  readonly dialect = postgresDialect;
  readonly url: string;
  readonly #pool: pg.Pool;
  readonly #executor: SqlExecutor;
  readonly #retry: RetryOnDeadlockOptions;

  private constructor(pool: pg.Pool, url: string, retry: RetryOnDeadlockOptions) {
    this.#pool = pool;
    this.url = url;
    this.#executor = executorOf(pool);
    this.#retry = retry;
  }

  static async open(connectionString: string, options: OpenPostgresOptions): Promise<PostgresConnection> {
    const settings = [
      ...(options.schema ? [`-c search_path=${options.schema}`] : []),
      ...(options.readOnly ? ['-c default_transaction_read_only=on'] : []),
    ];
    const pool = new pg.Pool({
      connectionString,
      max: 5,
      connectionTimeoutMillis: 10_000,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    });
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new LetheError(
        'LETHE_E_DATABASE_UNREACHABLE',
        `Cannot reach the PostgreSQL database ${options.url}: ${messageOf(error)}`,
        { url: options.url },
      );
    }
    return new PostgresConnection(
      pool,
      options.url,
      options.onDeadlockRetry ? { onRetry: options.onDeadlockRetry } : {},
    );
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
    const client = await this.#pool.connect();
    try {
      await client.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      try {
        const value = await fn(executorOf(client));
        await client.query(options.rollback || options.readOnly ? 'ROLLBACK' : 'COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  async *stream(sql: string, params: readonly SqlValue[], options: StreamOptions): AsyncIterable<Row[]> {
    const client = await this.#pool.connect();
    const cursor = `lethe_cursor_${++cursorNumber}`;
    let open = false;
    try {
      await client.query('BEGIN READ ONLY');
      open = true;
      await client.query(
        `DECLARE ${cursor} NO SCROLL CURSOR FOR ${numberPlaceholders(sql)}`,
        params.map(bindable),
      );
      const size = Math.max(1, Math.floor(options.batchSize));
      for (;;) {
        const { rows } = await client.query(`FETCH FORWARD ${size} FROM ${cursor}`);
        if (rows.length === 0) break;
        yield rows as Row[];
        if (rows.length < size) break;
      }
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  introspect(): Promise<DbSchema> {
    return introspectPostgres(this.#executor);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
