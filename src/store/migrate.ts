import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from 'kysely';
import { LetheError } from '../errors/index.js';
import type { Database } from './database.js';
import type { StoreDialect } from './dialect-name.js';
import { migrations } from './migrations/index.js';

interface MigratableStore {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** PostgreSQL: the schema the store lives in. Kysely looks for its lock table in every schema otherwise. */
  schema?: string | undefined;
}

function migrator(store: MigratableStore): Migrator {
  const provider: MigrationProvider = {
    async getMigrations() {
      const all: Record<string, Migration> = {};
      for (const migration of migrations) {
        all[migration.name] = {
          up: (db) => migration.up(db, store.dialect),
          down: (db) => migration.down(db, store.dialect),
        };
      }
      return all;
    },
  };
  return new Migrator({
    db: store.db,
    provider,
    ...(store.dialect === 'postgres' ? { migrationTableSchema: store.schema ?? 'public' } : {}),
  });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new LetheError(
      'LETHE_E_MIGRATION_FAILED',
      `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((result.error as Error).message ?? result.error)}`,
      { results: result.results ?? [] },
    );
  }
  return result;
}

export async function migrateToLatest(store: MigratableStore): Promise<MigrationResultSet> {
  return check(await migrator(store).migrateToLatest());
}

/** Reverses the most recent migration. */
export async function migrateDown(store: MigratableStore): Promise<MigrationResultSet> {
  return check(await migrator(store).migrateDown());
}

export async function migrationStatus(store: MigratableStore) {
  return migrator(store).getMigrations();
}
