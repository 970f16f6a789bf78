export { claimWork } from './claim-work.js';
export {
  type Finish,
  type Finished,
  failureSummary,
  finishRequests,
  releaseClaim,
} from './finish-requests.js';
export { LeaseKeeper } from './lease-keeper.js';
export { notifyExportReady } from './notify-export-ready.js';
export { packageFileName, runExport } from './run-export.js';
export { runPurgeBatch } from './run-purge-batch.js';
export { newWorkerId, type RunWorkerOptions, runNext, runWorker, type WorkerSummary } from './run-worker.js';
export { type ScheduledJob, scheduledJobs } from './scheduled-jobs.js';
export { type JobMode, type JobRun, runDueJobs, Scheduler } from './scheduler.js';
export { sweepTimedOut } from './sweep-timed-out.js';
export type { WorkerContext, WorkerEvent } from './worker-events.js';
export { type ItemResultRow, writeItemResults } from './write-results.js';
