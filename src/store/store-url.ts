import { resolve } from 'node:path';
import { LetheError } from '../errors/index.js';
import type { StoreDialect } from './dialect-name.js';

export interface ParsedStoreUrl {
  dialect: StoreDialect;
  /** A file path or ':memory:' for SQLite; the connection string for PostgreSQL (without `schema`). */
  target: string;
  /** PostgreSQL: the schema named by the URL's `schema` parameter, if any. */
  schema?: string;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The URL with its password replaced by `***`, for messages: it works on URLs that do not parse, too (everything
 * from the first `:` after the user name to the last `@` goes, so a password with a stray `@` or `/` is hidden whole).
 */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]*):.*@/i, '$1$2:***@');
}

/**
 * Parses `sqlite:PATH`, `sqlite::memory:` or `postgres://...[?schema=NAME]`. Relative SQLite paths resolve against
 * `baseDir`. A PostgreSQL URL's `schema` parameter puts the store in that schema (several Lethe stores can share
 * one database that way); it is taken out of the connection string.
 */
export function parseStoreUrl(url: string, baseDir: string = process.cwd()): ParsedStoreUrl {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      const shown = redactStoreUrl(url);
      throw new LetheError('LETHE_E_STORE_URL', `The store URL "${shown}" is not a valid PostgreSQL URL.`, {
        url: shown,
      });
    }
    const schema = parsed.searchParams.get('schema');
    if (schema === null) return { dialect: 'postgres', target: url };
    if (!schemaName.test(schema)) {
      throw new LetheError(
        'LETHE_E_STORE_URL',
        `The store URL's schema "${schema}" is not a plain PostgreSQL name (lower-case letters, digits and _, at most 63).`,
        { schema },
      );
    }
    parsed.searchParams.delete('schema');
    return { dialect: 'postgres', target: parsed.toString(), schema };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') {
      throw new LetheError('LETHE_E_STORE_URL', 'The store URL "sqlite:" names no file.', { url });
    }
    return { dialect: 'sqlite', target: path === ':memory:' ? path : resolve(baseDir, path) };
  }
  const shown = redactStoreUrl(url);
  throw new LetheError(
    'LETHE_E_STORE_URL',
    `The store URL "${shown}" is not supported: use sqlite:PATH or postgres://USER@HOST/DB.`,
    { url: shown },
  );
}
