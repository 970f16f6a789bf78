import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../examples/campus/demo/build-demo.js';
import { demoLogins } from '../../examples/campus/demo/demo-accounts.js';
import { openStore, type Store } from '../../src/store/index.js';
import { readZipEntry } from '../engine/read-zip-entry.js';
import { repoRoot, runCli } from '../support/cli.js';
import { createPgSchema, dropPgSchema } from '../support/stores.js';
import { type ApiSession, logIn } from './api-session.js';
import { type Exit, type LetheProcess, startLethe } from './lethe-process.js';

/**
 * The deployment docs/running-at-scale.md describes, for real: two `lethe serve --no-worker` and three `lethe worker`
 * processes (the built CLI), one config file, one PostgreSQL store in its own schema, one shared files folder.
 */
const pgUrl = process.env['LETHE_TEST_PG'] ?? '';
const servers = 2;
const workers = 3;
/** Seconds between scheduled job runs (purge scan, export expiry, timed-out sweep, outbox retry). */
const interval = 1;
const jobNames = ['purge-scan', 'export-expiry', 'timed-out-sweep', 'outbox-retry'];

interface JobRun {
  job: string;
  result?: unknown;
  error?: string;
  startedAt: string;
  finishedAt: string;
}

interface WorkerSummary {
  workerId: string;
  finished: Record<string, number>;
  requests: number;
  jobs: JobRun[];
}

interface JobLease {
  job: string;
  owner: string | null;
  expires_at: string | null;
  last_run_at: string | null;
}

interface ApiRequest {
  id: number;
  kind: string;
  status: string;
  subjectId: string;
  package: { path: string | null; sha256: string | null } | null;
  downloadUrl: string | null;
}

interface Deployment {
  dir: string;
  files: string;
  configFile: string;
  schema: string;
  store: Store;
  serves: LetheProcess[];
  workers: LetheProcess[];
  urls: string[];
  /** Every `last_run_at` seen in each job's lease row, sampled every 100 ms while the workers run. */
  seenRuns: Map<string, Set<string>>;
  sampler: NodeJS.Timeout;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

async function requestRows(store: Store) {
  const rows = await store.db.selectFrom('requests').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) }));
}

/** How many `request.finish` audit events name each request (one each, or one bulk event listing many). */
async function finishEvents(store: Store): Promise<Map<number, number>> {
  const events = await store.db
    .selectFrom('audit_events')
    .select(['target_type', 'target_id', 'details'])
    .where('action', '=', 'request.finish')
    .execute();
  const counts = new Map<number, number>();
  const add = (id: number) => counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const event of events) {
    if (event.target_type === 'request') add(Number(event.target_id));
    else {
      const details = JSON.parse(event.details) as { requests: { id: number }[] };
      for (const r of details.requests) add(r.id);
    }
  }
  return counts;
}

/** Adds each job's `last_run_at` (the start of its latest finished run) to what was seen. */
async function sampleJobLeases(store: Store, seen: Map<string, Set<string>>): Promise<void> {
  const leases = await store.db.selectFrom('job_leases').select(['job', 'last_run_at']).execute();
  for (const lease of leases) if (lease.last_run_at) seen.get(lease.job)?.add(lease.last_run_at);
}

/** Builds the campus demo with its store in `schema`, then starts the servers and the workers on it. */
async function startDeployment(dir: string, schema: string): Promise<Deployment> {
  const url = new URL(pgUrl);
  url.searchParams.set('schema', schema);
  const storeUrl = url.toString();
  const files = join(dir, 'shared-files');
  mkdirSync(files);
  const demo = await buildDemo({
    dir,
    users: 40,
    seed: 11,
    config: {
      store: storeUrl,
      worker: {
        purgeScanInterval: interval,
        maintenanceInterval: interval,
        pollMs: 100,
        leaseSeconds: 10,
        batchSize: 4,
        itemTimeLimitMs: 30_000,
        maxAttempts: 3,
      },
    },
  });
  // Under Vitest the demo names the campus item module's TypeScript source; the processes run the built one.
  const config = JSON.parse(readFileSync(demo.configFile, 'utf8')) as { items: Array<{ module?: string }> };
  for (const source of config.items) {
    if (source.module) source.module = join(repoRoot, 'dist', 'examples', 'campus', 'items', 'index.js');
  }
  writeFileSync(demo.configFile, `${JSON.stringify(config, null, 2)}\n`);
  const store = await openStore(storeUrl);
  const seen = new Map(jobNames.map((name) => [name, new Set<string>()]));
  const env = { LETHE_FILES: files, LETHE_LOG_LEVEL: 'warn' };
  const base = ['--config', demo.configFile];
  return {
    dir,
    files,
    configFile: demo.configFile,
    schema,
    store,
    serves: Array.from({ length: servers }, (_, i) =>
      startLethe(`serve #${i + 1}`, [...base, 'serve', '--no-worker', '--port', '0'], env),
    ),
    workers: Array.from({ length: workers }, (_, i) =>
      startLethe(`worker #${i + 1}`, [...base, '--json', 'worker'], env),
    ),
    urls: [],
    seenRuns: seen,
    sampler: setInterval(() => void sampleJobLeases(store, seen).catch(() => undefined), 100),
  };
}

