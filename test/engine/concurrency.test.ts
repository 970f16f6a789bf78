import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { requestPurge } from '../../src/engine/purges/index.js';
import { updateSettings } from '../../src/engine/settings/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import { runDueJobs } from '../../src/engine/worker/index.js';
import { isoNow } from '../../src/store/index.js';
import { testEngine } from '../support/engine.js';
import { startWorkerChild } from './child-process.js';
import { openSharedStore, type SharedStore } from './process-stores.js';
import { createInvocationTable, readInvocations, recordingItems } from './recording-items.js';

const keys = ['load/one', 'load/two'];
const total = 500;
const manual = 60;
const workers = 4;
const workerConfig = { leaseSeconds: 30, itemTimeLimitMs: 30_000, batchSize: 7 };

describe.runIf(process.env['LETHE_TEST_PG'])('4 worker processes on PostgreSQL [postgres]', () => {
  let shared: SharedStore | undefined;
  afterEach(async (context) => {
    // Vitest runs onTestFailed handlers after afterEach hooks: the test's own state is what tells here.
    await shared?.dispose(context.task.result?.state === 'fail');
    shared = undefined;
  });

  it(`share ${total} requests so that every request runs exactly once`, async () => {
    shared = await openSharedStore('postgres');
    const { store } = shared;
    const engine = testEngine(store, recordingItems(store.db, keys), { worker: workerConfig });
    await createInvocationTable(store.db, store.dialect);
    const now = isoNow();
    const ids = Array.from({ length: total }, (_, i) => `u${String(i).padStart(4, '0')}`);
    await store.db
      .insertInto('subjects')
      .values(
        ids.map((id) => ({
          id,
          username: id,
          email: `${id}@example.org`,
          full_name: id,
          kind: 'learner',
          status: 'deleted',
          status_changed_at: now,
          suspended_purge_type_id: null,
          deleted_purge_type_id: null,
          legacy: 0,
          anonymous: 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const type = await createPurgeType(engine, 'cli', {
      idnumber: 'bulk',
      name: 'Bulk',
      status: 'deleted',
      allowManual: true,
      allowAutomatic: true,
      items: keys.map((key) => ({ key, mode: 'delete' })),
    });
    // Some manual purges (claimed one at a time) and many automatic ones (claimed in batches).
    for (const id of ids.slice(0, manual))
      await requestPurge(engine, 'cli', { subjectId: id, type: type.idnumber });
    await updateSettings(engine, 'cli', { defaultDeletedPurgeType: type.idnumber });
    await runDueJobs(engine, { workerId: 'scanner', emit: () => undefined }, { mode: 'all' });
    const queued = await store.db
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(queued?.n)).toBe(total);

    const children = Array.from({ length: workers }, (_, i) =>
      startWorkerChild({
        ...shared?.env,
        CHILD_KEYS: keys.join(','),
        CHILD_WORKER: JSON.stringify(workerConfig),
        CHILD_ID: `w${i}`,
      }),
    );
    const exits = await Promise.all(children.map((c) => c.exited));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    const summaries = exits.map(
      (e) => JSON.parse(e.stdout.trim().split('\n').pop() ?? '{}') as { requests: number },
    );
    expect(summaries.reduce((sum, s) => sum + s.requests, 0)).toBe(total);
    expect(summaries.filter((s) => s.requests > 0).length).toBeGreaterThanOrEqual(2);

    const statuses = await sql<{ status: string; attempts: number; n: number }>`
      select status, attempts, count(*) as n from requests group by status, attempts`.execute(store.db);
    expect(statuses.rows.map((r) => [r.status, Number(r.attempts), Number(r.n)])).toEqual([
      ['succeeded', 1, total],
    ]);
    const results = await sql<{
      n: number;
    }>`select count(*) as n from request_items where status = 'success'`.execute(store.db);
    expect(Number(results.rows[0]?.n)).toBe(total * keys.length);
    const calls = await readInvocations(store.db);
    expect(calls).toHaveLength(total * keys.length);
    expect(new Set(calls.map((c) => `${c.item_key} ${c.subject_id}`)).size).toBe(total * keys.length);
  });
});
