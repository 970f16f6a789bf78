import { resolve } from 'node:path';
import { LetheError } from '../errors/index.js';
import type { StoreDialect } from './dialect-name.js';

export interface ParsedStoreUrl {
  dialect: StoreDialect;
  /** A file path or ':memory:' for SQLite; the connection string for PostgreSQL. */
  target: string;
}

/** Parses `sqlite:PATH`, `sqlite::memory:` or `postgres://...`. Relative SQLite paths resolve against `baseDir`. */
export function parseStoreUrl(url: string, baseDir: string = process.cwd()): ParsedStoreUrl {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      new URL(url);
    } catch {
      throw new LetheError('LETHE_E_STORE_URL', `The store URL "${url}" is not a valid PostgreSQL URL.`, {
        url,
      });
    }
    return { dialect: 'postgres', target: url };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') {
      throw new LetheError('LETHE_E_STORE_URL', 'The store URL "sqlite:" names no file.', { url });
    }
    return { dialect: 'sqlite', target: path === ':memory:' ? path : resolve(baseDir, path) };
  }
  throw new LetheError(
    'LETHE_E_STORE_URL',
    `The store URL "${url}" is not supported: use sqlite:PATH or postgres://USER@HOST/DB.`,
    { url },
  );
}
