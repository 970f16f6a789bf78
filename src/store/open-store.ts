import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import pg from 'pg';
import { LetheError, messageOf } from '../errors/index.js';
import { StatementCache } from '../sqlite/statement-cache.js';
import type { Database } from './database.js';
import type { StoreDialect } from './dialect-name.js';
import { migrateToLatest } from './migrate.js';
import { PostgresSchemaDialect } from './postgres-schema-dialect.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';
import { parseStoreUrl, redactStoreUrl } from './store-url.js';

// bigint and numeric counts come back from pg as strings; every such value Lethe stores fits in a double.
pg.types.setTypeParser(20, (value) => Number(value));

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly url: string;
  /** PostgreSQL: the schema the store works in (`public` unless one was given). */
  readonly schema: string | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Resolve relative SQLite paths against this folder (the config file's). */
  baseDir?: string;
  /** PostgreSQL only: work inside this schema (tests use one schema each). */
  schema?: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /**
   * PostgreSQL only: told when the server ends one of the pool's sessions (a restart, a failover,
   * pg_terminate_backend). The pool drops that session and opens a new one when next needed; a query that was
   * running on it fails as usual. By default a line is written to stderr.
   */
  onConnectionLost?: (error: Error) => void;
  /** SQLite only: how long a statement waits for another process's write lock (sqliteBusyTimeoutMs by default). */
  busyTimeoutMs?: number;
}

/** How long a statement on an SQLite store waits for another process's write lock before it fails. */
export const sqliteBusyTimeoutMs = 10_000;

function logConnectionLost(error: Error): void {
  process.stderr.write(
    `lethe: the PostgreSQL store lost a connection (${error.message}); it reconnects when next needed.\n`,
  );
}

/** Opens the engine's store and brings its schema up to date. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseStoreUrl(url, options.baseDir);
  const schema = options.schema ?? parsed.schema;
  let db: Kysely<Database>;
  if (parsed.dialect === 'sqlite') {
    if (parsed.target !== ':memory:') mkdirSync(dirname(parsed.target), { recursive: true });
    let sqlite: SqliteDatabase.Database;
    try {
      sqlite = new SqliteDatabase(parsed.target);
    } catch (error) {
      throw new LetheError(
        'LETHE_E_STORE_UNAVAILABLE',
        `Cannot open the SQLite store at ${parsed.target}: ${messageOf(error)}`,
      );
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // A locked file is waited for by the dialect, without blocking the event loop (see SqliteImmediateDialect).
    sqlite.pragma('busy_timeout = 0');
    // Kysely prepares each query anew: the store's statements are kept instead (see StatementCache).
    const statements = new StatementCache(sqlite);
    const database = { prepare: (sql: string) => statements.prepare(sql), close: () => sqlite.close() };
    const open = sqlite;
    db = new Kysely<Database>({
      dialect: new SqliteImmediateDialect(
        { database },
        { timeoutMs: options.busyTimeoutMs ?? sqliteBusyTimeoutMs, inTransaction: () => open.inTransaction },
      ),
    });
  } else {
    const pool = new pg.Pool({
      connectionString: parsed.target,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // A session ended by the server makes its client emit 'error': through the pool when the client is idle, on
    // the client itself when it is checked out. Unhandled, either would crash the process. Each client's first
    // error is reported once (a FATAL message and then the closed socket both come as errors); pg removes the client.
    const onLost = options.onConnectionLost ?? logConnectionLost;
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      let reported = false;
      client.on('error', (error: Error) => {
        if (reported) return;
        reported = true;
        onLost(error);
      });
    });
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new LetheError(
        'LETHE_E_STORE_UNAVAILABLE',
        `Cannot reach the PostgreSQL store: ${messageOf(error)}`,
        {
          url: redactStoreUrl(parsed.target),
        },
      );
    }
    db = new Kysely<Database>({ dialect: new PostgresSchemaDialect({ pool }, schema ?? 'public') });
  }
  const store: Store = {
    db,
    dialect: parsed.dialect,
    url,
    schema: parsed.dialect === 'postgres' ? (schema ?? 'public') : undefined,
    close: () => db.destroy(),
  };
  if (options.migrate !== false) {
    try {
      await migrateToLatest(store);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}
