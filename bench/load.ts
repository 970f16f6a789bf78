// Issue 8: the load bench. `lethe serve` on the 20,000-user campus demo, 50 concurrent HTTP clients (autocannon) on
// the personal data summary and the reports, while two `lethe worker` processes run purges; on the SQLite store,
// and on a PostgreSQL store when LETHE_TEST_PG is set. Run it alone with
//   npm run build && node --expose-gc dist/bench/load.js
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import type { BenchFigure } from './bench-figure.js';
import { buildDemo, copyDemo, copyStoreToPostgres, type DemoBuild, demoSubjects } from './load-demo.js';
import {
  type AdminSession,
  api,
  countRequests,
  cpuSeconds,
  login,
  logTail,
  postgresCpuSeconds,
  type Stack,
  serverErrors,
  serverUrl,
  startServe,
  startStack,
  stopLethe,
  stopStack,
  workerLogSummary,
} from './load-stack.js';
import { startPurgeWorkload } from './load-workload.js';
import { dropSchema } from './sqlite-to-postgres.js';

export interface BenchLoadOptions {
  /** Campus users (20,000 by default). The demo is built once per process for each size. */
  users?: number;
  /** Seconds of each closed-loop measurement (8 by default). */
  seconds?: number;
  /** Seconds of each measurement at the fixed rate (8 by default). */
  rateSeconds?: number;
  /** Concurrent connections (50 by default). */
  connections?: number;
  /**
   * The fixed rate, in requests per second over all connections: 10 by default, 50 people at the console each
   * opening a page every 5 s.
   */
  rate?: number;
  /** PostgreSQL URL for the second run; LETHE_TEST_PG by default, skipped when neither is set (null: skip). */
  postgres?: string | null;
}

/** The campus demo once per process (per size): building 20,000 users takes about 20 s. */
const builds = new Map<number, Promise<Prepared>>();
/** The temporary folders of those builds, removed when the process exits. */
const roots = new Set<string>();

interface Prepared {
  build: DemoBuild;
  /** Seconds to put the request history in (the first scan's purges and the exports). */
  historySeconds: number;
  all: string[];
  active: string[];
}

const workers = 2;
/**
 * `lethe serve --processes 2`: one HTTP process per core of the 2-core bench machine, as docs/running-at-scale.md
 * advises. The summary is also measured against a single process, beside it, for comparison.
 */
const serverProcesses = 2;
/** The server's settings for the bench: the API rate limit is off (one session makes every request). */
const serverOverrides = { rateLimit: { enabled: false }, port: 0 };
/**
 * The purge workload: the host deletes 10 users a second (36,000 an hour), and 1 manual purge a second is requested;
 * the workers run them as they come (a steady load, not a backlog that would keep both CPUs of a small machine busy).
 */
const workload = { deletePerSecond: 10, manualPerSecond: 1 };
/**
 * Scan for due automatic purges every 2 s (the demo's 60 s would leave deleted users waiting), and run the workers
 * at niceness 10, as docs/running-at-scale.md advises when they share the machine with serve.
 */
const workerOverrides = { purgeScanInterval: 2, niceness: 10 };

/** A seeded shuffle (mulberry32), so that every run and store uses the same subjects in the same order. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function waitForQueue(session: AdminSession, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open =
      (await countRequests(session, 'purge', 'pending')) +
      (await countRequests(session, 'purge', 'running')) +
      (await countRequests(session, 'export', 'pending')) +
      (await countRequests(session, 'export', 'running'));
    if (open === 0) return;
    await sleep(500);
  }
  throw new Error('The queue did not empty in time.');
}

/**
 * Builds the demo with `lethe demo`, then gives it a history, as a site in use has: the workers' first scan purges
 * the demo's deleted and suspended users, and 300 exports are made (by items, so that they are quick), so that the
 * reports have rows to filter and page.
 */
