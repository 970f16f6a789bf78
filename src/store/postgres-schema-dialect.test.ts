import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgSchema, dropPgSchema } from '../../test/support/stores.js';
import { openStore, type Store } from './open-store.js';

const url = process.env['LETHE_TEST_PG'] ?? '';

describe.runIf(url)('a PostgreSQL store in its own schema [postgres]', () => {
  const schemas: string[] = [];
  const stores: Store[] = [];

  async function freshSchema(): Promise<string> {
    const schema = await createPgSchema(url);
    schemas.push(schema);
    return schema;
  }

  afterEach(async (context) => {
    const failed = context.task.result?.state === 'fail';
    for (const store of stores.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) {
      if (failed) console.error(`kept PostgreSQL schema ${schema} for inspection`);
      else await dropPgSchema(url, schema);
    }
  });

  it('introspects only its own schema', async () => {
    const other = await freshSchema();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create table ${other}.elsewhere (id serial primary key)`);
    } finally {
      await client.end();
    }
    const schema = await freshSchema();
    const store = await openStore(url, { schema });
    stores.push(store);

    expect(await store.db.introspection.getSchemas()).toEqual([{ name: schema }]);
    const tables = await store.db.introspection.getTables();
    const names = tables.map((t) => t.name);
    expect(names).toContain('subjects');
    expect(names).not.toContain('elsewhere');
    expect(names).not.toContain('kysely_migration');
    expect(tables.every((t) => t.schema === schema)).toBe(true);
    const internal = await store.db.introspection.getTables({ withInternalKyselyTables: true });
    expect(internal.map((t) => t.name)).toEqual(
      expect.arrayContaining(['kysely_migration', 'kysely_migration_lock']),
    );

    const tokens = tables.find((t) => t.name === 'api_tokens');
    expect(tokens?.columns[0]).toMatchObject({ name: 'id', dataType: 'int4', isAutoIncrementing: true });
    expect(tokens?.columns.find((c) => c.name === 'name')).toMatchObject({
      dataType: 'varchar',
      isNullable: false,
      isAutoIncrementing: false,
      hasDefaultValue: false,
    });
    expect(tokens?.columns.find((c) => c.name === 'expires_at')).toMatchObject({ isNullable: true });
  });

  it('creates a schema that does not exist yet, and migrates into it', async () => {
    const schema = `lethe_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const store = await openStore(url, { schema });
    stores.push(store);
    expect(store.schema).toBe(schema);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const found = await client.query<{ table_schema: string }>(
        `select table_schema from information_schema.tables where table_name = 'kysely_migration'
           and table_schema = $1`,
        [schema],
      );
      expect(found.rows).toHaveLength(1);
      const subjects = await client.query<{ n: string | number }>(
        `select count(*) as n from ${schema}.subjects`,
      );
      expect(Number(subjects.rows[0]?.n)).toBe(0);
    } finally {
      await client.end();
    }
  });

  it("takes its schema from the URL's schema parameter", async () => {
    const schema = `lethe_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const store = await openStore(`${url}${url.includes('?') ? '&' : '?'}schema=${schema}`);
    stores.push(store);
    expect(store.schema).toBe(schema);
    await store.db.insertInto('job_leases').values({ job: 'in-schema' }).execute();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const found = await client.query<{ job: string }>(`select job from ${schema}.job_leases`);
      expect(found.rows.map((r) => r.job)).toEqual(['in-schema']);
    } finally {
      await client.end();
    }
  });

  it('migrates while other sessions create and drop schemas of their own', async () => {
    // Another test run, in miniature: schemas with tables come and go the whole time the stores migrate.
    const churn = new pg.Client({ connectionString: url });
    await churn.connect();
    let stop = false;
    let churned = 0;
    const churning = (async () => {
      while (!stop) {
        const name = `lethe_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
        await churn.query(
          `create schema ${name}; create table ${name}.kysely_migration (name varchar(255) primary key);
           create table ${name}.t (id serial primary key, note text)`,
        );
        await churn.query(`drop schema ${name} cascade`);
        churned++;
      }
    })();
    try {
      for (let i = 0; i < 2; i++) {
        const store = await openStore(url, { schema: await freshSchema() });
        stores.push(store);
      }
      // What Kysely's Migrator asks before every run. Reading every schema, about one such call in eight failed.
      const [store] = stores;
      for (let i = 0; i < 100; i++) {
        await store?.db.introspection.getSchemas();
        await store?.db.introspection.getTables({ withInternalKyselyTables: true });
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    expect(churned).toBeGreaterThan(0);
  });
});
