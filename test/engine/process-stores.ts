import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { createPgSchema, dropPgSchema } from '../support/stores.js';

/** A store that other processes can open too: an SQLite file, or a PostgreSQL schema of its own. */
export interface SharedStore {
  dialect: 'sqlite' | 'postgres';
  store: Store;
  /** What a child process needs to open it. */
  env: { CHILD_STORE: string; CHILD_SCHEMA: string };
  dispose(keep: boolean): Promise<void>;
}

export function sharedStoreTargets(): ('sqlite' | 'postgres')[] {
  return process.env['LETHE_TEST_PG'] ? ['sqlite', 'postgres'] : ['sqlite'];
}

export async function openSharedStore(dialect: 'sqlite' | 'postgres'): Promise<SharedStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-proc-'));
    const url = `sqlite:${join(dir, 'lethe.db')}`;
    const store = await openStore(url);
    return {
      dialect,
      store,
      env: { CHILD_STORE: url, CHILD_SCHEMA: '' },
      async dispose(keep) {
        await store.close();
        if (keep) console.error(`kept SQLite store ${url} for inspection`);
        else rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env['LETHE_TEST_PG'] ?? '';
  const schema = await createPgSchema(url);
  let store: Store;
  try {
    store = await openStore(url, { schema });
  } catch (error) {
    console.error(`kept PostgreSQL schema ${schema} for inspection`);
    throw error;
  }
  return {
    dialect,
    store,
    env: { CHILD_STORE: url, CHILD_SCHEMA: schema },
    async dispose(keep) {
      await store.close();
      if (keep) console.error(`kept PostgreSQL schema ${schema} for inspection`);
      else await dropPgSchema(url, schema);
    },
  };
}
