import { type Kysely, sql } from 'kysely';
import type { StoreMigration } from './store-migration.js';

/**
 * Indexes for the reports: requests of one kind in created_at order (the default sort, and the keyset pages
 * that stream a report), export requests by type, and each subject's latest succeeded purge.
 */
export const reportIndexesMigration: StoreMigration = {
  name: '005-report-indexes',
  async up(db: Kysely<unknown>) {
    await sql`create index requests_kind_created on requests (kind, created_at, id)`.execute(db);
    await sql`create index requests_export_type on requests (export_type_id)`.execute(db);
    await sql`create index requests_subject_finished on requests (subject_id, kind, status, finished_at)`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    for (const name of ['requests_subject_finished', 'requests_export_type', 'requests_kind_created']) {
      await sql`drop index ${sql.id(name)}`.execute(db);
    }
  },
};