describe.runIf(pgUrl)('a deployment of several processes on one PostgreSQL store [postgres]', () => {
  let d: Deployment | undefined;
  let admin: ApiSession | undefined;
  let failed = false;
  let summaries: WorkerSummary[] | undefined;
  /** The job leases and the automatic purges in the store when the workers had stopped. */
  let atStop: { leases: JobLease[]; automatic: number[] } | undefined;

  const deployment = (): Deployment => {
    if (!d) throw new Error('the deployment did not start');
    return d;
  };
  const session = (): ApiSession => {
    if (!admin) throw new Error('not logged in');
    return admin;
  };

  beforeAll(async () => {
    // A schema of its own, named in the store URL that every process gets from the one config file.
    const schema = await createPgSchema(pgUrl);
    const dir = mkdtempSync(join(tmpdir(), 'lethe-scale-'));
    try {
      d = await startDeployment(dir, schema);
      for (const serve of d.serves) {
        const [, served] = await serve.waitForOutput(/Lethe is serving at (http:\/\/\S+)/);
        d.urls.push(served ?? '');
      }
      admin = await logIn(d.urls[0] ?? '', demoLogins.admin.username, demoLogins.admin.password);
    } catch (error) {
      failed = true;
      if (!d) console.error(`kept PostgreSQL schema ${schema} and ${dir} for inspection`);
      throw error;
    }
  }, 60_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    if (!d) return;
    clearInterval(d.sampler);
    const all = [...d.serves, ...d.workers];
    await Promise.all(all.map((p) => p.stop(5_000)));
    await d.store.close();
    if (failed) {
      for (const p of all) console.error(p.describe());
      console.error(`kept PostgreSQL schema ${d.schema} and ${d.dir} for inspection`);
    } else {
      await dropPgSchema(pgUrl, d.schema);
      rmSync(d.dir, { recursive: true, force: true });
    }
  });

  it(`${servers} servers and ${workers} workers share the work: each request runs once, a package downloads from the other server`, async () => {
    const { store, urls, files } = deployment();
    const api = session();
    const { subjects } = await api.call<{ subjects: Array<{ id: string; kind: string; legacy: boolean }> }>(
      'GET',
      '/api/v1/subjects?status=active&limit=1000',
    );
    const people = subjects
      .filter((s) => s.kind !== 'support' && !s.legacy && s.id !== demoLogins.subject.subjectId)
      .map((s) => s.id);
    expect(people.length).toBeGreaterThanOrEqual(18);
    const exported = people.slice(0, 6);
    const purged = people.slice(6, 9);
    const deleted = people.slice(9, 15);

    // Through server #1: exports, manual purges, and subjects the host deleted (the workers' scan enqueues those).
    const exports: ApiRequest[] = [];
    for (const subjectId of exported)
      exports.push(await api.call('POST', '/api/v1/requests/exports', { subjectId, type: 'self-service' }));
    for (const subjectId of purged)
      await api.call('POST', '/api/v1/requests/purges', {
        subjectId,
        type: 'forum-cleanup',
        confirmActive: true,
      });
    expect(
      await api.call('POST', '/api/v1/subjects/status', { ids: deleted, status: 'deleted' }),
    ).toMatchObject({ changed: deleted.length });

    await waitFor(
      'the workers to finish every request, and the scan to enqueue a purge of each deleted subject',
      async () => {
        const rows = await requestRows(store);
        const automatic = new Set(
          rows.filter((r) => r.origin === 'automatic:deleted').map((r) => r.subject_id),
        );
        return (
          deleted.every((id) => automatic.has(id)) &&
          rows.every((r) => r.status !== 'pending' && r.status !== 'running')
        );
      },
      40_000,
    );

    const rows = await requestRows(store);
    // Every request ran once: one claim, succeeded, its lease given back, and one request.finish in the audit trail.
    expect(rows.map((r) => [r.id, r.status, r.attempts, r.lease_owner])).toEqual(
      rows.map((r) => [r.id, 'succeeded', 1, null]),
    );
    const finishes = await finishEvents(store);
    expect(rows.map((r) => [r.id, finishes.get(r.id)])).toEqual(rows.map((r) => [r.id, 1]));
    // One result for each item of its type, and none failed.
    const typeItems = async (table: 'export_type_items' | 'purge_type_items', typeId: number | null) =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('type_id', '=', Number(typeId))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const row of rows) {
      const items = await store.db
        .selectFrom('request_items')
        .select(['item_key', 'status'])
        .where('request_id', '=', row.id)
        .execute();
      const expected =
        row.kind === 'export'
          ? await typeItems('export_type_items', row.export_type_id)
          : await typeItems('purge_type_items', row.purge_type_id);
      expect({ id: row.id, results: items.length }).toEqual({ id: row.id, results: expected });
      expect(items.filter((i) => i.status === 'error' || i.status === 'timed-out')).toEqual([]);
    }
    // The scan enqueued each deleted subject once, though three workers scan.
    const perSubject = new Map<string, number>();
    for (const r of rows.filter((r) => r.origin.startsWith('automatic:')))
      perSubject.set(r.subject_id, (perSubject.get(r.subject_id) ?? 0) + 1);
    expect([...perSubject.values()].every((n) => n === 1)).toBe(true);
    expect(deleted.every((id) => perSubject.get(id) === 1)).toBe(true);

    // A package a worker wrote to the shared folder downloads through server #2, with the session made on #1.
    const other = api.at(urls[1] ?? '');
    const made = await other.call<ApiRequest>('GET', `/api/v1/requests/${exports[0]?.id}`);
    expect(made.status).toBe('succeeded');
    expect(realpathSync(made.package?.path ?? '').startsWith(realpathSync(files))).toBe(true);
    const download = await other.get(made.downloadUrl ?? '');
    expect(download.status).toBe(200);
    const zip = Buffer.from(await download.arrayBuffer());
    const sha256 = createHash('sha256').update(zip).digest('hex');
    expect(sha256).toBe(made.package?.sha256);
    expect(download.headers.get('x-content-sha256')).toBe(sha256);
    const copy = join(deployment().dir, 'downloaded.zip');
    writeFileSync(copy, zip);
    const manifest = JSON.parse((await readZipEntry(copy, 'manifest.json')) ?? '{}') as {
      subject: { id: string };
    };
    expect(manifest.subject.id).toBe(exported[0]);
  }, 60_000);

  it('on SIGTERM every process finishes the work in hand and exits 0; a worker started later does the rest', async () => {
    const dep = deployment();
    const { store } = dep;
    const api = session();
    const done = new Set((await requestRows(store)).map((r) => r.subject_id));
    const { subjects } = await api.call<{ subjects: Array<{ id: string; kind: string; legacy: boolean }> }>(
      'GET',
      '/api/v1/subjects?status=active&limit=1000',
    );
    const more = subjects
      .filter((s) => s.kind !== 'support' && !s.legacy && !done.has(s.id))
      .slice(0, 3)
      .map((s) => s.id);
    expect(more).toHaveLength(3);
    // The scheduled-job checks below need a few runs of every job while all the workers run.
    await waitFor(
      'three runs of every scheduled job',
      async () => [...dep.seenRuns.values()].every((runs) => runs.size >= 3),
      30_000,
    );
    for (const subjectId of more)
      await api.call('POST', '/api/v1/requests/exports', { subjectId, type: 'self-service' });
    // Stop everything while a worker holds one of these exports (`held`), if one is caught running.
    let held: number[] = [];
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const mine = (await requestRows(store)).filter((r) => more.includes(r.subject_id));
      held = mine.filter((r) => r.status === 'running').map((r) => r.id);
      if (held.length > 0 || mine.every((r) => r.status === 'succeeded')) break;
      await sleep(5);
    }
    const exits: Exit[] = await Promise.all([...dep.workers, ...dep.serves].map((p) => p.stop(20_000)));
    expect(
      exits.map((e, i) => [[...dep.workers, ...dep.serves][i]?.name, e.code, e.signal]),
      [...dep.workers, ...dep.serves].map((p) => p.describe()).join('\n'),
    ).toEqual([...dep.workers, ...dep.serves].map((p) => [p.name, 0, null]));

    // Nothing is left running: what was claimed finished, what was not is pending, untouched.
    const after = await requestRows(store);
    expect(after.filter((r) => r.status === 'running')).toEqual([]);
    // A worker that held an export when it was told to stop finished it first.
    expect(after.filter((r) => held.includes(r.id)).map((r) => [r.id, r.status, r.attempts])).toEqual(
      held.map((id) => [id, 'succeeded', 1]),
    );
    for (const r of after.filter((r) => r.status !== 'succeeded'))
      expect([r.status, r.attempts, r.lease_owner]).toEqual(['pending', 0, null]);

    clearInterval(dep.sampler);
    await sampleJobLeases(store, dep.seenRuns);
    summaries = dep.workers.map((w) => JSON.parse(w.stdout) as WorkerSummary);
    atStop = {
      leases: await store.db.selectFrom('job_leases').selectAll().execute(),
      automatic: after.filter((r) => r.origin.startsWith('automatic:')).map((r) => r.id),
    };
    const once = await runCli(['--config', dep.configFile, '--json', 'worker', '--once'], {
      env: { LETHE_FILES: dep.files },
    });
    expect(once.code, once.stderr).toBe(0);
    const rest = once.json<WorkerSummary>();

    const final = await requestRows(store);
    expect(final.map((r) => [r.id, r.status, r.attempts])).toEqual(final.map((r) => [r.id, 'succeeded', 1]));
    // Each request was finished by exactly one worker process: their counts add up to the requests in the store.
    const byWorker = [...summaries, rest].map((s) => s.requests);
    expect(byWorker.reduce((a, b) => a + b, 0)).toBe(final.length);
    expect(summaries.every((s) => Object.keys(s.finished).every((k) => k === 'succeeded'))).toBe(true);
    expect(new Set(summaries.map((s) => s.workerId)).size).toBe(workers);
    // The three workers shared the queue.
    expect(summaries.filter((s) => s.requests > 0).length).toBeGreaterThanOrEqual(2);
    console.info(
      `requests finished per worker: ${summaries.map((s) => `${s.workerId} ${s.requests}`).join(', ')}; ` +
        `the later worker --once ${rest.requests}; ${held.length} export(s) running at SIGTERM`,
    );
  }, 60_000);

  it(`runs each scheduled job once per ${interval} s interval across the ${workers} workers, never two at once`, async () => {
    if (!summaries || !atStop) throw new Error('the workers did not report');
    const { leases, automatic } = atStop;
    const { seenRuns } = deployment();
    const runs = summaries.flatMap((s) => s.jobs.map((run) => ({ ...run, worker: s.workerId })));
    for (const name of jobNames) {
      const mine = runs.filter((r) => r.job === name).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      // Every run the store showed was reported by a worker (and there were several).
      const reported = new Set(mine.map((r) => r.startedAt));
      expect({ name, unreported: [...(seenRuns.get(name) ?? [])].filter((at) => !reported.has(at)) }).toEqual(
        {
          name,
          unreported: [],
        },
      );
      expect({ name, enough: mine.length >= 3 }).toEqual({ name, enough: true });
      expect(mine.filter((r) => r.error)).toEqual([]);
      for (let i = 1; i < mine.length; i++) {
        const before = mine[i - 1] as (typeof mine)[number];
        const run = mine[i] as (typeof mine)[number];
        const gap = Date.parse(run.startedAt) - Date.parse(before.startedAt);
        // Never concurrently: a run starts after the one before it ended; never twice in one interval.
        expect({ name, run, overlaps: run.startedAt < before.finishedAt }).toMatchObject({ overlaps: false });
        expect({ name, run, gap, tooSoon: gap < interval * 1000 }).toMatchObject({ tooSoon: false });
      }
      // The store's lease row agrees: its last run is the last run a worker reported, and no one holds it.
      expect(leases.find((l) => l.job === name)).toMatchObject({
        owner: null,
        expires_at: null,
        last_run_at: mine.at(-1)?.startedAt,
      });
      console.info(
        `${name}: ${mine.length} runs, by ${[...new Set(mine.map((r) => r.worker))].length} of the workers`,
      );
    }
    // Every automatic purge in the store was enqueued by exactly one scan run.
    const enqueued = runs
      .filter((r) => r.job === 'purge-scan')
      .flatMap((r) => (r.result as { requests: { id: number }[] }).requests.map((q) => q.id))
      .sort((a, b) => a - b);
    expect(enqueued).toEqual(automatic);
  });
});
