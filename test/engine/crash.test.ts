import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { requestPurge } from '../../src/engine/purges/index.js';
import { getRequest } from '../../src/engine/requests/index.js';
import { changeStatus, registerSubject } from '../../src/engine/subjects/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import { testEngine } from '../support/engine.js';
import { startWorkerChild, waitFor } from './child-process.js';
import { openSharedStore, type SharedStore, sharedStoreTargets } from './process-stores.js';
import { createInvocationTable, readInvocations, recordingItems } from './recording-items.js';

const keys = ['crash/first', 'crash/wait', 'crash/last'];
const workerConfig = { leaseSeconds: 1, itemTimeLimitMs: 60_000 };

for (const dialect of sharedStoreTargets()) {
  describe(`a worker killed in the middle of a request [${dialect}]`, () => {
    let shared: SharedStore | undefined;
    afterEach(async (context) => {
      // Vitest runs onTestFailed handlers after afterEach hooks: the test's own state is what tells here.
      await shared?.dispose(context.task.result?.state === 'fail');
      shared = undefined;
    });

    it('is replaced by another that finishes only the unfinished items, each with exactly one result', async () => {
      shared = await openSharedStore(dialect);
      const { store } = shared;
      const engine = testEngine(store, recordingItems(store.db, keys), { worker: workerConfig });
      await createInvocationTable(store.db, store.dialect);
      await registerSubject(engine, 'cli', {
        id: 'victim',
        username: 'v',
        email: 'v@example.org',
        fullName: 'V',
      });
      await createPurgeType(engine, 'cli', {
        idnumber: 'gone',
        name: 'Gone',
        status: 'deleted',
        items: keys.map((key) => ({ key, mode: 'delete' })),
      });
      await changeStatus(engine, 'cli', ['victim'], 'deleted');
      const request = await requestPurge(engine, 'cli', { subjectId: 'victim', type: 'gone' });

      const first = startWorkerChild({
        ...shared.env,
        CHILD_KEYS: keys.join(','),
        CHILD_HANG_ON: 'crash/wait',
        CHILD_WORKER: JSON.stringify(workerConfig),
        CHILD_ID: 'doomed',
      });
      await waitFor('the worker to reach the hanging item', async () =>
        (await readInvocations(store.db)).some((i) => i.item_key === 'crash/wait'),
      );
      first.child.kill('SIGKILL');
      const exit = await first.exited;
      expect(exit.signal).toBe('SIGKILL');

      const midway = await getRequest(engine, request.id);
      expect(midway).toMatchObject({ status: 'running', attempts: 1 });
      expect(midway.items.map((i) => [i.itemKey, i.status])).toEqual([['crash/first', 'success']]);

      // Once the dead worker's lease runs out, a new worker takes the request over.
      await waitFor('the lease to run out', async () => {
        const row = await store.db
          .selectFrom('requests')
          .select('lease_expires_at')
          .where('id', '=', request.id)
          .executeTakeFirst();
        return (row?.lease_expires_at ?? '') < new Date().toISOString();
      });
      const summary = await runWorker(engine, { once: true, jobs: 'none', workerId: 'rescuer' });
      expect(summary.finished).toEqual({ succeeded: 1 });

      const done = await getRequest(engine, request.id);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(done.items.map((i) => [i.itemKey, i.status])).toEqual(keys.map((key) => [key, 'success']));
      const perItem = await sql<{ item_key: string; n: number }>`
        select item_key, count(*) as n from request_items where request_id = ${request.id} group by item_key`.execute(
        store.db,
      );
      expect(perItem.rows.map((r) => [r.item_key, Number(r.n)]).sort()).toEqual(
        keys.map((k) => [k, 1]).sort(),
      );

      const calls = await readInvocations(store.db);
      const count = (key: string) => calls.filter((c) => c.item_key === key).length;
      // The finished item did not run again; the interrupted one ran again; the last ran once.
      expect([count('crash/first'), count('crash/wait'), count('crash/last')]).toEqual([1, 2, 1]);
      const childPid = first.child.pid;
      expect(calls.filter((c) => c.pid === childPid).map((c) => c.item_key)).toEqual([
        'crash/first',
        'crash/wait',
      ]);
    });
  });
}
