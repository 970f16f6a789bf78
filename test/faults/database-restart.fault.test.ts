import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { requestPurge } from '../../src/engine/purges/index.js';
import { getRequest } from '../../src/engine/requests/index.js';
import { changeStatus, registerSubject } from '../../src/engine/subjects/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import { waitFor } from '../engine/child-process.js';
import { openSharedStore, type SharedStore } from '../engine/process-stores.js';
import { createInvocationTable, readInvocations } from '../engine/recording-items.js';
import { testEngine } from '../support/engine.js';
import {
  type FaultWorker,
  faultAppName,
  faultStoreUrl,
  startFaultWorker,
  terminateSessions,
} from './fault-child.js';
import { type FaultItemSpec, faultItems } from './fault-items.js';

/**
 * Issue 8, "database restart": the worker's PostgreSQL sessions are ended by the server (pg_terminate_backend, as a
 * restart or a failover does) in the middle of a purge, and while the worker is idle. The worker process must
 * survive, reconnect, and end every request with a correct report: done, or retried, or failed, never `running`.
 * Only this test's worker sessions are ended: they carry an application_name of their own.
 */
const serverUrl = process.env['LETHE_TEST_PG'] ?? '';
const specs: FaultItemSpec[] = [
  { key: 'cut/first', kind: 'ok' },
  { key: 'cut/gate', kind: 'gate' },
  { key: 'cut/last', kind: 'ok' },
];
const keys = specs.map((s) => s.key);
// No pause before a request given back is tried again: the retried request must run again while the test waits.
const workerConfig = {
  leaseSeconds: 2,
  pollMs: 100,
  itemTimeLimitMs: 30_000,
  maxAttempts: 3,
  retryDelaySeconds: 0,
};

