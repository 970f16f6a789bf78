/**
 * Automatic purges per second with 1, 2 and 4 `lethe worker` processes sharing one PostgreSQL store (issue 8).
 * Run from dist/ after `npm run build`: the workers are the built CLI, started as real processes.
 *
 * Two host databases, because the campus demo's host database is one SQLite file, and SQLite lets one process
 * write at a time: several workers purging it queue for its write lock, which caps what more workers can do.
 * - SQLite host: the demo as `lethe demo` builds it (the dataset file and the code items, on campus.db), with its
 *   store in a PostgreSQL schema.
 * - PostgreSQL host: the same campus copied into a PostgreSQL schema, purged through the dataset file alone (the
 *   code items work on SQLite only, so the helpdesk email rules, custom fields and mentions are not run), with a
 *   store of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildDemo, campusDatasetFile } from '../examples/campus/demo/build-demo.js';
import { createDemoTypes } from '../examples/campus/demo/demo-types.js';
import { registerCampusPeople } from '../examples/campus/demo/register-campus-people.js';
import { campusSpecialUsers, campusSubjects } from '../examples/campus/index.js';
import { loadConfig } from '../src/config/index.js';
import type { Engine } from '../src/engine/engine.js';
import { type OpenEngine, openEngine } from '../src/engine/open-engine.js';
import { scanAutomaticPurges } from '../src/engine/purges/index.js';
import { changeStatus } from '../src/engine/subjects/index.js';
import type { BenchFigure } from './bench-figure.js';
import { measured, pairRatios } from './bench-stats.js';
import { figureLine } from './results-report.js';
import { lethePath, runLetheOk } from './run-lethe.js';
import { copyToPostgres, createSchema, dropSchema, schemaUrl } from './sqlite-to-postgres.js';

export interface BenchWorkerScalingOptions {
  /** PostgreSQL server URL; LETHE_TEST_PG by default (the bench is skipped when neither is set). */
  postgres?: string;
  /** Subjects deleted and purged in each measurement (default 1,200). */
  subjects?: number;
  /** The workers' batch size (default 150: 8 batches per measurement, so that 4 workers get 2 each). */
  batchSize?: number;
  /** The worker counts measured (default 1, 2 and 4). */
  workers?: number[];
  /** Rounds: each measures every worker count on every host once (default 3). */
  repeat?: number;
  /** The hosts measured (default both). */
  hosts?: HostKind[];
}

export type HostKind = 'sqlite' | 'postgres';

const actor = 'system:bench';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Host {
  kind: HostKind;
  label: string;
  configFile: string;
  /** The store URL (with its schema), as the workers get it with --store. */
  storeUrl: string;
  opened: OpenEngine;
  /** Campus people still active, to be deleted a slice at a time. */
  pool: string[];
}

function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

/** The campus people a measurement may delete: active, not legacy, and not one of the demo's special users. */
function activePeople(campusPath: string): string[] {
  const special = new Set<string>([campusSpecialUsers.admin.id, campusSpecialUsers.sarah.id]);
  return [...campusSubjects(campusPath)]
    .filter((p) => !p.legacy && p.status === 'active' && !special.has(p.id))
    .map((p) => p.id);
}

/** Registers the campus people (all active but the legacy ones) and the anonymous user, and makes the demo's types. */
async function registerCampus(engine: Engine, campusPath: string): Promise<void> {
  const { anonymousId } = await registerCampusPeople(engine, actor, campusPath);
  await createDemoTypes(engine, actor, anonymousId);
}

interface Worker {
  child: ChildProcess;
  stderr: string;
  exited: Promise<number | null>;
}

function startWorker(host: Host, name: string): Worker {
  const child = spawn(
    process.execPath,
    [
      lethePath(),
      '--config',
      host.configFile,
      '--store',
      withApplicationName(host.storeUrl, name),
      '--json',
      'worker',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const worker: Worker = {
    child,
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stderr?.on('data', (d: Buffer) => {
    worker.stderr = (worker.stderr + d.toString()).slice(-4000);
  });
  return worker;
}

/** Stops a worker as an operator would (SIGTERM: it finishes the work in hand), or kills it after 30 s. */
async function stopWorker(worker: Worker): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
  await worker.exited;
  clearTimeout(timer);
}

/** Waits until every worker holds a store connection (each names itself with application_name). */
async function waitForWorkers(server: string, names: string[], workers: Worker[]): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`A worker exited before it started: ${dead.stderr}`);
      const rows = await client.query<{ name: string }>(
        'select distinct application_name as name from pg_stat_activity where application_name = any($1)',
        [names],
      );
      if (rows.rows.length === names.length) return;
      if (Date.now() > deadline)
        throw new Error(`The workers did not connect within 60 s: ${workers[0]?.stderr}`);
      await sleep(50);
    }
  } finally {
    await client.end();
  }
}

