import { dirname, join, resolve } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { LetheError } from '../../../src/errors/index.js';

/** Parses `sqlite:/abs/path/campus.db` (or a plain path) into a file path. */
export function campusDatabasePath(url: string): string {
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path === '' || path === ':memory:') {
    throw new LetheError('LETHE_E_DATABASE_URL', `The campus items need a database file, not "${url}".`, {
      database: url,
    });
  }
  return resolve(path);
}

/**
 * Sets a connection up as the campus application runs its database: foreign keys on, a busy timeout, and the
 * write-ahead log (as a web application would, so that readers go on while an erase writes, and each of the many
 * small erase transactions commits with one sync of the log instead of a rollback journal's several).
 */
export function openCampusConnection(db: Database.Database): void {
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Switching takes an exclusive lock: only when the file is not in WAL mode already (a database built elsewhere).
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
}

/**
 * The campus database as the items use it: opened on first use (so that items can be listed before the
 * database exists), with a cache of prepared statements.
 */
export class CampusDatabase {
  readonly path: string;
  readonly filesDir: string;
  #db: Database.Database | undefined;
  readonly #statements = new Map<string, Statement>();

  private constructor(path: string, filesDir: string | undefined) {
    this.path = path;
    this.filesDir = filesDir ? resolve(filesDir) : join(dirname(path), 'files');
  }

  /** The database named by a `sqlite:` URL (or a path); opened on first use. */
  static fromUrl(options: { database: string; filesDir?: string }): CampusDatabase {
    return new CampusDatabase(campusDatabasePath(options.database), options.filesDir);
  }

  /** Wraps a connection that is already open (its owner closes it). */
  static fromConnection(db: Database.Database, filesDir?: string): CampusDatabase {
    const campus = new CampusDatabase(db.memory ? resolve('campus.db') : db.name, filesDir);
    campus.#db = db;
    return campus;
  }

  get db(): Database.Database {
    if (!this.#db) {
      try {
        this.#db = new Database(this.path, { fileMustExist: true });
      } catch (error) {
        throw new LetheError(
          'LETHE_E_DATABASE_UNREACHABLE',
          `Cannot open the campus database ${this.path}: ${(error as Error).message}`,
          { database: this.path },
        );
      }
      openCampusConnection(this.#db);
    }
    return this.#db;
  }

  /** A prepared statement, cached by its SQL text. */
  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.#db?.close();
    this.#db = undefined;
  }
}