describe.runIf(serverUrl)('the PostgreSQL connection cut under a running worker', () => {
  let shared: SharedStore | undefined;
  let worker: FaultWorker | undefined;
  let gates: string | undefined;
  afterEach(async (context) => {
    await worker?.stop();
    worker = undefined;
    await shared?.dispose(context.task.result?.state === 'fail');
    shared = undefined;
    if (gates) rmSync(gates, { recursive: true, force: true });
    gates = undefined;
  });

  async function setup(): Promise<{ engine: Engine; appName: string; gateDir: string }> {
    shared = await openSharedStore('postgres');
    const { store } = shared;
    gates = mkdtempSync(join(tmpdir(), 'lethe-gates-'));
    const gateDir = gates;
    const engine = testEngine(store, faultItems(store.db, specs), { worker: workerConfig });
    await createInvocationTable(store.db, store.dialect);
    for (const id of ['a', 'b']) {
      await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    }
    await createPurgeType(engine, 'cli', {
      idnumber: 'gone',
      name: 'Gone',
      status: 'deleted',
      items: keys.map((key) => ({ key, mode: 'delete' })),
    });
    await changeStatus(engine, 'cli', ['a', 'b'], 'deleted');
    const appName = faultAppName('restart');
    worker = startFaultWorker({
      FAULT_STORE: faultStoreUrl(serverUrl, shared.env.CHILD_SCHEMA, appName),
      FAULT_ITEMS: JSON.stringify(specs),
      FAULT_GATES: gateDir,
      FAULT_WORKER: JSON.stringify(workerConfig),
      FAULT_ID: 'restarted',
    });
    return { engine, appName, gateDir };
  }

  async function invocations(key: string, subject: string): Promise<number> {
    const calls = await readInvocations((shared as SharedStore).store.db);
    return calls.filter((c) => c.item_key === key && c.subject_id === subject).length;
  }

  async function finished(engine: Engine, id: number): Promise<void> {
    try {
      await waitFor(
        `request ${id} to finish`,
        async () => {
          const status = (await getRequest(engine, id)).status;
          if (worker?.child.exitCode !== null) throw new Error('The worker died.');
          return status !== 'pending' && status !== 'running';
        },
        20_000,
      );
    } catch (error) {
      const events = worker?.events().map((e) => JSON.stringify(e));
      throw new Error(
        `${(error as Error).message}\nworker events:\n${events?.join('\n')}\nworker stderr:\n${worker?.stderr()}`,
      );
    }
  }

  /** How many ended sessions the worker has reported (open-store.ts logs each once). */
  function lostReports(): number {
    return (worker?.stderr() ?? '').split('lethe: the PostgreSQL store lost a connection').length - 1;
  }

  async function resultsPerItem(engine: Engine, id: number): Promise<[string, number][]> {
    const rows = await sql<{ item_key: string; n: number }>`
      select item_key, count(*) as n from request_items where request_id = ${id} group by item_key
      order by item_key`.execute(engine.db);
    return rows.rows.map((r) => [r.item_key, Number(r.n)]);
  }

  it('survives its sessions ending while an item runs and while it is idle, and finishes every request', async () => {
    const { engine, appName, gateDir } = await setup();
    // Ends the worker's sessions, and waits until it has noticed each one (each is reported once), so that what
    // follows does not depend on when it reads the news.
    let ended = 0;
    const endWorkerSessions = async () => {
      const count = await terminateSessions(serverUrl, appName);
      expect(count).toBeGreaterThan(0);
      ended += count;
      await waitFor('the worker to notice every ended session', async () => lostReports() >= ended);
    };
    const first = await requestPurge(engine, 'cli', { subjectId: 'a', type: 'gone' });
    await waitFor(
      'the worker to reach the waiting item',
      async () => (await invocations('cut/gate', 'a')) > 0,
    );
    // The worker holds the request and its pool holds idle sessions: end them all.
    await endWorkerSessions();
    writeFileSync(join(gateDir, 'a'), '');
    await finished(engine, first.id);
    const a = await getRequest(engine, first.id);
    expect(a).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(a.items.map((i) => [i.itemKey, i.status])).toEqual(keys.map((k) => [k, 'success']));

    // Idle between jobs: it polls the queue and runs its scheduler; end its sessions again, then give it work.
    await new Promise((r) => setTimeout(r, 3 * workerConfig.pollMs));
    await endWorkerSessions();
    writeFileSync(join(gateDir, 'b'), '');
    const second = await requestPurge(engine, 'cli', { subjectId: 'b', type: 'gone' });
    await finished(engine, second.id);
    expect(await getRequest(engine, second.id)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      error: null,
    });

    for (const id of [first.id, second.id])
      expect(await resultsPerItem(engine, id)).toEqual(keys.map((k) => [k, 1]));
    const exit = await (worker as FaultWorker).stop();
    expect(exit).toMatchObject({ code: 0, summary: { finished: { succeeded: 2 } } });
    // The ended sessions were noticed and logged (once each), not thrown.
    expect(lostReports()).toBe(ended);
    expect((worker as FaultWorker).stderr()).toContain(
      'lethe: the PostgreSQL store lost a connection (terminating connection due to administrator command)',
    );
  });

  it('a write cut in flight fails the attempt cleanly: retried, or failed with its reason once attempts are used', async () => {
    const { engine, appName, gateDir } = await setup();
    const lockClient = new pg.Client({ connectionString: serverUrl });
    await lockClient.connect();
    // Another session watches: inside a transaction, pg_stat_activity is a snapshot taken once.
    const watchClient = new pg.Client({ connectionString: serverUrl });
    await watchClient.connect();
    /**
     * Holds a result row of the same request and item, inserted and not committed, while the item's result is
     * written (the worker's insert waits to learn whether it conflicts), so that the write is in flight when the
     * worker's sessions are ended; then lets go (the row was never committed).
     */
    const cutTheResultWrite = async (id: number, subject: string) => {
      await waitFor(
        'the worker to reach the waiting item',
        async () => (await invocations('cut/gate', subject)) > 0,
      );
      await lockClient.query('begin');
      await lockClient.query(
        `insert into ${shared?.env.CHILD_SCHEMA}.request_items (request_id, item_key, mode, status, count)
          values ($1, 'cut/gate', 'delete', 'success', 0)`,
        [id],
      );
      writeFileSync(join(gateDir, subject), '');
      await waitFor('the result write to wait on the row', async () => {
        const waiting = await watchClient.query(
          `select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'
            and query like 'insert into request_items%'`,
          [appName],
        );
        return (waiting.rowCount ?? 0) > 0;
      });
      expect(await terminateSessions(serverUrl, appName)).toBeGreaterThan(0);
      await lockClient.query('rollback');
    };
    try {
      const retried = await requestPurge(engine, 'cli', { subjectId: 'a', type: 'gone' });
      await cutTheResultWrite(retried.id, 'a');
      await finished(engine, retried.id);
      const a = await getRequest(engine, retried.id);
      // The attempt whose write was cut gave the request back; the next finished it. The finished item did not
      // run again; the one whose result was lost did.
      expect(a).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
      expect(a.items.map((i) => [i.itemKey, i.status])).toEqual(keys.map((k) => [k, 'success']));
      expect(await resultsPerItem(engine, retried.id)).toEqual(keys.map((k) => [k, 1]));
      expect([
        await invocations('cut/first', 'a'),
        await invocations('cut/gate', 'a'),
        await invocations('cut/last', 'a'),
      ]).toEqual([1, 2, 1]);

      // With no attempt left, the same cut fails the request, saying why, and nothing is left running.
      const oneAttempt = testEngine(engine.store, engine.items.list(), {
        worker: { ...workerConfig, maxAttempts: 1 },
      });
      const last = await requestPurge(oneAttempt, 'cli', { subjectId: 'b', type: 'gone' });
      expect(last.maxAttempts).toBe(1);
      await cutTheResultWrite(last.id, 'b');
      await finished(engine, last.id);
      const b = await getRequest(engine, last.id);
      expect(b).toMatchObject({ status: 'failed', attempts: 1 });
      expect(b.error).toMatch(
        /^LETHE_E_STORE_UNAVAILABLE: the worker lost its connection to the store while it ran this request \(.+\)\.$/,
      );
      // The item that ran keeps its result; the two that did not finish are closed as errors.
      expect(b.items.map((i) => [i.itemKey, i.status])).toEqual([
        ['cut/first', 'success'],
        ['cut/gate', 'error'],
        ['cut/last', 'error'],
      ]);
      expect(await invocations('cut/last', 'b')).toBe(0);
      const running = await engine.db
        .selectFrom('requests')
        .select('id')
        .where('status', '=', 'running')
        .execute();
      expect(running).toEqual([]);
    } finally {
      await lockClient.query('rollback').catch(() => undefined);
      await lockClient.end();
      await watchClient.end();
    }
    const exit = await (worker as FaultWorker).stop();
    expect(exit.code).toBe(0);
  });
});
