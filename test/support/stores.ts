import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

export interface StoreTarget {
  dialect: 'sqlite' | 'postgres';
  url: string;
}

/** SQLite always; PostgreSQL when LETHE_TEST_PG is set (and then it must be reachable, or the tests fail). */
export function storeTargets(): StoreTarget[] {
  const targets: StoreTarget[] = [{ dialect: 'sqlite', url: 'sqlite::memory:' }];
  const pgUrl = process.env['LETHE_TEST_PG'];
  if (pgUrl) targets.push({ dialect: 'postgres', url: pgUrl });
  return targets;
}

export async function createPgSchema(url: string): Promise<string> {
  const schema = `lethe_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  return schema;
}

export async function dropPgSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Opens a fresh, migrated store for a target. PostgreSQL gets its own schema; if the store cannot be opened there
 * (a migration fails, say), the schema is kept and its name printed, as for a failed test.
 */
export async function openTestStore(target: StoreTarget): Promise<{ store: Store; schema?: string }> {
  if (target.dialect === 'sqlite') return { store: await openStore(target.url) };
  const schema = await createPgSchema(target.url);
  try {
    return { store: await openStore(target.url, { schema }), schema };
  } catch (error) {
    console.error(`kept PostgreSQL schema ${schema} for inspection`);
    throw error;
  }
}

/**
 * Runs a describe block once per store dialect, with a fresh store for every test. A PostgreSQL test's schema is
 * dropped when the test passes and kept (its name printed) when it fails, so what was left behind can be read.
 */
export function describeEachStore(
  name: string,
  body: (ctx: { store: () => Store; target: StoreTarget }) => void,
) {
  for (const target of storeTargets()) {
    describe(`${name} [${target.dialect}]`, () => {
      let current: Store | undefined;
      let schema: string | undefined;
      beforeEach(async () => {
        const opened = await openTestStore(target);
        current = opened.store;
        schema = opened.schema;
      });
      afterEach(async (context) => {
        // Vitest runs onTestFailed handlers after afterEach hooks: the test's own state is what tells here.
        const failed = context.task.result?.state === 'fail';
        // Only this test's schema: after a beforeEach that failed, `schema` must not still name the previous one.
        const own = schema;
        schema = undefined;
        await current?.close();
        current = undefined;
        if (own) {
          if (failed) console.error(`kept PostgreSQL schema ${own} for inspection`);
          else await dropPgSchema(target.url, own);
        }
      });
      body({
        store: () => {
          if (!current) throw new Error('the store is only open inside a test');
          return current;
        },
        target,
      });
    });
  }
}
