import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/** How the store waits for another process's write lock. */
export interface SqliteBusyWait {
  /** How long a statement may wait for the lock in all before it fails with SQLITE_BUSY. */
  timeoutMs: number;
  /** Whether the connection is inside a transaction now (better-sqlite3's `inTransaction`). */
  inTransaction: () => boolean;
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'SQLITE_BUSY';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hands the one connection to one query or transaction at a time, in turn. */
class Gate {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  async lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

/**
 * The one connection, waiting for another process's write lock without blocking the event loop, and without
 * keeping the store's other queries waiting. The file's own busy timeout is 0, so a statement that cannot take the
 * lock fails at once with SQLITE_BUSY; outside a transaction (a lone write, or the BEGIN IMMEDIATE that starts one:
 * inside a transaction begun IMMEDIATE the lock is already held) it is tried again after a short pause (1 ms,
 * doubling to 8 ms), until `timeoutMs` have passed. During the pause the connection is handed to the next query in
 * turn (nothing of this one's is open on it). SQLite's own busy handler sleeps in the calling thread, which for
 * better-sqlite3 is the process's only one: a server whose write waited on a worker's lock stopped answering every
 * request meanwhile (up to the whole busy timeout), and the handler's sleeps (up to 100 ms) could keep missing the
 * gaps between the workers' writes.
 */
class BusyWaitingConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection;
  readonly #wait: SqliteBusyWait;
  readonly #gate: Gate;

  constructor(inner: DatabaseConnection, wait: SqliteBusyWait, gate: Gate) {
    this.#inner = inner;
    this.#wait = wait;
    this.#gate = gate;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const started = Date.now();
    let pause = 1;
    for (;;) {
      try {
        return await this.#inner.executeQuery<R>(query);
      } catch (error) {
        if (!isBusy(error) || this.#wait.inTransaction() || Date.now() - started >= this.#wait.timeoutMs) {
          throw error;
        }
        this.#gate.unlock();
        try {
          await sleep(pause);
        } finally {
          await this.#gate.lock();
        }
        pause = Math.min(pause * 2, 8);
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * Kysely's SQLite driver, but its transactions begin with BEGIN IMMEDIATE, and a busy file is waited for apart.
 * Kysely's own turn-taking is replaced by a Gate that the waiting connection can hand on: the driver takes Kysely's
 * connection once, for good, and shares it out itself.
 */
class SqliteImmediateDriver extends SqliteDriver {
  readonly #wait: SqliteBusyWait;
  readonly #gate = new Gate();
  #connection: BusyWaitingConnection | undefined;

  constructor(config: SqliteDialectConfig, wait: SqliteBusyWait) {
    super(config);
    this.#wait = wait;
  }

  override async init(): Promise<void> {
    await super.init();
    this.#connection = new BusyWaitingConnection(await super.acquireConnection(), this.#wait, this.#gate);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#gate.lock();
    return this.#connection as BusyWaitingConnection;
  }

  override async releaseConnection(): Promise<void> {
    this.#gate.unlock();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's SQLite dialect whose transactions take the write lock as they begin (BEGIN IMMEDIATE), and which waits
 * for a lock held by another process without blocking the event loop or the store's other queries (see
 * BusyWaitingConnection). The store's
 * transactions read, then write (the audit chain's head, a check before an insert). Begun deferred, such a
 * transaction fails at once with SQLITE_BUSY ("database is locked") when another process wrote to the file since
 * its first read, without waiting: that happens as soon as `lethe worker`, the server (`serve --no-worker`) or a
 * CLI command share one SQLite store.
 */
export class SqliteImmediateDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #wait: SqliteBusyWait;

  constructor(config: SqliteDialectConfig, wait: SqliteBusyWait) {
    super(config);
    this.#config = config;
    this.#wait = wait;
  }

  override createDriver(): Driver {
    return new SqliteImmediateDriver(this.#config, this.#wait);
  }
}
