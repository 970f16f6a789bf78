import { type Kysely, sql } from 'kysely';
import type { StoreMigration } from './store-migration.js';

/**
 * Makes "one open purge per subject" and "one export per subject at a time" hold in the store itself (partial
 * unique indexes, which SQLite and PostgreSQL both have), and indexes the lease columns the worker reclaims by.
 */
export const requestQueueMigration: StoreMigration = {
  name: '003-request-queue',
  async up(db: Kysely<unknown>) {
    await sql`create unique index requests_one_open_purge on requests (subject_id)
      where kind = 'purge' and dry_run = 0 and status in ('pending', 'running')`.execute(db);
    await sql`create unique index requests_one_open_export on requests (subject_id)
      where kind = 'export' and status in ('pending', 'running', 'succeeded')`.execute(db);
    await sql`create index requests_lease on requests (status, lease_expires_at)`.execute(db);
    await sql`create index requests_type_subject on requests (purge_type_id, subject_id)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const name of [
      'requests_type_subject',
      'requests_lease',
      'requests_one_open_export',
      'requests_one_open_purge',
    ]) {
      await sql`drop index ${sql.id(name)}`.execute(db);
    }
  },
};
