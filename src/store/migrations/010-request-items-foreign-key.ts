import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect-name.js';
import type { StoreMigration } from './store-migration.js';

/**
 * On PostgreSQL, `request_items` loses its foreign key to `requests`. A foreign key is checked there by a trigger
 * for each row, which locks the request row it names (`FOR KEY SHARE`): a batch of 2,000 automatic purges writes
 * 2,000 result rows after each item, and those checks were 40% of writing them (about 200 ms of a 2,000-subject
 * purge). Nothing is lost: results are written only by `writeItemResults` (joined with the request, held by the
 * worker, in the same statement) and by closing a request's remaining items (read from the request first), and
 * requests are never deleted, so the cascade never ran. SQLite keeps its foreign key, which costs little there.
 * Going down adds the key back.
 */
export const requestItemsForeignKeyMigration: StoreMigration = {
  name: '010-request-items-foreign-key',
  async up(db: Kysely<unknown>, dialect: StoreDialect) {
    if (dialect !== 'postgres') return;
    const keys = await sql<{ name: string }>`select c.conname as name from pg_constraint as c
      join pg_class as t on t.oid = c.conrelid
      join pg_namespace as n on n.oid = t.relnamespace
      where c.contype = 'f' and t.relname = 'request_items' and n.nspname = current_schema()`.execute(db);
    for (const key of keys.rows) {
      await sql`alter table request_items drop constraint ${sql.ref(key.name)}`.execute(db);
    }
  },
  async down(db: Kysely<unknown>, dialect: StoreDialect) {
    if (dialect !== 'postgres') return;
    await sql`alter table request_items add constraint request_items_request_id_fkey
      foreign key (request_id) references requests (id) on delete cascade`.execute(db);
  },
};
