import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
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
import type { BenchFigure } from './bench-figure.js';
import { campusDifferences, runPurgeFloor } from './purge-floor.js';

export interface BenchPurgeBatchOptions {
  /** How many deleted subjects to purge (default 2,000). */
  subjects?: number;
  /** PostgreSQL URL for the store run; LETHE_TEST_PG by default (skipped when neither is set). */
  postgres?: string;
  /** The worker's batch size (the configuration's default unless given). */
  batchSize?: number;
  /** Runs of each (the floor, Lethe on each store); the figures are their medians. 3 by default. */
  repeat?: number;
}

const actor = 'system:bench';

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
  purged: number;
  userIds: number[];
  anonymous: { id: number; name: string };
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
    return {
      seconds,
      inItems,
      slowest,
      purged,
      userIds: doomed.slice(0, n).map(Number),
      anonymous: { id: Number(anonymous.id), name: anonymous.fullName.trim() || 'Anonymous' },
    };
  } finally {
    closeItems();
    await store.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The automatic purge of 2,000 deleted campus subjects (the scan, then the worker, in batches), against the raw-SQL
 * floor: the same deletes and updates written by hand as set-based SQL in one transaction (bench/purge-floor.ts),
 * matching included. Printed as Lethe's time, the floor's, and their ratio (target: at most 2x), with the store on
 * SQLite, and on PostgreSQL when a URL is given (the campus is SQLite either way). Each is the median of `repeat`
 * runs, taken in turns on fresh copies of the same campus, so that a busy machine weighs on both alike. Every
 * run's final campus must equal the floor's, row for row.
 */
export async function benchPurgeBatch(options: BenchPurgeBatchOptions = {}): Promise<BenchFigure[]> {
  const n = options.subjects ?? 2000;
  const repeat = options.repeat ?? 3;
  const pgUrl = options.postgres ?? process.env['LETHE_TEST_PG'];
  const verbose = Boolean(process.env['LETHE_BENCH_VERBOSE']);
  const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-purge-'));
  try {
    const pristine = join(dir, 'pristine.db');
    await generateCampus(pristine, { users: Math.ceil(n * 1.25) + 50, seed: 1 });
    const floorTimes: number[] = [];
    const sqliteTimes: number[] = [];
    const pgTimes: number[] = [];
    let floorCampus: string | undefined;
    const check = (campus: string) => {
      const differ = campusDifferences(pristine, floorCampus as string, campus);
      if (differ.length > 0) {
        throw new Error(
          `The raw-SQL floor did not leave the campus as the automatic purge did: ${differ.join(', ')}`,
        );
      }
    };
    for (let round = 0; round < repeat; round++) {
      const sqliteCampus = join(dir, `campus-sqlite-${round}.db`);
      copyFileSync(pristine, sqliteCampus);
      const sqliteRun = await runLethe(
        sqliteCampus,
        `sqlite:${join(dir, `lethe-${round}.db`)}`,
        dir,
        n,
        options.batchSize,
      );
      sqliteTimes.push(sqliteRun.seconds);

      const floorRun = join(dir, `campus-floor-${round}.db`);
      copyFileSync(pristine, floorRun);
      floorTimes.push(
        runPurgeFloor(floorRun, {
          userIds: sqliteRun.userIds,
          anonymous: sqliteRun.anonymous,
          now: new Date().toISOString(),
        }),
      );
      if (floorCampus === undefined) floorCampus = floorRun;
      else rmSync(floorRun);
      check(sqliteCampus);
      rmSync(sqliteCampus);

      if (pgUrl) {
        const schema = `lethe_bench_${Date.now().toString(36)}_${round}`;
        await pgSchema(pgUrl, (s) => `create schema ${s}`, schema);
        try {
          const pgCampus = join(dir, `campus-pg-${round}.db`);
          copyFileSync(pristine, pgCampus);
          const pgRun = await runLethe(pgCampus, pgUrl, dir, n, options.batchSize, schema);
          pgTimes.push(pgRun.seconds);
          check(pgCampus);
          rmSync(pgCampus);
        } finally {
          await pgSchema(pgUrl, (s) => `drop schema if exists ${s} cascade`, schema);
        }
      }
      if (verbose) {
        const last = (list: number[]) => Math.round((list[list.length - 1] ?? 0) * 1000);
        console.error(
          `round ${round + 1}: floor ${last(floorTimes)} ms, SQLite store ${last(sqliteTimes)} ms${pgUrl ? `, PostgreSQL store ${last(pgTimes)} ms` : ''}`,
        );
      }
    }

    const ms = (seconds: number) => Math.round(seconds * 1000);
    const ratio = (x: number) => Math.round((x / median(floorTimes)) * 100) / 100;
    const figures: BenchFigure[] = [
      {
        name: `raw-SQL floor: purge of ${n} deleted subjects, by hand`,
        value: ms(median(floorTimes)),
        unit: 'ms',
      },
      { name: 'Lethe automatic purge, store on SQLite', value: ms(median(sqliteTimes)), unit: 'ms' },
      {
        name: 'Lethe / raw-SQL floor, SQLite store (target <= 2)',
        value: ratio(median(sqliteTimes)),
        unit: 'x',
      },
    ];
    if (pgUrl) {
      figures.push(
        { name: 'Lethe automatic purge, store on PostgreSQL', value: ms(median(pgTimes)), unit: 'ms' },
        {
          name: 'Lethe / raw-SQL floor, PostgreSQL store (target <= 2)',
          value: ratio(median(pgTimes)),
          unit: 'x',
        },
      );
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchPurgeBatch()) console.log(`${figure.name}: ${figure.value} ${figure.unit}`);
}
