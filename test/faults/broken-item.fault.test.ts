import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestPurge } from '../../src/engine/purges/index.js';
import { getRequest, requestExport } from '../../src/engine/requests/index.js';
import { changeStatus, registerSubject } from '../../src/engine/subjects/index.js';
import { createPurgeType } from '../../src/engine/types/index.js';
import { openSharedStore, type SharedStore } from '../engine/process-stores.js';
import { createInvocationTable, readInvocations } from '../engine/recording-items.js';
import { testEngine } from '../support/engine.js';
import { faultAppName, faultStoreUrl, startFaultWorker } from './fault-child.js';
import { brokenMessage, type FaultItemSpec, faultItems } from './fault-items.js';

/**
 * Issue 8, "slow or broken item": one item hangs past its time limit, another throws every time. Two worker
 * processes share a PostgreSQL queue of purges and exports. Only those items are marked (`timed-out`, `error`); the
 * rest of each request runs, the requests without them succeed, and each failed request's report names the item
 * and why. (The same rules on one process and SQLite: src/engine/worker/worker.test.ts and the request tests.)
 */
const serverUrl = process.env['LETHE_TEST_PG'] ?? '';
const specs: FaultItemSpec[] = [
  { key: 'ok/first', kind: 'ok' },
  { key: 'bad/hang', kind: 'hang' },
  { key: 'bad/throws', kind: 'throw' },
  { key: 'ok/last', kind: 'ok' },
];
const allKeys = specs.map((s) => s.key);
const goodKeys = ['ok/first', 'ok/last'];
const limitMs = 300;
const workerConfig = { itemTimeLimitMs: limitMs, leaseSeconds: 10 };
const hangMessage = `Stopped after its time limit of ${limitMs} ms.`;

describe.runIf(serverUrl)('a hanging item and a throwing item, under two worker processes', () => {
  let shared: SharedStore | undefined;
  let filesDir: string | undefined;
  afterEach(async (context) => {
    await shared?.dispose(context.task.result?.state === 'fail');
    shared = undefined;
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
    filesDir = undefined;
  });

  it('marks only those items; the rest of each request and the other requests go on', async () => {
    shared = await openSharedStore('postgres');
    const { store } = shared;
    filesDir = mkdtempSync(join(tmpdir(), 'lethe-broken-files-'));
    const engine = testEngine(store, faultItems(store.db, specs), { worker: workerConfig });
    await createInvocationTable(store.db, store.dialect);
    const subjects = ['p1', 'p2', 'p3', 'p4', 'e1', 'e2'];
    for (const id of subjects) {
      await registerSubject(engine, 'cli', { id, username: id, email: `${id}@example.org`, fullName: id });
    }
    for (const [idnumber, keys] of [
      ['all', allKeys],
      ['good', goodKeys],
    ] as const) {
      await createPurgeType(engine, 'cli', {
        idnumber,
        name: idnumber,
        status: 'deleted',
        items: keys.map((key) => ({ key, mode: 'delete' })),
      });
    }
    await changeStatus(engine, 'cli', ['p1', 'p2', 'p3', 'p4'], 'deleted');
    // Broken and sound requests interleaved in the queue.
    const broken = [
      await requestPurge(engine, 'cli', { subjectId: 'p1', type: 'all' }),
      await requestExport(engine, 'cli', { subjectId: 'e1', origin: 'admin', items: allKeys }),
      await requestPurge(engine, 'cli', { subjectId: 'p2', type: 'all' }),
    ];
    const sound = [
      await requestPurge(engine, 'cli', { subjectId: 'p3', type: 'good' }),
      await requestExport(engine, 'cli', { subjectId: 'e2', origin: 'admin', items: goodKeys }),
      await requestPurge(engine, 'cli', { subjectId: 'p4', type: 'good' }),
    ];

    const appName = faultAppName('broken');
    const workers = ['w1', 'w2'].map((id) =>
      startFaultWorker({
        FAULT_STORE: faultStoreUrl(serverUrl, shared?.env.CHILD_SCHEMA ?? '', appName),
        FAULT_ITEMS: JSON.stringify(specs),
        FAULT_WORKER: JSON.stringify(workerConfig),
        FAULT_FILES: filesDir ?? '',
        FAULT_ID: id,
        FAULT_ONCE: '1',
      }),
    );
    const exits = await Promise.all(workers.map((w) => w.ended(30_000)));
    for (const [i, exit] of exits.entries()) {
      expect(exit.code, workers[i]?.stderr()).toBe(0);
    }
    // Together they finished every request, each once.
    const finished: Record<string, number> = {};
    for (const exit of exits) {
      for (const [status, n] of Object.entries(
        (exit.summary as { finished: Record<string, number> }).finished,
      )) {
        finished[status] = (finished[status] ?? 0) + n;
      }
    }
    expect(finished).toEqual({ failed: 3, succeeded: 3 });

    const calls = await readInvocations(store.db);
    for (const queued of broken) {
      const request = await getRequest(engine, queued.id);
      expect(request).toMatchObject({ status: 'failed', attempts: 1 });
      expect(request.items.map((i) => [i.itemKey, i.status, i.message])).toEqual([
        ['ok/first', 'success', null],
        ['bad/hang', 'timed-out', hangMessage],
        ['bad/throws', 'error', brokenMessage('bad/throws')],
        ['ok/last', 'success', null],
      ]);
      expect(request.error).toBe(
        `2 items failed: bad/hang (timed-out: ${hangMessage}); bad/throws (error: ${brokenMessage('bad/throws')})`,
      );
      // Each item ran once: the failures were not retried, and the item after them ran.
      const mine = calls.filter((c) => c.subject_id === request.subjectId).map((c) => c.item_key);
      expect(mine).toEqual(allKeys);
    }
    for (const queued of sound) {
      const request = await getRequest(engine, queued.id);
      expect(request).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
      expect(request.items.map((i) => [i.itemKey, i.status])).toEqual(goodKeys.map((k) => [k, 'success']));
    }
    // The failed export left no package; the sound one has its package, and nothing else is in the folder.
    const failedExport = await getRequest(engine, broken[1]?.id ?? 0);
    expect(failedExport.package?.path ?? null).toBeNull();
    const goodExport = await getRequest(engine, sound[1]?.id ?? 0);
    const path = goodExport.package?.path ?? '';
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(filesDir)).toEqual([path.split('/').pop()]);
  });
});
