import type { SqlConnection } from './connection.js';
import { parseDatabaseUrl, redactUrl } from './database-url.js';
import type { RetryOnDeadlockOptions } from './retry-on-deadlock.js';

export interface OpenConnectionOptions {
  /** Relative SQLite paths resolve against this folder (default: the working directory). */
  baseDir?: string;
  /** Open the database so that it refuses writes (used by `dataset check` and `dataset scan`). */
  readOnly?: boolean;
  /**
   * Told of each writing transaction that the database aborted for a deadlock or serialization failure, just
   * before it runs again (see retryOnDeadlock).
   */
  onDeadlockRetry?: RetryOnDeadlockOptions['onRetry'];
}

/**
 * Opens a host database from its URL. A malformed or unsupported URL throws `LETHE_E_DATABASE_URL`; a database
 * that can't be reached (or a SQLite file that doesn't exist) throws `LETHE_E_DATABASE_UNREACHABLE`.
 */
export async function openConnection(
  url: string,
  options: OpenConnectionOptions = {},
): Promise<SqlConnection> {
  const parsed = parseDatabaseUrl(url, options.baseDir);
  const shown = redactUrl(url);
  const readOnly = options.readOnly === true;
  const retry = options.onDeadlockRetry ? { onDeadlockRetry: options.onDeadlockRetry } : {};
  // Each dialect's driver is loaded only when a database of that dialect is opened.
  switch (parsed.dialect) {
    case 'sqlite': {
      const { SqliteConnection } = await import('../dialects/sqlite/index.js');
      return SqliteConnection.open(parsed.target, { url: shown, readOnly, ...retry });
    }
    case 'postgres': {
      const { PostgresConnection } = await import('../dialects/postgres/index.js');
      return PostgresConnection.open(parsed.target, {
        url: shown,
        readOnly,
        ...retry,
        ...(parsed.schema ? { schema: parsed.schema } : {}),
      });
    }
    case 'mysql': {
      const { MysqlConnection } = await import('../dialects/mysql/index.js');
      return MysqlConnection.open(parsed.target, { url: shown, readOnly, ...retry });
    }
  }
}
