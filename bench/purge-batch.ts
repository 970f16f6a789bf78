import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { dumpCampus, hashDump } from '../examples/campus/campus-test-support.js';
import { createDemoTypes } from '../examples/campus/demo/demo-types.js';
import {
  campusAnonymousUser,
  campusSpecialUsers,
  campusSubjects,
  closeItems,
  createItems,
  generateCampus,
} from '../examples/campus/index.js';
import { type Config, configSchema } from '../src/config/index.js';
import type { Engine } from '../src/engine/engine.js';
import { changeStatus, importSubjects, registerSubject } from '../src/engine/subjects/index.js';
import { runWorker } from '../src/engine/worker/index.js';
import { ItemRegistry } from '../src/items/index.js';
import { openStore } from '../src/store/index.js';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

export interface BenchPurgeBatchOptions {
  /** How many deleted subjects to purge (default 2,000). */
  subjects?: number;
  /** PostgreSQL URL for the store run; LETHE_TEST_PG by default (skipped when neither is set). */
  postgres?: string;
  /** The worker's batch size (the configuration's default, 500, unless given). */
  batchSize?: number;
}

/** One write statement that an item sent to the campus database, with its parameters. */
interface Captured {
  sql: string;
  method: 'run' | 'all' | 'get';
  params: unknown[];
}

const actor = 'system:bench';

/**
 * Records every write statement (DELETE, UPDATE, INSERT) prepared on the campus database file while it is on, by
 * wrapping better-sqlite3's `prepare` for connections to that file only (the store's SQLite is left alone).
 */
function captureWrites(path: string): { statements: Captured[]; stop(): void } {
  type Prepare = (this: Database.Database, source: string) => Database.Statement;
  const proto = Database.prototype as unknown as { prepare: Prepare };
  const original = proto.prepare;
  const statements: Captured[] = [];
  proto.prepare = function (this: Database.Database, source: string) {
    const statement = original.call(this, source);
    if (resolve(this.name) !== path || !/^\s*(delete|update|insert|replace)\b/i.test(source))
      return statement;
    return new Proxy(statement, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (prop === 'run' || prop === 'all' || prop === 'get') {
          return (...params: unknown[]) => {
            statements.push({ sql: source, method: prop, params });
            return fn.apply(target, params);
          };
        }
        return fn.bind(target);
      },
    });
  } as Prepare;
  return {
    statements,
    stop: () => {
      proto.prepare = original;
    },
  };
}

/**
 * The raw-SQL floor: the same writes, set-based as the items sent them, replayed by hand in ONE transaction on a
 * fresh copy of the campus, with no counting, no bookkeeping and no engine. Returns the seconds it took.
 */
function replayFloor(path: string, statements: readonly Captured[]): number {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('foreign_keys = ON');
    const prepared = new Map<string, Database.Statement>();
    const start = performance.now();
    db.transaction(() => {
      for (const s of statements) {
        let statement = prepared.get(s.sql);
        if (!statement) {
          statement = db.prepare(s.sql);
          prepared.set(s.sql, statement);
        }
        statement[s.method](...s.params);
      }
    })();
    return (performance.now() - start) / 1000;
  } finally {
    db.close();
  }
}

async function pgSchema(url: string, sql: (schema: string) => string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql(schema));
  } finally {
    await client.end();
  }
}

interface LetheRun {
  seconds: number;
  /** Seconds spent inside the items' erase calls (each batch's item run counted once). */
  inItems: number;
  slowest: string;
  statements: Captured[];
  purged: number;
}

