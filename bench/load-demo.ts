import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../src/store/index.js';
import { runLethe } from './run-lethe.js';

export interface DemoBuild {
  /** The folder that holds the pristine demo (`pristine/`) and each run's copy. */
  root: string;
  pristine: string;
  configFile: string;
  admin: { username: string; password: string };
  /** Seconds `lethe demo` took. */
  buildSeconds: number;
}

/** `lethe demo --dir <root>/pristine --users <users> --seed <seed> --no-serve --json`, timed. */
export async function buildDemo(users: number, seed: number): Promise<DemoBuild> {
  const root = mkdtempSync(join(tmpdir(), 'lethe-bench-load-'));
  const pristine = join(root, 'pristine');
  const start = performance.now();
  const built = await runLethe([
    'demo',
    '--dir',
    pristine,
    '--users',
    String(users),
    '--seed',
    String(seed),
    '--no-serve',
    '--json',
  ]);
  const buildSeconds = (performance.now() - start) / 1000;
  if (built.code !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`lethe demo failed (${built.code}):\n${built.stderr}`);
  }
  const summary = JSON.parse(built.stdout) as {
    configFile: string;
    logins: { admin: { username: string; password: string } };
  };
  return { root, pristine, configFile: summary.configFile, admin: summary.logins.admin, buildSeconds };
}

/** A tree of hard links to `from`'s files (directories are made, files are linked). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else linkSync(source, target);
  }
}

const sqliteFiles = ['campus.db', 'lethe.db'];

/**
 * A copy of the pristine demo in `dir`: the databases copied, the file trees linked, and the config rewritten to name
 * the copy, with `store` as its store and `overrides` merged into `server` and `worker`.
 */
export function copyDemo(
  build: DemoBuild,
  dir: string,
  store: string,
  overrides: { server: Record<string, unknown>; worker: Record<string, unknown> },
): string {
  mkdirSync(dir, { recursive: true });
  for (const name of sqliteFiles) {
    for (const suffix of ['', '-wal', '-shm']) {
      const source = join(build.pristine, name + suffix);
      if (existsSync(source)) copyFileSync(source, join(dir, name + suffix));
    }
  }
  copyFileSync(join(build.pristine, 'dataset.yaml'), join(dir, 'dataset.yaml'));
  for (const tree of ['campus-files', 'files']) {
    if (existsSync(join(build.pristine, tree))) linkTree(join(build.pristine, tree), join(dir, tree));
  }
  const text = readFileSync(build.configFile, 'utf8').split(build.pristine).join(dir);
  const config = JSON.parse(text) as Record<string, Record<string, unknown>>;
  config['store'] = store as unknown as Record<string, unknown>;
  config['server'] = { ...config['server'], ...overrides.server };
  config['worker'] = { ...config['worker'], ...overrides.worker };
  const file = join(dir, 'lethe.config.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The store's tables, parents before children (by their foreign keys), without the migrator's own. */
function tablesInOrder(sqlite: Database.Database): string[] {
  const names = (
    sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as Array<{ name: string }>
  )
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_migration'));
  const parents = new Map(
    names.map((n) => [
      n,
      (sqlite.prepare(`PRAGMA foreign_key_list(${quote(n)})`).all() as Array<{ table: string }>)
        .map((f) => f.table)
        .filter((t) => t !== n),
    ]),
  );
  const ordered: string[] = [];
  const visit = (n: string) => {
    if (ordered.includes(n)) return;
    for (const p of parents.get(n) ?? []) visit(p);
    ordered.push(n);
  };
  for (const n of names) visit(n);
  return ordered;
}

/**
 * Copies the SQLite store `sqlitePath` into a new PostgreSQL schema: Lethe's migrations make the tables there (the
 * same migrations as on SQLite), then every row is copied as it is, the id sequences set past the copied ids, and
 * the tables analysed.
 */
export async function copyStoreToPostgres(sqlitePath: string, url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const storeUrl = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  const store = await openStore(storeUrl);
  await store.close();

  const sqlite = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const tables = tablesInOrder(sqlite);
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${tables.map(quote).join(', ')} RESTART IDENTITY CASCADE`);
    for (const table of tables) {
      const columns = (
        sqlite.prepare(`PRAGMA table_info(${quote(table)})`).all() as Array<{ name: string }>
      ).map((c) => c.name);
      const perChunk = Math.max(1, Math.floor(30_000 / columns.length));
      const rows = sqlite
        .prepare(`SELECT * FROM ${quote(table)}`)
        .raw()
        .all() as unknown[][];
      for (let at = 0; at < rows.length; at += perChunk) {
        const chunk = rows.slice(at, at + perChunk);
        const values = chunk
          .map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
          .join(', ');
        await client.query(
          `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${values}`,
          chunk.flat(),
        );
      }
      if (columns.includes('id')) {
        const serial = await client.query<{ seq: string | null }>(
          'SELECT pg_get_serial_sequence($1, $2) AS seq',
          [table, 'id'],
        );
        const seq = serial.rows[0]?.seq;
        if (seq) {
          await client.query(
            `SELECT setval($1, (SELECT coalesce(max(id), 0) + 1 FROM ${quote(table)}), false)`,
            [seq],
          );
        }
      }
    }
    await client.query('COMMIT');
    // Fresh statistics, as autovacuum would gather them after such a load: without them the planner guesses.
    await client.query('ANALYZE');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
    sqlite.close();
  }
}

/** Subject ids in the pristine store: every subject (not the anonymous user), and the active, non-legacy ones. */
export function demoSubjects(build: DemoBuild): { all: string[]; active: string[] } {
  const sqlite = new Database(join(build.pristine, 'lethe.db'), { readonly: true });
  try {
    const rows = sqlite
      .prepare(`SELECT id, status, legacy, kind FROM subjects WHERE anonymous = 0 ORDER BY id`)
      .all() as Array<{ id: string; status: string; legacy: number; kind: string }>;
    return {
      all: rows.map((r) => r.id),
      active: rows.filter((r) => r.status === 'active' && r.legacy === 0).map((r) => r.id),
    };
  } finally {
    sqlite.close();
  }
}
