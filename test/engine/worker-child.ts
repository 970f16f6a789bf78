/**
 * A worker process for the crash and concurrency tests: `node --import tsx test/engine/worker-child.ts`.
 * Environment: CHILD_STORE (store URL), CHILD_SCHEMA (PostgreSQL schema), CHILD_KEYS (comma-separated recording
 * items), CHILD_HANG_ON (an item that hangs), CHILD_WORKER (JSON worker config), CHILD_ID (worker id).
 * Runs `runWorker({ once: true, jobs: 'none' })` and prints its summary as JSON.
 */
import { runWorker } from '../../src/engine/worker/index.js';
import { openStore } from '../../src/store/index.js';
import { testEngine } from '../support/engine.js';
import { recordingItems } from './recording-items.js';

const env = process.env;
const store = await openStore(env['CHILD_STORE'] ?? '', {
  migrate: false,
  ...(env['CHILD_SCHEMA'] ? { schema: env['CHILD_SCHEMA'] } : {}),
});
const keys = (env['CHILD_KEYS'] ?? '').split(',').filter(Boolean);
const hangOn = env['CHILD_HANG_ON'];
const engine = testEngine(store, recordingItems(store.db, keys, hangOn ? { hangOn } : {}), {
  worker: JSON.parse(env['CHILD_WORKER'] ?? '{}'),
});
const summary = await runWorker(engine, {
  once: true,
  jobs: 'none',
  ...(env['CHILD_ID'] ? { workerId: env['CHILD_ID'] } : {}),
});
process.stdout.write(`${JSON.stringify(summary)}\n`);
await store.close();
