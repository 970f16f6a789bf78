import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createDemoTypes } from '../examples/campus/demo/demo-types.js';
import { registerCampusPeople } from '../examples/campus/demo/register-campus-people.js';
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
import { changeStatus } from '../src/engine/subjects/index.js';
import { runWorker } from '../src/engine/worker/index.js';
import { ItemRegistry } from '../src/items/index.js';
import { openStore } from '../src/store/index.js';
import type { BenchFigure } from './bench-figure.js';
import { measured, median, pairRatios } from './bench-stats.js';
import { campusDifferences, runPurgeFloor } from './purge-floor.js';
import { figureLine } from './results-report.js';

export interface BenchPurgeBatchOptions {
  /** How many deleted subjects to purge (default 2,000). */
  subjects?: number;
  /** PostgreSQL URL for the store run; LETHE_TEST_PG by default (skipped when neither is set). */
  postgres?: string;
  /** The worker's batch size (the configuration's default unless given). */
  batchSize?: number;
  /** Rounds of each (the floor, Lethe on each store); the figures are their medians. 5 by default. */
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
    const { anonymousId } = await registerCampusPeople(engine, actor, campusPath);
    await createDemoTypes(engine, actor, anonymousId);
    await changeStatus(engine, actor, doomedIds(campusPath, n), 'deleted');

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
    };
  } finally {
    closeItems();
    await store.close();
  }
}

/** The campus people the bench deletes: the first `n` who are neither legacy nor one of the demo's special users. */
function doomedIds(campusPath: string, n: number): string[] {
  const special = new Set<string>([campusSpecialUsers.admin.id, campusSpecialUsers.sarah.id]);
  const doomed = [...campusSubjects(campusPath)]
    .filter((p) => !p.legacy && !special.has(p.id))
    .map((p) => p.id);
  if (doomed.length < n) throw new Error(`The campus has only ${doomed.length} people to delete, not ${n}.`);
  return doomed.slice(0, n);
}

interface Round {
  floor: number;
  sqlite: LetheRun;
  postgres: LetheRun | undefined;
}

/**
 * The automatic purge of 2,000 deleted campus subjects (the scan, then the worker, in batches), against the raw-SQL
 * floor: the same deletes and updates written by hand as set-based SQL in one transaction (bench/purge-floor.ts),
 * matching included. Printed as Lethe's time, the floor's, and their ratio (target: at most 2x), with the store on
 * SQLite, and on PostgreSQL when a URL is given (the campus is SQLite either way). Each round runs the floor and
 * Lethe on each store one after the other in this process (in turns: the order flips every round), on fresh
 * copies of the same campus, so that a busy machine weighs on all alike; a ratio is the median of the rounds'
 * ratios. Every run's final campus must equal the floor's, row for row.
 */
