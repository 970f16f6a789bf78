import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createDeleteType, deletedSubjects, fakeEngine } from '../../../test/engine/fake-engine.js';
import { describeEachStore } from '../../../test/support/stores.js';
import type { ConfigInput } from '../../config/index.js';
import type { Store } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { requestPurge } from '../purges/index.js';
import { getRequest, listRequests } from '../requests/index.js';
import { updateSettings } from '../settings/index.js';
import { registerSubject } from '../subjects/index.js';
import { claimWork } from './claim-work.js';
import { runWorker } from './run-worker.js';
import { runDueJobs } from './scheduler.js';
import { writeItemResults } from './write-results.js';

const keys = ['a/one', 'a/two', 'a/three'];

async function setup(
  store: Store,
  options: { before?: (key: string) => Promise<void> | void; config?: ConfigInput; subjects?: number } = {},
) {
  const { engine, data } = fakeEngine(store, keys, options.config, (key) => ({
    before: () => options.before?.(key),
  }));
  const ids = Array.from({ length: options.subjects ?? 3 }, (_, i) => `s${i}`);
  await createDeleteType(engine, keys);
  await deletedSubjects(engine, data, keys, ids);
  return { engine, data, ids };
}

async function expireLeases(engine: Engine) {
  await engine.db
    .updateTable('requests')
    .set({ lease_expires_at: '2000-01-01T00:00:00.000Z' })
    .where('status', '=', 'running')
    .execute();
}

