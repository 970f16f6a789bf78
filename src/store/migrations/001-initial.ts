import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect-name.js';
import type { StoreMigration } from './store-migration.js';

function idColumn(dialect: StoreDialect) {
  return dialect === 'postgres' ? ('serial' as const) : ('integer' as const);
}

/** The engine's tables for subjects, types, settings, audit and requests, plus the initial export type. */
export const initialMigration: StoreMigration = {
  name: '001-initial',
  async up(db: Kysely<unknown>, dialect: StoreDialect) {
    const id = idColumn(dialect);
    const auto = (c: import('kysely').ColumnDefinitionBuilder) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

    await db.schema
      .createTable('subjects')
      .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('username', 'varchar(255)', (c) => c.notNull())
      .addColumn('email', 'varchar(320)', (c) => c.notNull())
      .addColumn('full_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('status_changed_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('suspended_purge_type_id', 'integer')
      .addColumn('deleted_purge_type_id', 'integer')
      .addColumn('legacy', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('subjects_status')
      .on('subjects')
      .columns(['status', 'status_changed_at'])
      .execute();
    await db.schema.createIndex('subjects_email').on('subjects').column('email').execute();
    await db.schema.createIndex('subjects_username').on('subjects').column('username').execute();

    await db.schema
      .createTable('subject_status_changes')
      .addColumn('id', id, auto)
      .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('from_status', 'varchar(16)')
      .addColumn('to_status', 'varchar(16)', (c) => c.notNull())
      .addColumn('changed_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('actor', 'varchar(255)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('subject_status_changes_subject')
      .on('subject_status_changes')
      .column('subject_id')
      .execute();

    await db.schema
      .createTable('export_types')
      .addColumn('id', id, auto)
      .addColumn('idnumber', 'varchar(100)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('allow_self', 'integer', (c) => c.notNull())
      .addColumn('include_files', 'integer', (c) => c.notNull())
      .addColumn('initial', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('known_items', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('export_type_items')
      .addColumn('type_id', 'integer', (c) => c.notNull().references('export_types.id').onDelete('cascade'))
      .addColumn('item_key', 'varchar(255)', (c) => c.notNull())
      .addPrimaryKeyConstraint('export_type_items_pk', ['type_id', 'item_key'])
      .execute();

    await db.schema
      .createTable('purge_types')
      .addColumn('id', id, auto)
      .addColumn('idnumber', 'varchar(100)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('allow_manual', 'integer', (c) => c.notNull())
      .addColumn('allow_automatic', 'integer', (c) => c.notNull())
      .addColumn('known_items', 'text', (c) => c.notNull())
      .addColumn('reapplied_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('purge_type_items')
      .addColumn('type_id', 'integer', (c) => c.notNull().references('purge_types.id').onDelete('cascade'))
      .addColumn('item_key', 'varchar(255)', (c) => c.notNull())
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addPrimaryKeyConstraint('purge_type_items_pk', ['type_id', 'item_key'])
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', id, auto)
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('actor', 'varchar(255)', (c) => c.notNull())
      .addColumn('action', 'varchar(100)', (c) => c.notNull())
      .addColumn('target_type', 'varchar(64)', (c) => c.notNull())
      .addColumn('target_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_target')
      .on('audit_events')
      .columns(['target_type', 'target_id'])
      .execute();
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull())
      .execute();
    await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

    await db.schema
      .createTable('requests')
      .addColumn('id', id, auto)
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('origin', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('export_type_id', 'integer')
      .addColumn('purge_type_id', 'integer')
      .addColumn('plan', 'text')
      .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('requested_by', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('started_at', 'varchar(32)')
      .addColumn('finished_at', 'varchar(32)')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(3))
      .addColumn('lease_owner', 'varchar(255)')
      .addColumn('lease_expires_at', 'varchar(32)')
      .addColumn('subject_status', 'varchar(16)', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('file_path', 'text')
      .addColumn('file_size', 'bigint')
      .addColumn('file_sha256', 'varchar(64)')
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('download_token', 'varchar(128)')
      .execute();
    await db.schema.createIndex('requests_queue').on('requests').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('requests_subject').on('requests').columns(['subject_id', 'kind']).execute();

    await db.schema
      .createTable('request_items')
      .addColumn('request_id', 'integer', (c) => c.notNull().references('requests.id').onDelete('cascade'))
      .addColumn('item_key', 'varchar(255)', (c) => c.notNull())
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('message', 'text')
      .addColumn('started_at', 'varchar(32)')
      .addColumn('finished_at', 'varchar(32)')
      .addColumn('duration_ms', 'integer')
      .addPrimaryKeyConstraint('request_items_pk', ['request_id', 'item_key'])
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', id, auto)
      .addColumn('recipient', 'varchar(320)', (c) => c.notNull())
      .addColumn('subject', 'varchar(255)', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('sent_at', 'varchar(32)')
      .addColumn('error', 'text')
      .execute();

    await db.schema
      .createTable('job_leases')
      .addColumn('job', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(255)')
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('last_run_at', 'varchar(32)')
      .execute();

    const now = new Date().toISOString();
    await sql`insert into export_types (idnumber, name, description, allow_self, include_files, initial, known_items, created_at, updated_at)
      values ('all-data', 'All data', 'Every item, including files.', 0, 1, 1, '[]', ${now}, ${now})`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'job_leases',
      'outbox',
      'request_items',
      'requests',
      'audit_head',
      'audit_events',
      'settings',
      'purge_type_items',
      'purge_types',
      'export_type_items',
      'export_types',
      'subject_status_changes',
      'subjects',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