export async function benchPurgeBatch(options: BenchPurgeBatchOptions = {}): Promise<BenchFigure[]> {
  const n = options.subjects ?? 2000;
  const repeat = options.repeat ?? 5;
  const pgUrl = options.postgres ?? process.env['LETHE_TEST_PG'];
  const verbose = Boolean(process.env['LETHE_BENCH_VERBOSE']);
  const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-purge-'));
  try {
    const pristine = join(dir, 'pristine.db');
    await generateCampus(pristine, { users: Math.ceil(n * 1.25) + 50, seed: 1 });
    const userIds = doomedIds(pristine, n).map(Number);
    const anonymousUser = campusAnonymousUser(pristine);
    const anonymous = { id: Number(anonymousUser.id), name: anonymousUser.fullName.trim() || 'Anonymous' };
    let floorCampus: string | undefined;
    const check = (campus: string) => {
      const differ = campusDifferences(pristine, floorCampus as string, campus);
      if (differ.length > 0) {
        throw new Error(
          `The raw-SQL floor did not leave the campus as the automatic purge did: ${differ.join(', ')}`,
        );
      }
    };
    const rounds: Round[] = [];
    for (let round = 0; round < repeat; round++) {
      const floor = () => {
        const floorRun = join(dir, `campus-floor-${round}.db`);
        copyFileSync(pristine, floorRun);
        const seconds = runPurgeFloor(floorRun, { userIds, anonymous, now: new Date().toISOString() });
        if (floorCampus === undefined) floorCampus = floorRun;
        else rmSync(floorRun);
        return seconds;
      };
      const sqlite = async () => {
        const campus = join(dir, `campus-sqlite-${round}.db`);
        copyFileSync(pristine, campus);
        const run = await runLethe(
          campus,
          `sqlite:${join(dir, `lethe-${round}.db`)}`,
          dir,
          n,
          options.batchSize,
        );
        return { run, campus };
      };
      const postgres = async () => {
        if (!pgUrl) return undefined;
        const schema = `lethe_bench_${Date.now().toString(36)}_${round}`;
        await pgSchema(pgUrl, (s) => `create schema ${s}`, schema);
        try {
          const campus = join(dir, `campus-pg-${round}.db`);
          copyFileSync(pristine, campus);
          return { run: await runLethe(campus, pgUrl, dir, n, options.batchSize, schema), campus };
        } finally {
          await pgSchema(pgUrl, (s) => `drop schema if exists ${s} cascade`, schema);
        }
      };
      let floorSeconds: number;
      let onSqlite: { run: LetheRun; campus: string };
      let onPostgres: { run: LetheRun; campus: string } | undefined;
      if (round % 2 === 0) {
        floorSeconds = floor();
        onSqlite = await sqlite();
        onPostgres = await postgres();
      } else {
        onPostgres = await postgres();
        onSqlite = await sqlite();
        floorSeconds = floor();
      }
      for (const done of [onSqlite, onPostgres]) {
        if (!done) continue;
        check(done.campus);
        rmSync(done.campus);
      }
      rounds.push({ floor: floorSeconds, sqlite: onSqlite.run, postgres: onPostgres?.run });
      if (verbose) {
        const ms = (seconds: number | undefined) => Math.round((seconds ?? 0) * 1000);
        console.error(
          `round ${round + 1}: floor ${ms(floorSeconds)} ms, SQLite store ${ms(onSqlite.run.seconds)} ms${onPostgres ? `, PostgreSQL store ${ms(onPostgres.run.seconds)} ms` : ''}`,
        );
      }
    }

    const floorTimes = rounds.map((r) => r.floor);
    const target = { op: '<=' as const, value: 2, source: 'issue 3' };
    const storeFigures = (store: string, runs: LetheRun[]): BenchFigure[] => {
      const total = median(runs.map((r) => r.seconds));
      const inItems = median(runs.map((r) => r.inItems));
      const floor = median(floorTimes);
      const ms = (seconds: number) => Math.round(seconds * 1000);
      return [
        measured(
          `Lethe automatic purge, store on ${store}`,
          'ms',
          runs.map((r) => r.seconds * 1000),
        ),
        measured(
          `Lethe: time inside the items' erase calls, store on ${store}`,
          'ms',
          runs.map((r) => r.inItems * 1000),
        ),
        measured(
          `Lethe / raw-SQL floor, ${store} store`,
          'x',
          pairRatios(
            runs.map((r) => r.seconds),
            floorTimes,
          ),
          {
            digits: 2,
            target,
            why:
              `Of Lethe's ${ms(total)} ms (medians), ${ms(inItems)} ms are spent inside the items, ` +
              `${(inItems / floor).toFixed(1)} x the floor's ${ms(floor)} ms: each item runs the batch in a ` +
              'transaction of its own and counts what it erased for each subject, where the floor runs the ' +
              `whole purge in one transaction and counts nothing. The other ${ms(total - inItems)} ms are the ` +
              "engine's own work, which the floor does not do at all: the scan that finds the due subjects and " +
              'enqueues one request each, the claims and leases, one result row per subject and item, the ' +
              `requests' final status, and their audit events, all in the ${store} store.`,
          },
        ),
      ];
    };
    const figures: BenchFigure[] = [
      measured(
        `raw-SQL floor: purge of ${n} deleted subjects, by hand`,
        'ms',
        floorTimes.map((s) => s * 1000),
      ),
      ...storeFigures(
        'SQLite',
        rounds.map((r) => r.sqlite),
      ),
    ];
    if (pgUrl) {
      figures.push(
        ...storeFigures(
          'PostgreSQL',
          rounds.map((r) => r.postgres as LetheRun),
        ),
      );
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchPurgeBatch()) console.log(figureLine(figure));
}
