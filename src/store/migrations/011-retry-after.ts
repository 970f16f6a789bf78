import type { Kysely } from 'kysely';
import type { StoreMigration } from './store-migration.js';

/**
 * Requests record when one given back after a failed attempt may be claimed again (`retry_after`, an ISO time like
 * the other time columns; null: at once). Existing requests have none, so nothing waits. Going down drops it.
 */
export const retryAfterMigration: StoreMigration = {
  name: '011-retry-after',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('requests').addColumn('retry_after', 'varchar(32)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('requests').dropColumn('retry_after').execute();
  },
};
