import { type Kysely, sql } from 'kysely';
import type { StoreMigration } from './store-migration.js';

const columns = ['next_attempt_at', 'last_attempt_at', 'attempts'] as const;

/**
 * Outbox retries: each message records how many times SMTP was tried, when last, and when it may be tried next
 * (null once it is sent or has failed for good). Messages already in the outbox that were never sent, queued or
 * failed, become due at once, so the outbox retry job sends them when SMTP is configured.
 */
export const outboxRetryMigration: StoreMigration = {
  name: '007-outbox-retry',
  async up(db: Kysely<unknown>) {
    // One column a statement: SQLite adds only one at a time.
    await db.schema
      .alterTable('outbox')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('outbox').addColumn('last_attempt_at', 'varchar(32)').execute();
    await db.schema.alterTable('outbox').addColumn('next_attempt_at', 'varchar(32)').execute();
    await sql`update outbox set attempts = 1, last_attempt_at = sent_at where sent_at is not null`.execute(
      db,
    );
    await sql`update outbox set attempts = 1, next_attempt_at = created_at
      where sent_at is null and error is not null`.execute(db);
    await sql`update outbox set next_attempt_at = created_at where sent_at is null and error is null`.execute(
      db,
    );
    await sql`create index outbox_next_attempt on outbox (next_attempt_at)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop index outbox_next_attempt`.execute(db);
    for (const column of columns) await db.schema.alterTable('outbox').dropColumn(column).execute();
  },
};