async function prepare(users: number): Promise<Prepared> {
  const build = await buildDemo(users, 1);
  if (roots.size === 0) {
    process.once('exit', () => {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    });
  }
  roots.add(build.root);
  process.stderr.write(
    `load bench: built the ${users}-user campus demo in ${build.buildSeconds.toFixed(1)} s\n`,
  );
  const started = Date.now();
  const config = copyDemo(build, join(build.root, 'history'), 'sqlite:lethe.db', {
    server: serverOverrides,
    worker: workerOverrides,
  });
  const dir = join(build.root, 'history');
  const stack = await startStack(dir, config, workers, build.admin);
  try {
    const subjects = demoSubjects({ ...build, pristine: dir });
    for (const subjectId of shuffled(subjects.active, 7).slice(0, 300)) {
      const r = await api(stack.session, 'POST', '/api/v1/requests/exports', {
        subjectId,
        items: ['user', 'forum'],
      });
      if (r.status !== 201) {
        throw new Error(
          `export request refused: ${r.status} ${JSON.stringify(r.body)}\n${serverErrors(stack.server).join('\n')}`,
        );
      }
    }
    // The scan runs at start and every 2 s: wait for its purges to exist, then for the queue to empty.
    const until = Date.now() + 30_000;
    while ((await countRequests(stack.session, 'purge', 'succeeded')) === 0 && Date.now() < until) {
      await sleep(500);
    }
    await waitForQueue(stack.session, 180_000);
  } finally {
    await stopStack(stack);
  }
  // The history folder becomes the pristine copy that each run starts from.
  const prepared = { ...build, pristine: dir, configFile: config };
  const subjects = demoSubjects(prepared);
  const historySeconds = (Date.now() - started) / 1000;
  process.stderr.write(`load bench: made the request history in ${historySeconds.toFixed(1)} s\n`);
  return { build: prepared, historySeconds, ...subjects };
}

function prepared(users: number): Promise<Prepared> {
  let p = builds.get(users);
  if (!p) {
    p = prepare(users);
    builds.set(users, p);
    p.catch(() => builds.delete(users));
  }
  return p;
}

interface Target {
  key: string;
  label: string;
  paths: string[];
}

/**
 * Why the summary's p99 misses 100 ms, when it does, from what was measured beside it: the server's CPU per request
 * (all its HTTP processes together), the number of connections and of HTTP processes.
 */
function summaryWhy(
  mode: 'closed' | 'rate',
  cpuMs: number | undefined,
  postgresMs: number | undefined,
  connections: number,
  processes: number,
): string {
  const cpu =
    cpuMs === undefined
      ? "the server's CPU per request was not measured"
      : `the server spends ${cpuMs} ms of CPU on each (counting every item of the campus for one person, the ` +
        `store reads, HTTP and validation)${
          postgresMs === undefined
            ? ''
            : `, and PostgreSQL ${postgresMs} ms more on the same cores (the store's five queries per request: ` +
              'the session with its account and roles, the subject, the settings, the anonymous user and the past ' +
              "erasures, plus the workers' own)"
        }`;
  const threads = processes > 1 ? `the server's ${processes} HTTP processes` : "the server's one thread";
  const cores = availableParallelism();
  const perRequest = cpuMs === undefined ? undefined : cpuMs + (postgresMs ?? 0);
  return mode === 'closed'
    ? `In a closed loop the ${connections} connections queue on ${threads}, so a request waits while about ` +
        `${Math.round(connections / processes)} others are served by its process, and ${cpu}: p50 is about ` +
        `${connections} times that, shared among the machine's ${cores} cores` +
        `${perRequest === undefined ? '' : ` (about ${Math.round((perRequest * connections) / cores)} ms)`}. ` +
        `The tail adds the 2 purging workers and the load generator, which share the ${cores} cores with the server.`
    : `At a steady rate the server needs a fraction of one core (${cpu}); the tail comes from sharing the 2 cores ` +
        'with 2 purging workers and the store (see the load average).';
}

