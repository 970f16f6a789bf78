import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect-name.js';
import type { StoreMigration } from './store-migration.js';

/** Columns that record who did something: `subject:<id>` (an id is up to 255 characters) and `X as Y` overflow 255. */
const actorColumns = [
  ['subject_status_changes', 'actor'],
  ['audit_events', 'actor'],
  ['requests', 'requested_by'],
  ['api_tokens', 'created_by'],
] as const;

/**
 * Actors become text: a self-service subject acts as `subject:<id>`, and an account acting as another as
 * `account:1 as subject:<id>`, longer than the 255 characters these columns held when an id is long. SQLite does
 * not enforce a varchar's length, so only PostgreSQL changes. Going down shortens them again (cutting longer values).
 */
export const actorColumnsMigration: StoreMigration = {
  name: '008-actor-columns',
  async up(db: Kysely<unknown>, dialect: StoreDialect) {
    if (dialect !== 'postgres') return;
    for (const [table, column] of actorColumns) {
      await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text`.execute(db);
    }
  },
  async down(db: Kysely<unknown>, dialect: StoreDialect) {
    if (dialect !== 'postgres') return;
    for (const [table, column] of actorColumns) {
      await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type varchar(255)
        using left(${sql.ref(column)}, 255)`.execute(db);
    }
  },
};