/** With LETHE_BENCH_VERBOSE: where a measurement's time went (item runs, summed over every worker). */
async function explain(
  engine: Engine,
  first: number,
  last: number,
  seconds: number,
  startedAt: string,
): Promise<void> {
  const runs = await engine.db
    .selectFrom('request_items')
    .select(['item_key', 'started_at', (eb) => eb.fn.max('duration_ms').as('ms')])
    .where('request_id', '>=', first)
    .where('request_id', '<=', last)
    .groupBy(['item_key', 'started_at'])
    .execute();
  const perItem = new Map<string, number>();
  for (const r of runs) perItem.set(r.item_key, (perItem.get(r.item_key) ?? 0) + Number(r.ms ?? 0));
  const inItems = [...perItem.values()].reduce((a, b) => a + b, 0);
  const slowest = [...perItem]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, ms]) => `${k} ${Math.round(ms)} ms`)
    .join(', ');
  const span = await engine.db
    .selectFrom('requests')
    .select([(eb) => eb.fn.min('started_at').as('from'), (eb) => eb.fn.max('finished_at').as('to')])
    .where('id', '>=', first)
    .where('id', '<=', last)
    .executeTakeFirst();
  console.error(
    `  ${seconds.toFixed(2)} s wall from ${startedAt}; first start ${span?.from}, last finish ${span?.to}; ` +
      `item runs ${Math.round(inItems)} ms in all; slowest: ${slowest}`,
  );
}

/**
 * Starts one worker per name and waits until all are connected. A worker that dies on start is tried again (twice,
 * 5 s apart) with the others: on a shared checkout, another `npm run build` may be rewriting dist/ just then.
 */
async function startWorkers(host: Host, server: string, names: string[]): Promise<Worker[]> {
  for (let attempt = 1; ; attempt++) {
    const workers = names.map((name) => startWorker(host, name));
    try {
      await waitForWorkers(server, names, workers);
      return workers;
    } catch (error) {
      await Promise.all(workers.map(stopWorker));
      if (attempt >= 3) throw error;
      if (process.env['LETHE_BENCH_VERBOSE']) console.error(`  workers did not start, again: ${error}`);
      await sleep(5000);
    }
  }
}

interface Measurement {
  /** Purges that succeeded, per second. */
  rate: number;
  /** Purges that did not succeed. */
  failed: number;
  /** Their errors (a few). */
  errors: string[];
}

/**
 * One measurement: `count` workers started and connected; then `ids` deleted, and from the scan that enqueues their
 * purges until the last purge has finished (succeeded, or failed for good). Returns the purges that succeeded per
 * second, and those that did not, with their errors.
 */
async function measure(
  host: Host,
  server: string,
  count: number,
  ids: string[],
  tag: string,
): Promise<Measurement> {
  const engine = host.opened.engine;
  const names = Array.from({ length: count }, (_, i) => `${tag}_w${i}`);
  const workers = await startWorkers(host, server, names);
  try {
    // A moment for each worker's scheduler to start ticking (nothing is due) before the work comes.
    await sleep(300);
    await changeStatus(engine, actor, ids, 'deleted');
    const start = performance.now();
    const startedAt = new Date().toISOString();
    const scan = await scanAutomaticPurges(engine, actor);
    if (scan.enqueued !== ids.length) {
      throw new Error(`The scan enqueued ${scan.enqueued} purges, not ${ids.length}.`);
    }
    const requestIds = scan.requests.map((r) => r.id);
    const first = Math.min(...requestIds);
    const last = Math.max(...requestIds);
    const deadline = Date.now() + 300_000;
    for (;;) {
      const open = await engine.db
        .selectFrom('requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id', '>=', first)
        .where('id', '<=', last)
        .where('status', 'in', ['pending', 'running'])
        .executeTakeFirstOrThrow();
      if (Number(open.n) === 0) break;
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`A worker exited during the run: ${dead.stderr}`);
      if (Date.now() > deadline) throw new Error(`${open.n} purges were still open after 300 s.`);
      await sleep(20);
    }
    const seconds = (performance.now() - start) / 1000;
    const statuses = await engine.db
      .selectFrom('requests')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('id', '>=', first)
      .where('id', '<=', last)
      .groupBy('status')
      .execute();
    const succeeded = Number(statuses.find((s) => s.status === 'succeeded')?.n ?? 0);
    const failed = ids.length - succeeded;
    const errors: string[] = [];
    if (failed > 0) {
      const items = await engine.db
        .selectFrom('request_items')
        .select(['item_key', 'message'])
        .distinct()
        .where('request_id', '>=', first)
        .where('request_id', '<=', last)
        .where('status', '<>', 'success')
        .where('message', 'is not', null)
        .limit(5)
        .execute();
      errors.push(...items.map((i) => `${i.item_key}: ${i.message}`));
      const requests = await engine.db
        .selectFrom('requests')
        .select('error')
        .distinct()
        .where('id', '>=', first)
        .where('id', '<=', last)
        .where('error', 'is not', null)
        .limit(3)
        .execute();
      errors.push(...requests.map((r) => String(r.error)));
      if (process.env['LETHE_BENCH_VERBOSE']) {
        console.error(`  ${failed} of ${ids.length} purges did not succeed: ${errors.join(' | ')}`);
      }
    }
    if (process.env['LETHE_BENCH_VERBOSE']) await explain(engine, first, last, seconds, startedAt);
    return { rate: succeeded / seconds, failed, errors };
  } finally {
    await Promise.all(workers.map(stopWorker));
  }
}

