import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect-name.js';
import type { StoreMigration } from './store-migration.js';

/** The roles every store starts with, and the capabilities each is granted. */
const builtinRoles: { shortname: string; name: string; description: string; capabilities: string[] }[] = [
  {
    shortname: 'administrator',
    name: 'Administrator',
    description:
      'Configures Lethe and manages accounts. Everything but anonymisation, which must be granted.',
    capabilities: [
      'userdata:config',
      'userdata:viewreports',
      'userdata:purgemanual',
      'userdata:exportother',
      'userdata:exportself',
      'userdata:audit',
    ],
  },
  {
    shortname: 'data-protection-officer',
    name: 'Data protection officer',
    description: "Reads reports and the audit trail, exports and purges people's data.",
    capabilities: ['userdata:viewreports', 'userdata:purgemanual', 'userdata:exportother', 'userdata:audit'],
  },
  {
    shortname: 'authenticated',
    name: 'Authenticated user',
    description: 'A person who logs in to export their own data.',
    capabilities: ['userdata:exportself'],
  },
];

/** Accounts, roles and their capabilities, sessions, API tokens and login attempts. */
export const accountsMigration: StoreMigration = {
  name: '004-accounts',
  async up(db: Kysely<unknown>, dialect: StoreDialect) {
    const id = dialect === 'postgres' ? ('serial' as const) : ('integer' as const);
    const auto = (c: ColumnDefinitionBuilder) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

    await db.schema
      .createTable('accounts')
      .addColumn('id', id, auto)
      .addColumn('username', 'varchar(100)', (c) => c.notNull().unique())
      .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('email', 'varchar(320)', (c) => c.notNull())
      .addColumn('subject_id', 'varchar(255)', (c) => c.unique())
      .addColumn('password_hash', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_login_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('roles')
      .addColumn('id', id, auto)
      .addColumn('shortname', 'varchar(100)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('role_capabilities')
      .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('capability', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_capabilities_pk', ['role_id', 'capability'])
      .execute();

    await db.schema
      .createTable('account_roles')
      .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('account_roles_pk', ['account_id', 'role_id'])
      .execute();

    await db.schema
      .createTable('sessions')
      // the sha256 of the cookie's secret: a leaked table does not give working cookies
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_agent', 'varchar(255)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', id, auto)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('prefix', 'varchar(32)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('revoked_at', 'varchar(32)')
      .addColumn('last_used_at', 'varchar(32)')
      .execute();

    await db.schema
      .createTable('login_attempts')
      .addColumn('id', id, auto)
      .addColumn('username', 'varchar(255)', (c) => c.notNull())
      .addColumn('ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('login_attempts_username')
      .on('login_attempts')
      .columns(['username', 'at'])
      .execute();
    await db.schema.createIndex('login_attempts_ip').on('login_attempts').columns(['ip', 'at']).execute();

    const now = new Date().toISOString();
    for (const role of builtinRoles) {
      await sql`insert into roles (shortname, name, description, builtin, created_at, updated_at)
        values (${role.shortname}, ${role.name}, ${role.description}, 1, ${now}, ${now})`.execute(db);
      for (const capability of role.capabilities) {
        await sql`insert into role_capabilities (role_id, capability)
          select id, ${capability} from roles where shortname = ${role.shortname}`.execute(db);
      }
    }
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'login_attempts',
      'api_tokens',
      'sessions',
      'account_roles',
      'role_capabilities',
      'roles',
      'accounts',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