function targets(data: Prepared): Target[] {
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const some = shuffled(data.all, 11);
  return [
    {
      key: 'summary',
      label: 'personal data summary (GET /subjects/:id/data, every subject in turn)',
      paths: shuffled(data.all, 3).map((id) => `/api/v1/subjects/${id}/data`),
    },
    {
      key: 'purges',
      label: 'purges report (GET /reports/purges, 6 filters and pages)',
      paths: [
        '/api/v1/reports/purges?limit=50',
        '/api/v1/reports/purges?limit=50&offset=50',
        '/api/v1/reports/purges?status=succeeded&limit=50&offset=200',
        '/api/v1/reports/purges?origin=automatic:deleted&sort=finishedAt:desc&limit=50',
        '/api/v1/reports/purges?kind=learner&type=purge-deleted&limit=50',
        `/api/v1/reports/purges?from=${day(7)}&sort=fullName&limit=50`,
      ],
    },
    {
      key: 'exports',
      label: 'exports report (GET /reports/exports, 5 filters and pages)',
      paths: [
        '/api/v1/reports/exports?limit=50',
        '/api/v1/reports/exports?status=succeeded&limit=50&offset=50',
        '/api/v1/reports/exports?origin=admin&sort=fileSize:desc&limit=50',
        `/api/v1/reports/exports?kind=learner&from=${day(30)}&limit=50`,
        ...some.slice(0, 20).map((id) => `/api/v1/reports/exports?subject=${id}`),
      ],
    },
    {
      key: 'dashboard',
      label: 'dashboard (GET /reports/dashboard, 7 to 90 days)',
      paths: [
        '/api/v1/reports/dashboard',
        '/api/v1/reports/dashboard?days=7',
        '/api/v1/reports/dashboard?days=90',
      ],
    },
  ];
}

interface Measured {
  p50: number;
  p99: number;
  rps: number;
  /** Non-2xx answers, and socket errors and timeouts (10 s). */
  errors: number;
  /** Requests sent: the server works on each, even those left unanswered when the run ends. */
  sent: number;
  statuses: string;
}

async function measure(
  session: AdminSession,
  paths: string[],
  offset: number,
  options: { connections: number; seconds: number; rate?: number },
): Promise<Measured> {
  let next = offset;
  const result = await autocannon({
    url: session.base,
    connections: options.connections,
    duration: options.seconds,
    headers: { cookie: session.cookie },
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] as string }),
      },
    ],
  });
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, s]) => `${code}:${s.count ?? 0}`)
    .join(' ');
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: Math.round(result.requests.average * 10) / 10,
    errors: result.errors + result.non2xx,
    sent: result.requests.sent,
    statuses,
  };
}

/**
 * Waits (at most 60 s) until the server answers a cheap request within 50 ms: the requests of connections that a
 * run closed on timeout are still being worked on, and must not weigh on the next run.
 */
async function settle(session: AdminSession): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const started = Date.now();
    await api(session, 'GET', '/api/v1/session');
    if (Date.now() - started < 50) return;
    await sleep(200);
  }
}