const hostLabels: Record<HostKind, string> = {
  sqlite: 'SQLite host',
  postgres: 'PostgreSQL host',
};

/**
 * Automatic purges per second for 1, 2 and 4 worker processes on a PostgreSQL store, on each host database. A
 * measurement deletes `subjects` fresh campus people (each measurement its own), starts the workers, waits until
 * they are connected, then times from the scan that enqueues the purges to the last one finished. Each round
 * measures every worker count on every host once, in an order that turns from round to round; a figure is the
 * median of the rounds, and a speed-up the median of the rounds' ratios to one worker.
 */
export async function benchWorkerScaling(options: BenchWorkerScalingOptions = {}): Promise<BenchFigure[]> {
  const server = options.postgres ?? process.env['LETHE_TEST_PG'];
  if (!server) return [];
  const perRun = options.subjects ?? 1200;
  const batchSize = options.batchSize ?? 150;
  const counts = options.workers ?? [1, 2, 4];
  const repeat = options.repeat ?? 3;
  const kinds = options.hosts ?? ['sqlite', 'postgres'];
  const measurements = counts.length * repeat;
  const tag = `lethe_bench_ws_${Date.now().toString(36)}_${process.pid}`;
  const schemas = { sqliteStore: `${tag}_s`, campus: `${tag}_c`, postgresStore: `${tag}_p` };
  const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-workers-'));
  const worker = {
    batchSize,
    pollMs: 100,
    leaseSeconds: 60,
    // The bench enqueues the purges itself; the workers' schedulers must not scan while it measures.
    purgeScanInterval: 86_400,
    maintenanceInterval: 86_400,
  };
  const hosts: Host[] = [];
  const made: string[] = [];
  try {
    // About 91% of the demo's people are active and not legacy (88% is allowed for): a slice for every measurement.
    const users = Math.ceil((perRun * measurements + 200) / 0.88);
    await createSchema(server, schemas.sqliteStore);
    made.push(schemas.sqliteStore);
    const sqliteStore = schemaUrl(server, schemas.sqliteStore);
    const demo = await buildDemo({
      dir: join(dir, 'demo'),
      users,
      seed: 8,
      config: { store: sqliteStore, worker },
    });
    const pool = activePeople(demo.campusDatabase);
    if (pool.length < perRun * measurements) {
      throw new Error(`The demo has ${pool.length} active people, not the ${perRun * measurements} needed.`);
    }
    if (kinds.includes('postgres')) {
      // The host copy is taken before any purge, so that both hosts start from the same campus.
      made.push(schemas.campus);
      const campusUrl = await copyToPostgres(demo.campusDatabase, server, schemas.campus);
      await createSchema(server, schemas.postgresStore);
      made.push(schemas.postgresStore);
      const storeUrl = schemaUrl(server, schemas.postgresStore);
      const configFile = join(dir, 'postgres-host.config.json');
      writeFileSync(
        configFile,
        JSON.stringify(
          {
            store: storeUrl,
            files: join(dir, 'postgres-host-files'),
            hashKey: randomBytes(24).toString('hex'),
            worker,
            items: [{ dataset: campusDatasetFile(), database: campusUrl }],
          },
          null,
          2,
        ),
      );
      const opened = await openEngine(loadConfig({ file: configFile, env: {} }));
      hosts.push({
        kind: 'postgres',
        label: hostLabels.postgres,
        configFile,
        storeUrl,
        opened,
        pool: [...pool],
      });
      await registerCampus(opened.engine, demo.campusDatabase);
    }
    if (kinds.includes('sqlite')) {
      const opened = await openEngine(loadConfig({ file: demo.configFile, env: {} }));
      hosts.unshift({
        kind: 'sqlite',
        label: hostLabels.sqlite,
        configFile: demo.configFile,
        storeUrl: sqliteStore,
        opened,
        pool: [...pool],
      });
    }
    // One `lethe worker --once` per host first: it runs every scheduled job once (the demo's own suspended and
    // deleted people are purged on the SQLite host), so that no job is due while the bench measures.
    for (const host of hosts) await runLetheOk(['--config', host.configFile, '--json', 'worker', '--once']);

    const rates = new Map<string, number[]>();
    const failures = new Map<HostKind, { failed: number; errors: Set<string>; runs: number[] }>();
    const key = (host: Host, count: number) => `${host.kind}:${count}`;
    for (let round = 0; round < repeat; round++) {
      const order = counts.map((_, i) => counts[(i + round) % counts.length] as number);
      for (const count of order) {
        for (const host of round % 2 === 0 ? hosts : [...hosts].reverse()) {
          const ids = host.pool.splice(0, perRun);
          const m = await measure(host, server, count, ids, `${tag}_${host.kind}_${round}`);
          rates.set(key(host, count), [...(rates.get(key(host, count)) ?? []), m.rate]);
          const f = failures.get(host.kind) ?? { failed: 0, errors: new Set<string>(), runs: [] };
          f.failed += m.failed;
          f.runs.push(m.failed);
          for (const e of m.errors) f.errors.add(`${count} workers: ${e}`);
          failures.set(host.kind, f);
          if (process.env['LETHE_BENCH_VERBOSE']) {
            console.error(
              `round ${round + 1}, ${host.label}, ${count} worker(s): ${Math.round(m.rate)} purges/s` +
                (m.failed > 0 ? `, ${m.failed} failed` : ''),
            );
          }
        }
      }
    }

    const figures: BenchFigure[] = [];
    for (const host of hosts) {
      const one = rates.get(key(host, counts[0] as number)) ?? [];
      for (const count of counts) {
        const runs = rates.get(key(host, count)) ?? [];
        const figure = measured(
          `automatic purges per second, ${count} worker process${count === 1 ? '' : 'es'}, ${host.label}`,
          'purges/s',
          runs,
        );
        if (count === counts[0]) figure.why = hostNote(host.kind, perRun, batchSize, users);
        figures.push(figure);
      }
      const f = failures.get(host.kind);
      const failedFigure: BenchFigure = {
        name: `purges that did not succeed, all ${f?.runs.length ?? 0} runs, ${host.label}`,
        value: f?.failed ?? 0,
        unit: 'purges',
        target: { op: '<=', value: 0 },
      };
      if (f && f.failed > 0) {
        failedFigure.why =
          `Their errors: ${[...f.errors].slice(0, 4).join('; ')}. The rates above count only the purges that ` +
          'succeeded.';
      }
      figures.push(failedFigure);
      for (const count of counts.slice(1)) {
        const runs = rates.get(key(host, count)) ?? [];
        figures.push(
          measured(
            `speed-up of ${count} workers over ${counts[0]}, ${host.label}`,
            'x',
            pairRatios(runs, one),
            {
              digits: 2,
            },
          ),
        );
      }
    }
    return figures;
  } finally {
    for (const host of hosts) await host.opened.close().catch(() => undefined);
    for (const schema of made) await dropSchema(server, schema).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function hostNote(kind: HostKind, perRun: number, batchSize: number, users: number): string {
  const common =
    `Each run deletes ${perRun} campus people (a campus of ${users} users), then times from the scan that ` +
    `enqueues their purges until the last has finished, in batches of ${batchSize}, with the workers already ` +
    'started and connected; the store is a PostgreSQL schema.';
  const cores =
    `On this machine the workers share ${availableParallelism()} CPU cores with PostgreSQL and the bench itself, ` +
    'so no more than that many run at once, whatever their number.';
  if (kind === 'sqlite') {
    return (
      `${common} The host database is the demo's SQLite file, with the dataset file and the code items. SQLite ` +
      'lets one process write at a time: the workers claim batches side by side (SKIP LOCKED), but their ' +
      "erases queue for the campus file's write lock; only the rest of their work (claims, result rows and " +
      `audit events in the store, and the JavaScript around them) runs side by side. ${cores}`
    );
  }
  return (
    `${common} The host database is a PostgreSQL copy of the same campus, purged through the dataset file alone ` +
    '(the code items are written for SQLite: the helpdesk email rules, custom fields and mentions do not run), so ' +
    `the workers' erases do not wait for one write lock. ${cores}`
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const figure of await benchWorkerScaling()) console.log(figureLine(figure));
}
