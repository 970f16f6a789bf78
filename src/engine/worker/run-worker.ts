import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { messageOf } from '../../errors/index.js';
import { markAnonymisedSupportUsers } from '../anonymisation/support-users/mark-anonymised-subjects.js';
import type { Engine } from '../engine.js';
import type { RequestRow } from '../requests/index.js';
import { claimWork } from './claim-work.js';
import { type Finished, releaseClaim } from './finish-requests.js';
import { notifyExportReady } from './notify-export-ready.js';
import { runExport } from './run-export.js';
import { runPurgeBatch } from './run-purge-batch.js';
import { type JobMode, type JobRun, runDueJobs, Scheduler } from './scheduler.js';
import type { WorkerContext, WorkerEvent } from './worker-events.js';

export interface RunWorkerOptions {
  /** Names this worker in leases; `host:pid:random` by default. */
  workerId?: string;
  /** Run the scheduled jobs that are due, empty the queue, and return (`lethe worker --once`). */
  once?: boolean;
  /** Stops the worker: it claims nothing more, finishes what it holds, and returns. */
  signal?: AbortSignal;
  onProgress?: (event: WorkerEvent) => void;
  /** Which scheduled jobs `once` runs: those that are `due` (default), `all`, or `none`. */
  jobs?: JobMode;
  /** Called when an export package is ready (its request succeeded); by default the subject is emailed (notify). */
  onExportReady?: (engine: Engine, requestId: number, subjectId: string) => Promise<void>;
}

export interface WorkerSummary {
  workerId: string;
  /** Requests this worker finished, by final status. */
  finished: Record<string, number>;
  requests: number;
  jobs: JobRun[];
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Claims and runs the next piece of work; false when the queue had nothing claimable. */
export async function runNext(
  engine: Engine,
  ctx: WorkerContext,
  options: RunWorkerOptions = {},
): Promise<Finished[] | undefined> {
  const rows: RequestRow[] = await claimWork(engine, ctx.workerId);
  if (rows.length === 0) return undefined;
  const first = rows[0] as RequestRow;
  ctx.emit({ type: 'claimed', kind: first.kind, requestIds: rows.map((r) => Number(r.id)) });
  try {
    if (first.kind === 'export') {
      const ready = options.onExportReady ?? notifyExportReady;
      return await runExport(engine, ctx, first, async (done) => {
        try {
          await ready(engine, done.id, done.subjectId);
        } catch (error) {
          ctx.emit({
            type: 'error',
            message: `Request ${done.id}: the subject could not be told: ${messageOf(error)}`,
          });
        }
      });
    }
    return await runPurgeBatch(engine, ctx, rows);
  } catch (error) {
    ctx.emit({ type: 'error', message: `Request ${rows.map((r) => r.id).join(', ')}: ${messageOf(error)}` });
    await releaseClaim(engine, ctx.workerId, rows, messageOf(error)).catch(() => undefined);
    return [];
  }
}

/**
 * The worker. With `once`, it runs the scheduled jobs that are due, then claims and runs requests until none is
 * claimable, and returns. Without, it runs the scheduler (croner, every second; each job a singleton through its
 * lease) and polls the queue every `pollMs` until `signal` aborts, then finishes the work it holds and returns.
 */
export async function runWorker(engine: Engine, options: RunWorkerOptions = {}): Promise<WorkerSummary> {
  const workerId = options.workerId ?? newWorkerId();
  const summary: WorkerSummary = { workerId, finished: {}, requests: 0, jobs: [] };
  const ctx: WorkerContext = {
    workerId,
    emit(event) {
      options.onProgress?.(event);
    },
  };
  const count = (finished: Finished[]) => {
    for (const f of finished) {
      summary.requests++;
      summary.finished[f.status] = (summary.finished[f.status] ?? 0) + 1;
      ctx.emit({ type: 'finished', requestId: f.id, kind: f.kind, status: f.status, error: f.error });
    }
  };
  // Lethe's side of "Anonymize user": once the host's part succeeded, the subject is renamed and inactivated here.
  const afterFinished = async (finished: Finished[]) => {
    const ids = finished.filter((f) => f.kind === 'purge' && f.status === 'succeeded').map((f) => f.id);
    if (ids.length === 0) return;
    try {
      await markAnonymisedSupportUsers(engine, `worker:${workerId}`, { requestIds: ids });
    } catch (error) {
      ctx.emit({ type: 'error', message: messageOf(error) });
    }
  };
  const signal = options.signal;
  if (options.once) {
    summary.jobs = await runDueJobs(engine, ctx, { mode: options.jobs ?? 'due', once: true });
    while (!signal?.aborted) {
      const finished = await runNext(engine, ctx, options);
      if (!finished) break;
      count(finished);
      await afterFinished(finished);
    }
    return summary;
  }
  const scheduler = new Scheduler(engine, ctx, (run) => summary.jobs.push(run));
  try {
    while (!signal?.aborted) {
      let finished: Finished[] | undefined;
      try {
        finished = await runNext(engine, ctx, options);
      } catch (error) {
        // The store is unreachable: wait and try again.
        ctx.emit({ type: 'error', message: messageOf(error) });
      }
      if (finished) {
        count(finished);
        await afterFinished(finished);
      } else await sleep(engine.config.worker.pollMs, signal);
    }
  } finally {
    await scheduler.stop();
  }
  return summary;
}