/** Every path answers 200 before it is measured (a wrong path would only show up as errors). */
async function checkPaths(session: AdminSession, list: Target[]): Promise<void> {
  for (const t of list) {
    for (const path of t.paths.slice(0, 30)) {
      const r = await api(session, 'GET', path);
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
  }
  const summary = await api<{ components: unknown[] }>(session, 'GET', list[0]?.paths[0] as string);
  if (!Array.isArray(summary.body.components) || summary.body.components.length === 0) {
    throw new Error('The personal data summary came back without components.');
  }
}

/**
 * For comparison, the summary's closed loop against a single HTTP process (a second `serve --no-worker` on the same
 * store, while the workers go on purging and the other server idles): the figures without `--processes`.
 */
async function measureOneProcess(
  dir: string,
  config: string,
  data: Prepared,
  label: string,
  paths: string[],
  offset: number,
  options: { connections: number; seconds: number },
): Promise<BenchFigure[]> {
  const single = startServe(dir, config, 1, 'serve-single');
  try {
    const session = await login(
      await serverUrl(single),
      data.build.admin.username,
      data.build.admin.password,
    );
    await measure(session, paths, offset, { connections: 10, seconds: 2 });
    await settle(session);
    const cpuBefore = cpuSeconds(single);
    const m = await measure(session, paths, offset + 50_000, {
      connections: options.connections,
      seconds: options.seconds,
    });
    const cpuAfter = cpuSeconds(single);
    const name = `${label}: summary, ${options.connections} conn closed loop, 1 HTTP process (for comparison)`;
    return [
      { name: `${name}: p50`, value: m.p50, unit: 'ms' },
      { name: `${name}: p99`, value: m.p99, unit: 'ms' },
      { name: `${name}: requests/s`, value: m.rps, unit: 'req/s' },
      {
        name: `${name}: errors`,
        value: m.errors,
        unit: 'requests',
        target: { op: '<=', value: 0, source: 'issue 8' },
      },
      ...(cpuBefore !== undefined && cpuAfter !== undefined && m.sent > 0
        ? [
            {
              name: `${name}: server CPU per request`,
              value: Math.round(((cpuAfter - cpuBefore) * 1000 * 10) / m.sent) / 10,
              unit: 'ms',
            },
          ]
        : []),
    ];
  } finally {
    await stopLethe(single);
  }
}

interface StoreRun {
  label: string;
  store: string;
  schema?: { url: string; name: string };
}

async function runStore(
  data: Prepared,
  run: StoreRun,
  options: Required<Omit<BenchLoadOptions, 'postgres'>>,
  verbose: boolean,
): Promise<BenchFigure[]> {
  const dir = join(data.build.root, `run-${Date.now().toString(36)}-${run.label.toLowerCase()}`);
  const config = copyDemo(data.build, dir, run.store, { server: serverOverrides, worker: workerOverrides });
  let stack: Stack | undefined;
  try {
    if (run.schema) await copyStoreToPostgres(join(dir, 'lethe.db'), run.schema.url, run.schema.name);
    stack = await startStack(dir, config, workers, data.build.admin, serverProcesses);
    const session = stack.session;
    const list = targets(data);
    await checkPaths(session, list);

    const order = shuffled(data.active, 5);
    const half = Math.floor(order.length / 2);
    const feeder = startPurgeWorkload(session, {
      toDelete: order.slice(0, half),
      toPurge: order.slice(half),
      deletePerTick: workload.deletePerSecond,
      manualPerTick: workload.manualPerSecond,
      maxPending: 2 * workers,
      tickMs: 1000,
    });
    let workloadResult: Awaited<ReturnType<ReturnType<typeof startPurgeWorkload>['stop']>>;
    const figures: BenchFigure[] = [];
    const before = {
      succeeded: await countRequests(session, 'purge', 'succeeded'),
      failed: await countRequests(session, 'purge', 'failed'),
    };
    const startedAt = Date.now();
    const cpuAtStart = [stack.server, ...stack.workers].map(cpuSeconds);
    const loads: number[] = [];
    try {
      // Warm-up (not measured): the server's JIT and caches, and the workers' first purges.
      await measure(session, list[0]?.paths ?? [], 5000, { connections: 10, seconds: 3 });
      await settle(session);
      let offset = 0;
      for (const target of list) {
        for (const mode of ['closed', 'rate'] as const) {
          const cpuBefore = cpuSeconds(stack.server);
          const pgBefore = run.schema ? postgresCpuSeconds() : undefined;
          const m = await measure(session, target.paths, offset, {
            connections: options.connections,
            seconds: mode === 'closed' ? options.seconds : options.rateSeconds,
            ...(mode === 'rate' ? { rate: options.rate } : {}),
          });
          await settle(session);
          const cpuAfter = cpuSeconds(stack.server);
          const pgAfter = run.schema ? postgresCpuSeconds() : undefined;
          loads.push(loadavg()[0] ?? 0);
          offset += 100_000;
          const how =
            mode === 'closed'
              ? `${options.connections} conn closed loop`
              : `${options.connections} conn at ${options.rate} req/s`;
          const name = `${run.label}: ${target.key}, ${how}`;
          const cpuPerRequest =
            cpuBefore !== undefined && cpuAfter !== undefined && m.sent > 0
              ? Math.round(((cpuAfter - cpuBefore) * 1000 * 10) / m.sent) / 10
              : undefined;
          // PostgreSQL's share (the store's queries), on the same cores; the workers' queries are in it too.
          const pgPerRequest =
            pgBefore !== undefined && pgAfter !== undefined && m.sent > 0
              ? Math.round(((pgAfter - pgBefore) * 1000 * 10) / m.sent) / 10
              : undefined;
          const summaryGoal =
            target.key === 'summary'
              ? {
                  target: { op: '<' as const, value: 100, source: 'issue 8' },
                  why: summaryWhy(mode, cpuPerRequest, pgPerRequest, options.connections, serverProcesses),
                }
              : {};
          figures.push(
            { name: `${name}: p50`, value: m.p50, unit: 'ms' },
            { name: `${name}: p99`, value: m.p99, unit: 'ms', ...summaryGoal },
            { name: `${name}: requests/s`, value: m.rps, unit: 'req/s' },
            {
              name: `${name}: errors`,
              value: m.errors,
              unit: 'requests',
              target: { op: '<=', value: 0, source: 'issue 8' },
            },
          );
          if (mode === 'closed' && cpuPerRequest !== undefined) {
            figures.push({
              name: `${run.label}: ${target.key}, server CPU per request`,
              value: cpuPerRequest,
              unit: 'ms',
            });
          }
          if (mode === 'closed' && pgPerRequest !== undefined) {
            figures.push({
              name: `${run.label}: ${target.key}, PostgreSQL CPU per request (its processes here, workers' queries too)`,
              value: pgPerRequest,
              unit: 'ms',
            });
          }
          if (verbose) {
            process.stderr.write(
              `${name}: p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.rps} req/s, errors ${m.errors} [${m.statuses}], ` +
                `server CPU ${cpuPerRequest ?? '?'} ms/request, load ${loads.at(-1)?.toFixed(1)}\n`,
            );
          }
        }
      }
      if (serverProcesses > 1) {
        figures.push(
          ...(await measureOneProcess(dir, config, data, run.label, list[0]?.paths ?? [], offset, options)),
        );
      }
    } finally {
      workloadResult = await feeder.stop();
    }
    const seconds = (Date.now() - startedAt) / 1000;
    const cpuAtEnd = [stack.server, ...stack.workers].map(cpuSeconds);
    const cores = cpuAtStart.map((start, i) => {
      const end = cpuAtEnd[i];
      return start === undefined || end === undefined ? undefined : (end - start) / seconds;
    });
    const after = {
      succeeded: await countRequests(session, 'purge', 'succeeded'),
      failed: await countRequests(session, 'purge', 'failed'),
    };
    await stopStack(stack);
    if (logTail(stack.server, 50_000_000).includes('stopped unexpectedly')) {
      // Its CPU seconds went with it, and its connections' requests failed: the run does not count.
      throw new Error(
        `${run.label}: an HTTP process of the server died during the run:\n${logTail(stack.server)}`,
      );
    }
    const logs = stack.workers.map(workerLogSummary);
    stack = undefined;
    const finishedBy = logs.map((l) => Object.values(l.finished).reduce((a, b) => a + b, 0));
    const workerErrors = logs.reduce((n, l) => n + l.errors.length, 0);
    if (verbose || workerErrors > 0 || workloadResult.refused > 0) {
      process.stderr.write(
        `${run.label}: workload ${JSON.stringify(workloadResult)}; finished by worker ${finishedBy.join(' / ')}; ` +
          `worker errors: ${logs.flatMap((l) => l.errors.slice(0, 3)).join(' | ') || 'none'}\n`,
      );
    }
    figures.push(
      {
        name: `${run.label}: purges finished during the ${Math.round(seconds)} s measured`,
        value: after.succeeded - before.succeeded,
        unit: 'purges',
      },
      ...finishedBy.map((n, i) => ({
        name: `${run.label}: requests finished by worker ${i + 1} of ${workers}`,
        value: n,
        unit: 'requests',
      })),
      ...(cores.every((c) => c !== undefined)
        ? [
            {
              name: `${run.label}: CPU used by the server while measured`,
              value: Math.round((cores[0] as number) * 100) / 100,
              unit: 'cores',
            },
            {
              name: `${run.label}: CPU used by the ${workers} workers while measured`,
              value:
                Math.round(cores.slice(1).reduce((a, b) => (a as number) + (b as number), 0) * 100) / 100,
              unit: 'cores',
            },
          ]
        : []),
      {
        name: `${run.label}: machine load average (1 min) while measured, of ${availableParallelism()} CPUs`,
        value: Math.round((loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)) * 10) / 10,
        unit: '',
      },
      {
        name: `${run.label}: purges failed, worker errors, workload calls refused`,
        value: after.failed - before.failed + workerErrors + workloadResult.refused,
        unit: 'errors',
        target: { op: '<=', value: 0, source: 'issue 8' },
      },
    );
    return figures;
  } finally {
    if (stack) await stopStack(stack);
    if (run.schema) await dropSchema(run.schema.url, run.schema.name).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One round of the load bench, on the SQLite store and (with LETHE_TEST_PG) on a PostgreSQL store: 50 connections
 * on each endpoint, first as a closed loop (each connection sends its next request as soon as the last is answered:
 * latency under saturation), then at a fixed overall rate (autocannon's overallRate, with its correction for
 * coordinated omission), while 2 workers purge. Each call starts from a fresh copy of the same demo; the demo itself
 * is built once per process. The API rate limit is disabled in the bench's config (server.rateLimit.enabled false).
 */
export async function benchLoad(options: BenchLoadOptions = {}): Promise<BenchFigure[]> {
  const users = options.users ?? 20_000;
  const settings = {
    users,
    seconds: options.seconds ?? 8,
    rateSeconds: options.rateSeconds ?? 8,
    connections: options.connections ?? 50,
    rate: options.rate ?? 10,
  };
  const pgUrl = options.postgres === null ? undefined : (options.postgres ?? process.env['LETHE_TEST_PG']);
  const verbose = Boolean(process.env['LETHE_BENCH_VERBOSE']);
  const data = await prepared(users);
  process.stdout.write(
    `(load bench: ${users} campus users; ${settings.connections} connections per endpoint, as a closed loop and at ` +
      `${settings.rate} req/s in all (each client one request every ${settings.connections / settings.rate} s); ` +
      `the API rate limit is disabled for the bench; \`lethe serve --no-worker --processes ${serverProcesses}\` and ` +
      `${workers} \`lethe worker\` processes at niceness ${workerOverrides.niceness}, purging throughout: the host deletes ${workload.deletePerSecond} ` +
      `users/s and ${workload.manualPerSecond} manual purge/s is requested)\n`,
  );
  const figures = await runStore(data, { label: 'SQLite', store: 'sqlite:lethe.db' }, settings, verbose);
  if (pgUrl) {
    const name = `lethe_b_${Date.now().toString(36)}_${process.pid}`;
    const store = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${name}`;
    figures.push(
      ...(await runStore(
        data,
        { label: 'PostgreSQL', store, schema: { url: pgUrl, name } },
        settings,
        verbose,
      )),
    );
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchLoad()) console.log(`${f.name}: ${f.value} ${f.unit}`);
}
