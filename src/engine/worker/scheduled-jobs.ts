import type { Engine } from '../engine.js';
import { outboxDue, retryOutbox } from '../notifications/index.js';
import { scanAutomaticPurges, scanInputsChangedSince } from '../purges/index.js';
import { expireExportPackages } from '../requests/index.js';
import { sweepTimedOut } from './sweep-timed-out.js';

/** A job the scheduler runs inside every worker; a lease row in `job_leases` makes it a singleton. */
export interface ScheduledJob {
  name: string;
  /** Seconds between runs. */
  interval(engine: Engine): number;
  run(engine: Engine): Promise<unknown>;
  /** For `worker --once`: also due inside its interval when its inputs changed since the last run. */
  changedSince?(engine: Engine, lastRun: string): Promise<boolean>;
}

export const scheduledJobs: readonly ScheduledJob[] = [
  {
    name: 'purge-scan',
    interval: (engine) => engine.config.worker.purgeScanInterval,
    run: (engine) => scanAutomaticPurges(engine),
    changedSince: scanInputsChangedSince,
  },
  {
    name: 'export-expiry',
    interval: (engine) => engine.config.worker.maintenanceInterval,
    run: async (engine) => ({ expired: await expireExportPackages(engine) }),
  },
  {
    name: 'timed-out-sweep',
    interval: (engine) => engine.config.worker.maintenanceInterval,
    run: async (engine) => ({ closed: await sweepTimedOut(engine) }),
  },
  {
    // With SMTP configured: sends queued messages and retries failed sends, with backoff; without, does nothing.
    name: 'outbox-retry',
    interval: (engine) => engine.config.worker.maintenanceInterval,
    run: (engine) => retryOutbox(engine),
    changedSince: (engine) => outboxDue(engine),
  },
];