/** Registers the campus people, makes the demo's types, deletes `n` of them, and times the automatic purge. */
async function runLethe(
  campusPath: string,
  storeUrl: string,
  dir: string,
  n: number,
  batchSize: number | undefined,
  schema?: string,
): Promise<LetheRun> {
  const store = await openStore(storeUrl, schema ? { schema } : {});
  const values = configSchema.parse({
    store: storeUrl,
    worker: { itemTimeLimitMs: 600_000, leaseSeconds: 300, ...(batchSize ? { batchSize } : {}) },
  });
  const capture = captureWrites(resolve(campusPath));
  try {
    const config: Config = { ...values, baseDir: dir, file: undefined, filesDir: join(dir, 'files') };
    const items = createItems({ database: `sqlite:${campusPath}` });
    const engine: Engine = { store, db: store.db, items: new ItemRegistry().registerAll(items), config };
    const people = [...campusSubjects(campusPath)];
    const anonymous = campusAnonymousUser(campusPath);
    await registerSubject(engine, actor, {
      id: anonymous.id,
      username: anonymous.username,
      email: anonymous.email,
      fullName: anonymous.fullName,
      kind: 'system',
    });
    const result = await importSubjects(
      engine,
      actor,
      people.map((p) =>
        JSON.stringify({
          id: p.id,
          username: p.username,
          email: p.email,
          fullName: p.fullName,
          kind: p.kind,
          status: p.legacy ? p.status : 'active',
          legacy: p.legacy,
        }),
      ),
    );
    if (result.errors.length > 0)
      throw new Error(`The campus subjects did not import: ${result.errors[0]?.message}`);
    await createDemoTypes(engine, actor, anonymous.id);
    const special = new Set<string>([campusSpecialUsers.admin.id, campusSpecialUsers.sarah.id]);
    const doomed = people.filter((p) => !p.legacy && !special.has(p.id)).map((p) => p.id);
    if (doomed.length < n)
      throw new Error(`The campus has only ${doomed.length} people to delete, not ${n}.`);
    await changeStatus(engine, actor, doomed.slice(0, n), 'deleted');
    // Only the purge writes count: registering the subjects wrote nothing to the campus.
    capture.statements.length = 0;

    const start = performance.now();
    const summary = await runWorker(engine, { once: true, jobs: 'all' });
    const seconds = (performance.now() - start) / 1000;
    const purged = summary.finished['succeeded'] ?? 0;
    if (purged !== n) {
      throw new Error(
        `The automatic purge finished ${JSON.stringify(summary.finished)}, not ${n} succeeded.`,
      );
    }
    const runs = await store.db
      .selectFrom('request_items')
      .select(['item_key', 'started_at', (eb) => eb.fn.max('duration_ms').as('ms')])
      .groupBy(['item_key', 'started_at'])
      .execute();
    const perItem = new Map<string, number>();
    for (const r of runs) perItem.set(r.item_key, (perItem.get(r.item_key) ?? 0) + Number(r.ms ?? 0));
    const slowest = [...perItem]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key, ms]) => `${key} ${Math.round(ms)} ms`)
      .join(', ');
    const inItems = [...perItem.values()].reduce((a, b) => a + b, 0) / 1000;
    if (process.env['LETHE_BENCH_VERBOSE'])
      console.error(`${storeUrl.split(':')[0]}: items ${inItems.toFixed(2)} s; slowest: ${slowest}`);
    return { seconds, inItems, slowest, statements: [...capture.statements], purged };
  } finally {
    capture.stop();
    closeItems();
    await store.close();
  }
}

/**
 * The automatic purge of 2,000 deleted campus subjects (the scan, then the worker, in batches), against the raw-SQL
 * floor: the same deletes and updates in one transaction with nothing else. Printed as a ratio (target: at most 2x),
 * with the store on SQLite, and on PostgreSQL when a URL is given. The floor's final campus must equal Lethe's.
 */
export async function benchPurgeBatch(options: BenchPurgeBatchOptions = {}): Promise<BenchFigure[]> {
  const n = options.subjects ?? 2000;
  const pgUrl = options.postgres ?? process.env['LETHE_TEST_PG'];
  const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-purge-'));
  const figures: BenchFigure[] = [];
  try {
    const pristine = join(dir, 'pristine.db');
    await generateCampus(pristine, { users: Math.ceil(n * 1.25) + 50, seed: 1 });

    const sqliteCampus = join(dir, 'campus-sqlite.db');
    copyFileSync(pristine, sqliteCampus);
    const sqliteRun = await runLethe(
      sqliteCampus,
      `sqlite:${join(dir, 'lethe.db')}`,
      dir,
      n,
      options.batchSize,
    );

    const floorCampus = join(dir, 'campus-floor.db');
    copyFileSync(pristine, floorCampus);
    const floor = replayFloor(floorCampus, sqliteRun.statements);
    const same = hashDump(dumpCampus(floorCampus)) === hashDump(dumpCampus(sqliteCampus));
    if (!same) throw new Error('The raw-SQL floor did not leave the campus as the automatic purge did.');

    const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    figures.push(
      {
        name: `automatic purge of ${n} deleted campus subjects, store on SQLite`,
        value: round(sqliteRun.seconds),
        unit: 's',
      },
      {
        name: `raw-SQL floor, the same ${sqliteRun.statements.length} writes in one transaction`,
        value: round(floor, 3),
        unit: 's',
      },
      {
        name: 'automatic purge / raw-SQL floor (SQLite store; target <= 2)',
        value: round(sqliteRun.seconds / floor),
        unit: 'x',
      },
    );

    if (pgUrl) {
      const schema = `lethe_bench_${Date.now().toString(36)}`;
      await pgSchema(pgUrl, (s) => `create schema ${s}`, schema);
      try {
        const pgCampus = join(dir, 'campus-pg.db');
        copyFileSync(pristine, pgCampus);
        const pgRun = await runLethe(pgCampus, pgUrl, dir, n, options.batchSize, schema);
        figures.push(
          {
            name: `automatic purge of ${n} deleted campus subjects, store on PostgreSQL`,
            value: round(pgRun.seconds),
            unit: 's',
          },
          {
            name: 'automatic purge / raw-SQL floor (PostgreSQL store; target <= 2)',
            value: round(pgRun.seconds / floor),
            unit: 'x',
          },
        );
      } finally {
        await pgSchema(pgUrl, (s) => `drop schema if exists ${s} cascade`, schema);
      }
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchPurgeBatch()) console.log(`${figure.name}: ${figure.value} ${figure.unit}`);
}
