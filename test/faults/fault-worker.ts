/**
 * A worker process for the fault tests: `node --import tsx test/faults/fault-worker.ts`.
 * Environment: FAULT_STORE (store URL; a PostgreSQL one may name its schema and an application_name),
 * FAULT_ITEMS (JSON FaultItemSpec[]), FAULT_GATES (the gate folder), FAULT_WORKER (JSON worker config),
 * FAULT_FILES (the files folder), FAULT_ID (worker id), FAULT_ONCE ('1': empty the queue and exit; otherwise poll until SIGTERM).
 * Prints each worker event as a JSON line `{"event":…}`, then `{"summary":…}`.
 */
import { runWorker } from '../../src/engine/worker/index.js';
import { openStore } from '../../src/store/index.js';
import { testEngine } from '../support/engine.js';
import { type FaultItemSpec, faultItems } from './fault-items.js';

const env = process.env;
const store = await openStore(env['FAULT_STORE'] ?? '', { migrate: false });
const specs = JSON.parse(env['FAULT_ITEMS'] ?? '[]') as FaultItemSpec[];
const base = testEngine(store, faultItems(store.db, specs, { gateDir: env['FAULT_GATES'] ?? '' }), {
  worker: JSON.parse(env['FAULT_WORKER'] ?? '{}'),
});
const filesDir = env['FAULT_FILES'];
const engine = filesDir ? { ...base, config: { ...base.config, filesDir } } : base;
const once = env['FAULT_ONCE'] === '1';
const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
const summary = await runWorker(engine, {
  once,
  ...(once ? { jobs: 'none' as const } : {}),
  signal: controller.signal,
  ...(env['FAULT_ID'] ? { workerId: env['FAULT_ID'] } : {}),
  onProgress: (event) => process.stdout.write(`${JSON.stringify({ event })}\n`),
  onExportReady: async () => undefined,
});
process.stdout.write(`${JSON.stringify({ summary })}\n`);
await store.close();
// A `hang` item's call never settles; nothing of it holds the process, but exit plainly all the same.
process.exit(0);
