import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo } from '../../../examples/campus/demo/build-demo.js';
import { campusSubjects, closeItems } from '../../../examples/campus/index.js';
import { changeStatus } from '../../../src/engine/subjects/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { repoRoot } from '../../support/cli.js';
import { testEngine } from '../../support/engine.js';
import { createPgSchema, dropPgSchema } from '../../support/stores.js';

export interface CampusOnPostgresOptions {
  /** The PostgreSQL server (LETHE_TEST_PG); the store gets a `lethe_t_*` schema of its own on it. */
  pgUrl: string;
  users: number;
  seed: number;
  /** How many of the campus's active people the host then reports deleted (besides the demo's own). */
  deleteMore: number;
  /** The `worker` section of the config. */
  worker: Record<string, unknown>;
  /** The config's `hashKey`: the same for every build, so `hash` anonymisation gives the same host data. */
  hashKey: string;
}

/** A campus demo whose Lethe store is a PostgreSQL schema of its own, for CLI processes to share. */
export interface CampusOnPostgres {
  dir: string;
  configFile: string;
  campusDatabase: string;
  campusFiles: string;
  schema: string;
  /** The store's URL, naming its schema (what the config file says). */
  storeUrl: string;
  /** The store, opened in the test's own process, to read what the workers left. */
  store: Store;
  /** When the build started: any later timestamp in the host data was written by this campus's own runs. */
  since: string;
  /** The subjects the host reported deleted after the build. */
  deleted: string[];
  /** Closes the store; drops the schema and the folder, or, with `keep`, prints where they are. */
  dispose(keep: boolean): Promise<void>;
}

/** The campus item module as the built CLI loads it (dist/), since a CLI process cannot load the .ts source. */
function builtItemModule(): string {
  const file = join(repoRoot, 'dist', 'examples', 'campus', 'items', 'index.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does).`);
  return file;
}

/**
 * Builds the campus demo (`buildDemo`, the code behind `lethe demo`) in a new folder, with its store in a new
 * `lethe_t_*` schema, then reports `deleteMore` more of its active people deleted, as the host application would.
 * The generator is seeded, so every build with the same users and seed holds the same host data.
 */
export async function buildCampusOnPostgres(options: CampusOnPostgresOptions): Promise<CampusOnPostgres> {
  const since = new Date().toISOString();
  const schema = await createPgSchema(options.pgUrl);
  const url = new URL(options.pgUrl);
  url.searchParams.set('schema', schema);
  const storeUrl = url.toString();
  const dir = mkdtempSync(join(tmpdir(), 'lethe-fault-'));
  let store: Store | undefined;
  try {
    const demo = await buildDemo({
      dir,
      users: options.users,
      seed: options.seed,
      config: { store: storeUrl, hashKey: options.hashKey, worker: options.worker },
    });
    // buildDemo opened the campus database through the items in this process: let the workers have it alone.
    closeItems();
    const config = JSON.parse(readFileSync(demo.configFile, 'utf8')) as {
      items: Array<{ module?: string }>;
    };
    for (const source of config.items) if (source.module) source.module = builtItemModule();
    writeFileSync(demo.configFile, `${JSON.stringify(config, null, 2)}\n`);

    const active = [...campusSubjects(demo.campusDatabase)].filter(
      (p) => p.status === 'active' && !p.legacy && p.username !== 'admin',
    );
    const stride = Math.max(1, Math.floor(active.length / options.deleteMore));
    const deleted = active
      .filter((_, i) => i % stride === 0)
      .slice(0, options.deleteMore)
      .map((p) => p.id);
    store = await openStore(storeUrl, { migrate: false });
    const engine = testEngine(store);
    await changeStatus(engine, 'system:fault-test', deleted, 'deleted');
    rmSync(engine.config.baseDir, { recursive: true, force: true });
    const opened = store;
    return {
      dir,
      configFile: demo.configFile,
      campusDatabase: demo.campusDatabase,
      campusFiles: join(dir, 'campus-files'),
      schema,
      storeUrl,
      store: opened,
      since,
      deleted,
      async dispose(keepIt) {
        await opened.close();
        if (keepIt) {
          console.error(`kept PostgreSQL schema ${schema} and ${dir} for inspection`);
          return;
        }
        await dropPgSchema(options.pgUrl, schema);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await store?.close();
    console.error(`kept PostgreSQL schema ${schema} and ${dir} for inspection`);
    throw error;
  }
}
