import { isAbsolute, resolve } from 'node:path';
import { LetheError } from '../../../errors/index.js';
import type { SqlDialectName } from './sql-dialect.js';

export interface ParsedDatabaseUrl {
  dialect: SqlDialectName;
  /** SQLite: an absolute file path or `:memory:`. PostgreSQL/MySQL: the connection URL without Lethe's own parameters. */
  target: string;
  /** PostgreSQL only: the schema to work in (`?schema=NAME`), else the server's search path. */
  schema?: string;
}

/**
 * Hides the password of a URL, for messages and logs: everything from the first `:` after the user name to the last
 * `@`, so that a password with an unencoded `@` or `/` is hidden whole.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]*):.*@/i, '$1$2:***@');
}

function bad(url: string, why: string): LetheError {
  return new LetheError('LETHE_E_DATABASE_URL', `The database URL "${redactUrl(url)}" ${why}`, {
    url: redactUrl(url),
  });
}

/**
 * Parses a host database URL: `sqlite:PATH` (relative paths resolve against `baseDir`), `sqlite::memory:`,
 * `postgres://USER@HOST/DB[?schema=NAME]` or `mysql://USER@HOST/DB` (`mariadb://` is the same).
 */
export function parseDatabaseUrl(url: string, baseDir: string = process.cwd()): ParsedDatabaseUrl {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw bad(url, 'names no file: use sqlite:PATH.');
    if (path === ':memory:') return { dialect: 'sqlite', target: path };
    return { dialect: 'sqlite', target: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  const scheme = /^([a-z]+):\/\//.exec(url)?.[1];
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql' || scheme === 'mariadb') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad(url, 'is not a valid URL.');
    }
    if (parsed.hostname === '') throw bad(url, 'names no host.');
    if (scheme === 'postgres' || scheme === 'postgresql') {
      const schema = parsed.searchParams.get('schema') ?? undefined;
      if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
        throw bad(url, `names a schema "${schema}" that is not a plain identifier.`);
      }
      parsed.searchParams.delete('schema');
      return { dialect: 'postgres', target: parsed.toString(), ...(schema ? { schema } : {}) };
    }
    if (parsed.pathname.replace(/^\//, '') === '')
      throw bad(url, 'names no database: use mysql://USER@HOST/DB.');
    parsed.protocol = 'mysql:';
    return { dialect: 'mysql', target: parsed.toString() };
  }
  throw bad(url, 'is not supported: use sqlite:PATH, postgres://USER@HOST/DB or mysql://USER@HOST/DB.');
}
