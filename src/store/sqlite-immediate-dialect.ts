import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/** Kysely's SQLite driver, but its transactions begin with BEGIN IMMEDIATE. */
class SqliteImmediateDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's SQLite dialect whose transactions take the write lock as they begin (BEGIN IMMEDIATE), waiting for it
 * within the busy timeout. The store's transactions read, then write (the audit chain's head, a check before an
 * insert). Begun deferred, such a transaction fails at once with SQLITE_BUSY ("database is locked") when another
 * process wrote to the file since its first read, without waiting: that happens as soon as `lethe worker`, the
 * server (`serve --no-worker`) or a CLI command share one SQLite store.
 */
export class SqliteImmediateDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new SqliteImmediateDriver(this.#config);
  }
}
