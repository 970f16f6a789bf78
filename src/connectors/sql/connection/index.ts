export type {
  Row,
  SqlConnection,
  SqlExecutor,
  SqlValue,
  StreamOptions,
  TransactionOptions,
} from './connection.js';
export { type ParsedDatabaseUrl, parseDatabaseUrl, redactUrl } from './database-url.js';
export {
  type ColumnInfo,
  columnOf,
  type DbSchema,
  type ForeignKey,
  foreignKeysTo,
  schemaOf,
  type TableInfo,
} from './db-schema.js';
export { type OpenConnectionOptions, openConnection } from './open-connection.js';
export {
  defaultRetryOnDeadlock,
  isDeadlock,
  type RetryOnDeadlockOptions,
  retryDelay,
  retryOnDeadlock,
} from './retry-on-deadlock.js';
export {
  mysqlDialect,
  postgresDialect,
  type SqlDialect,
  type SqlDialectName,
  sqliteDialect,
} from './sql-dialect.js';
export { familiesJoin, type TypeFamily, typeFamily } from './type-family.js';
