import { type Kysely, sql } from 'kysely';
import type { StoreMigration } from './store-migration.js';

/**
 * Acting as another account: a session may act as another account (`acting_as_account_id`, since
 * `acting_since`), and the new capability `userdata:loginas` is granted to the built-in administrator role, in
 * new stores and in existing ones alike.
 */
export const actAsMigration: StoreMigration = {
  name: '006-act-as',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('acting_as_account_id', 'integer').execute();
    await db.schema.alterTable('sessions').addColumn('acting_since', 'varchar(32)').execute();
    await sql`insert into role_capabilities (role_id, capability)
      select r.id, 'userdata:loginas' from roles r
      where r.shortname = 'administrator'
        and not exists (
          select 1 from role_capabilities c where c.role_id = r.id and c.capability = 'userdata:loginas'
        )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`delete from role_capabilities where capability = 'userdata:loginas'`.execute(db);
    await db.schema.alterTable('sessions').dropColumn('acting_since').execute();
    await db.schema.alterTable('sessions').dropColumn('acting_as_account_id').execute();
  },
};
