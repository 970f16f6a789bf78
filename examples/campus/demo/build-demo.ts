import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/index.js';
import type { Engine } from '../../../src/engine/engine.js';
import { openEngine } from '../../../src/engine/open-engine.js';
import { changeStatus } from '../../../src/engine/subjects/index.js';
import { LetheError } from '../../../src/errors/index.js';
import { redactStoreUrl } from '../../../src/store/index.js';
import { campusAnonymousUser, generateCampus } from '../generate.js';
import { createDemoAccounts, demoLogins } from './demo-accounts.js';
import { createDemoTypes } from './demo-types.js';
import { registerCampusPeople } from './register-campus-people.js';

export interface DemoOptions {
  dir: string;
  users: number;
  seed: number;
  /** Extra config values for the demo's lethe.config.json (tests shorten the scan interval). */
  config?: Record<string, unknown>;
}

export interface DemoSummary {
  dir: string;
  configFile: string;
  campusDatabase: string;
  store: string;
  subjects: { total: number; byStatus: Record<string, number>; legacy: number; support: number };
  items: number;
  components: number;
  logins: typeof demoLogins;
  campusRows: Record<string, number>;
}

/** The item module the demo config names: the compiled one next to this file, or its source under Vitest. */
function campusItemModule(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const js = resolve(here, '..', 'items', 'index.js');
  return existsSync(js) ? js : resolve(here, '..', 'items', 'index.ts');
}

/**
 * examples/campus/dataset.yaml: beside this file's folder in the sources; from dist/examples/campus/demo (built),
 * the source tree's copy, since tsc does not copy YAML files.
 */
export function campusDatasetFile(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const source = resolve(here, '..', 'dataset.yaml');
  return existsSync(source)
    ? source
    : resolve(here, '..', '..', '..', '..', 'examples', 'campus', 'dataset.yaml');
}

/**
 * Copies the campus dataset file into the demo folder, where its relative paths (campus.db, campus-files) name the
 * demo's own files: the demo folder is then a complete example of a dataset file next to its config. Only the
 * editor's schema hint changes, to an absolute path.
 */
function writeDemoDataset(dir: string): string {
  const from = campusDatasetFile();
  const schema = resolve(dirname(from), '..', '..', 'docs', 'dataset.schema.json');
  const text = readFileSync(from, 'utf8').replace(
    /^# yaml-language-server: \$schema=.*$/m,
    `# yaml-language-server: $schema=${schema}\n# Copied by \`lethe demo\` from ${from}.`,
  );
  const file = join(dir, 'dataset.yaml');
  writeFileSync(file, text);
  return file;
}

const actor = 'system:demo';

/**
 * Builds the campus demo in `dir`: the host database (`campus.db`, its files in `campus-files`), its dataset file
 * (`dataset.yaml`, a copy of examples/campus/dataset.yaml), Lethe's store (`lethe.db`) with the campus subjects
 * registered, the demo's export and purge types and settings, and `lethe.config.json` naming them all: the dataset
 * file, and the campus code module restricted to the items that must stay in code.
 * It starts from scratch each time.
 */
/** The demo's store unless its options name another: a SQLite file beside the campus. */
const defaultStore = 'sqlite:lethe.db';

export async function buildDemo(options: DemoOptions): Promise<DemoSummary> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  for (const name of [
    'campus.db',
    'campus.db-wal',
    'campus.db-shm',
    'lethe.db',
    'lethe.db-wal',
    'lethe.db-shm',
  ]) {
    rmSync(join(dir, name), { force: true });
  }
  rmSync(join(dir, 'files'), { recursive: true, force: true });
  rmSync(join(dir, 'campus-files'), { recursive: true, force: true });

  const campusDatabase = join(dir, 'campus.db');
  const campusFiles = join(dir, 'campus-files');
  const generated = await generateCampus(campusDatabase, {
    users: options.users,
    seed: options.seed,
    filesDir: campusFiles,
  });

  const configFile = join(dir, 'lethe.config.json');
  const config = {
    store: defaultStore as string,
    files: 'files',
    hashKey: randomBytes(24).toString('hex'),
    // The demo scans for due automatic purges every minute, so that deleting a user shows its purge quickly.
    worker: { purgeScanInterval: 60 },
    // Most items come from the dataset file; the code module adds only the items SQL can't express.
    items: [
      { dataset: writeDemoDataset(dir), database: `sqlite:${campusDatabase}` },
      {
        module: campusItemModule(),
        options: { database: `sqlite:${campusDatabase}`, filesDir: campusFiles, set: 'code-only' },
      },
    ],
    ...options.config,
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const opened = await openEngine(loadConfig({ file: configFile, env: {} }));
  try {
    const engine = opened.engine;
    // The SQLite store was removed above; another store (a PostgreSQL schema) is never emptied by the demo.
    const held = await engine.db.selectFrom('subjects').select('id').limit(1).executeTakeFirst();
    if (held) {
      throw new LetheError(
        'LETHE_E_SUBJECT_EXISTS',
        `The store ${redactStoreUrl(config.store)} already holds subjects: the demo builds into an empty store (a new PostgreSQL schema, say).`,
        { store: redactStoreUrl(config.store) },
      );
    }
    await registerCampusSubjects(engine, campusDatabase);
    await createDemoTypes(engine, actor, anonymousUserIdOf(campusDatabase));
    await createDemoAccounts(engine, actor);
    return {
      dir,
      configFile,
      campusDatabase,
      store: config.store === defaultStore ? join(dir, 'lethe.db') : redactStoreUrl(config.store),
      subjects: await subjectSummary(engine),
      items: engine.items.size,
      components: new Set(engine.items.list().map((i) => i.component)).size,
      logins: demoLogins,
      campusRows: generated.counts,
    };
  } finally {
    await opened.close();
  }
}

function anonymousUserIdOf(campusDatabase: string): string {
  return campusAnonymousUser(campusDatabase).id;
}

async function registerCampusSubjects(engine: Engine, campusDatabase: string): Promise<void> {
  const { people } = await registerCampusPeople(engine, actor, campusDatabase);
  for (const status of ['suspended', 'deleted'] as const) {
    const ids = people.filter((p) => !p.legacy && p.status === status).map((p) => p.id);
    if (ids.length > 0) await changeStatus(engine, actor, ids, status);
  }
}

async function subjectSummary(engine: Engine): Promise<DemoSummary['subjects']> {
  const rows = await engine.db
    .selectFrom('subjects')
    .select(['status', 'legacy', 'kind'])
    .where('anonymous', '=', 0)
    .execute();
  const byStatus: Record<string, number> = {};
  for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return {
    total: rows.length,
    byStatus,
    legacy: rows.filter((r) => Number(r.legacy) === 1).length,
    support: rows.filter((r) => r.kind === 'support').length,
  };
}