describeEachStore('worker', ({ store }) => {
  it("takes over a dead worker's request and runs only its unfinished items", async () => {
    const { engine, data } = await setup(store());
    const request = await requestPurge(engine, 'cli', { subjectId: 's0', type: 'del' });
    const [claimed] = await claimWork(engine, 'dead-worker');
    expect(claimed).toMatchObject({ status: 'running', lease_owner: 'dead-worker', attempts: 1 });
    // The dead worker had finished the first item before it died.
    data.put('a/one', 's0', []);
    await writeItemResults(engine, 'dead-worker', [
      {
        requestId: request.id,
        key: 'a/one',
        mode: 'delete',
        result: { status: 'success', count: 1 },
        startedAt: null,
        finishedAt: new Date().toISOString(),
        durationMs: 1,
      },
    ]);
    // While its lease lasts, nobody else takes it.
    expect(await claimWork(engine, 'other')).toEqual([]);
    await expireLeases(engine);
    const summary = await runWorker(engine, { once: true, jobs: 'none', workerId: 'rescuer' });
    expect(summary.finished).toEqual({ succeeded: 1 });
    const done = await getRequest(engine, request.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.items.map((i) => [i.itemKey, i.status, i.count])).toEqual([
      ['a/one', 'success', 1],
      ['a/two', 'success', 1],
      ['a/three', 'success', 1],
    ]);
    expect(data.callsOf('a/one')).toEqual([]);
    expect(data.callsOf('a/two')).toHaveLength(1);
  });

  it('a request whose workers keep dying ends timed-out once its attempts are used', async () => {
    const { engine } = await setup(store(), { config: { worker: { maxAttempts: 2 } } });
    const request = await requestPurge(engine, 'cli', { subjectId: 's1', type: 'del' });
    for (const worker of ['dead-1', 'dead-2']) {
      expect(await claimWork(engine, worker)).toHaveLength(1);
      await expireLeases(engine);
    }
    expect(await claimWork(engine, 'dead-3')).toEqual([]);
    const summary = await runWorker(engine, { once: true, jobs: 'all' });
    expect(summary.jobs.find((j) => j.job === 'timed-out-sweep')?.result).toEqual({ closed: 1 });
    const done = await getRequest(engine, request.id);
    expect(done.status).toBe('timed-out');
    expect(done.error).toContain('all 2 attempts');
    expect(done.items.map((i) => i.status)).toEqual(['timed-out', 'timed-out', 'timed-out']);
  });

  it('a worker that lost its lease writes no results for that request', async () => {
    const holder: { engine?: Engine } = {};
    const { engine, data } = await setup(store(), {
      before: async (key) => {
        if (key === 'a/two' && holder.engine) {
          await holder.engine.db.updateTable('requests').set({ lease_owner: 'thief' }).execute();
        }
      },
    });
    holder.engine = engine;
    const request = await requestPurge(engine, 'cli', { subjectId: 's0', type: 'del' });
    const summary = await runWorker(engine, { once: true, jobs: 'none', workerId: 'slow' });
    expect(summary.requests).toBe(0);
    const after = await getRequest(engine, request.id);
    expect(after.status).toBe('running');
    expect(after.items.map((i) => i.itemKey)).toEqual(['a/one']);
    expect(data.callsOf('a/three')).toEqual([]);
  });

  it('claims automatic purges of one type in batches of batchSize, and other requests alone', async () => {
    const { engine, data } = await setup(store(), { subjects: 5, config: { worker: { batchSize: 2 } } });
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'del' });
    await runDueJobs(engine, { workerId: 'w', emit: () => undefined }, { mode: 'all' });
    const first = await claimWork(engine, 'w1');
    expect(first.map((r) => r.subject_id)).toEqual(['s0', 's1']);
    expect(first.every((r) => r.origin === 'automatic:deleted')).toBe(true);
    await sql`update requests set status = 'pending', lease_owner = null, attempts = 0`.execute(engine.db);
    const summary = await runWorker(engine, { once: true, jobs: 'none' });
    expect(summary.finished).toEqual({ succeeded: 5 });
    expect(data.callsOf('a/one').map((c) => c.subjects)).toEqual([['s0', 's1'], ['s2', 's3'], ['s4']]);
  });

  it('runs each scheduled job alone across workers, and only when it is due', async () => {
    const { engine } = await setup(store());
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'del' });
    const ctx = (workerId: string) => ({ workerId, emit: () => undefined });
    const [a, b] = await Promise.all([runDueJobs(engine, ctx('w1')), runDueJobs(engine, ctx('w2'))]);
    const scans = [...(a ?? []), ...(b ?? [])].filter((r) => r.job === 'purge-scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]?.result).toMatchObject({ enqueued: 3 });
    expect((await listRequests(engine, { kind: 'purge' })).total).toBe(3);
    // Within the interval nothing is due, except, for --once, a scan when its inputs changed.
    expect(await runDueJobs(engine, ctx('w1'))).toEqual([]);
    expect(await runDueJobs(engine, ctx('w1'), { once: true })).toEqual([]);
    await registerSubject(engine, 'cli', { id: 'late', username: 'late', email: '', fullName: 'Late' });
    expect((await runDueJobs(engine, ctx('w1'), { once: true })).map((r) => r.job)).toEqual(['purge-scan']);
    const lease = await engine.db
      .selectFrom('job_leases')
      .selectAll()
      .where('job', '=', 'purge-scan')
      .executeTakeFirst();
    expect(lease).toMatchObject({ owner: null, expires_at: null });
  });

  it('without once, polls and runs the scheduler until stopped, then finishes what it holds', async () => {
    const { engine } = await setup(store(), { config: { worker: { pollMs: 20, purgeScanInterval: 1 } } });
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: 'del' });
    const controller = new AbortController();
    const events: string[] = [];
    const running = runWorker(engine, {
      signal: controller.signal,
      onProgress: (e) => {
        events.push(e.type);
        if (e.type === 'finished') controller.abort();
      },
    });
    const summary = await running;
    expect(summary.finished['succeeded']).toBeGreaterThanOrEqual(1);
    expect(events).toContain('job');
    const { requests } = await listRequests(engine, { kind: 'purge' });
    expect(requests.filter((r) => r.status === 'running')).toEqual([]);
  });

  it('keeps only the last job runs of a long-running worker, and counts those it let go of', async () => {
    const { engine } = await setup(store(), {
      config: { worker: { pollMs: 20, purgeScanInterval: 0.2, maintenanceInterval: 0.2 } },
    });
    const controller = new AbortController();
    let jobRuns = 0;
    const summary = await runWorker(engine, {
      signal: controller.signal,
      keepJobRuns: 3,
      onProgress: (e) => {
        if (e.type === 'job' && ++jobRuns === 6) controller.abort();
      },
    });
    expect(summary.jobs).toHaveLength(3);
    expect(summary.jobRunsDropped).toBe(jobRuns - 3);
    const last = summary.jobs.at(-1)?.finishedAt ?? '';
    expect(summary.jobs.every((run) => run.startedAt <= last)).toBe(true);
  });
});
