import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isLetheError, messageOf } from '../../errors/index.js';
import { isConnectionLost } from '../../store/index.js';
import type { Engine } from '../engine.js';
import type { RequestRow } from '../requests/index.js';
import { claimWork } from './claim-work.js';
import { type Finished, releaseClaim } from './finish-requests.js';
import { notifyExportReady } from './notify-export-ready.js';
import { runExport } from './run-export.js';
import { runPurgeBatch } from './run-purge-batch.js';
import { type JobMode, type JobRun, runDueJobs, Scheduler } from './scheduler.js';
import { type WaitingForRetry, waitingForRetry } from './waiting-for-retry.js';
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
  /** How many job runs a long-running worker keeps for its summary (`keptJobRuns` by default). */
  keepJobRuns?: number;
  /** Called when an export package is ready (its request succeeded); by default the subject is emailed (notify). */
  onExportReady?: (engine: Engine, requestId: number, subjectId: string) => Promise<void>;
}

export interface WorkerSummary {
  workerId: string;
  /** Requests this worker finished, by final status. */
  finished: Record<string, number>;
  requests: number;
  /** The scheduled job runs, oldest first: a long-running worker keeps only the last `keptJobRuns`. */
  jobs: JobRun[];
  /** How many older job runs a long-running worker let go of, to keep its memory flat. */
  jobRunsDropped: number;
  /** With `once`: the requests left waiting for their retry time after a failed attempt, if any. */
  waitingForRetry?: WaitingForRetry;
}

/** Job runs a long-running worker keeps for its summary (about a day's worth at the default intervals). */
export const keptJobRuns = 1000;

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

/**
 * Why an attempt stopped, as the request records it: a LetheError with its code, and a lost store connection said
 * as such (the server restarted or ended the session), whatever words the driver used.
 */
function attemptError(error: unknown): string {
  if (isLetheError(error)) return `${error.code}: ${error.message}`;
  if (isConnectionLost(error)) {
    return `LETHE_E_STORE_UNAVAILABLE: the worker lost its connection to the store while it ran this request (${messageOf(error)}).`;
  }
  return messageOf(error);
}

/**
 * Gives claimed requests back after a failed attempt (releaseClaim), trying a few times: after the server ended
 * the pool's sessions, the next ones it hands out may be about to fail too. If the store stays unreachable, the
 * lease runs out and the request is claimed again, or swept once its attempts are used. Returns the requests that
 * ended (their attempts used up).
 */
async function giveBack(
  engine: Engine,
  ctx: WorkerContext,
  rows: RequestRow[],
  reason: string,
): Promise<Finished[]> {
  for (let tries = 1; ; tries++) {
    try {
      return await releaseClaim(engine, ctx.workerId, rows, reason);
    } catch (failure) {
      if (tries === 3) {
        ctx.emit({
          type: 'error',
          message: `Request ${rows.map((r) => r.id).join(', ')} could not be given back (${messageOf(failure)}): its lease will run out.`,
        });
        return [];
      }
      await sleep(200 * tries);
    }
  }
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
    const reason = attemptError(error);
    ctx.emit({ type: 'error', message: `Request ${rows.map((r) => r.id).join(', ')}: ${reason}` });
    // The requests whose attempts this used up ended `failed`: they count as finished like any other.
    return await giveBack(engine, ctx, rows, reason);
  }
}

/**
 * The worker. With `once`, it runs the scheduled jobs that are due, then claims and runs requests until none is
 * claimable, and returns. Without, it runs the scheduler (croner, every second; each job a singleton through its
 * lease) and polls the queue every `pollMs` until `signal` aborts, then finishes the work it holds and returns.
 */
export async function runWorker(engine: Engine, options: RunWorkerOptions = {}): Promise<WorkerSummary> {
  const workerId = options.workerId ?? newWorkerId();
  const summary: WorkerSummary = { workerId, finished: {}, requests: 0, jobs: [], jobRunsDropped: 0 };
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
  const signal = options.signal;
  if (options.once) {
    summary.jobs = await runDueJobs(engine, ctx, { mode: options.jobs ?? 'due', once: true });
    while (!signal?.aborted) {
      const finished = await runNext(engine, ctx, options);
      if (!finished) break;
      count(finished);
    }
    const waiting = await waitingForRetry(engine);
    if (waiting) summary.waitingForRetry = waiting;
    return summary;
  }
  const scheduler = new Scheduler(engine, ctx, (run) => {
    summary.jobs.push(run);
    const keep = options.keepJobRuns ?? keptJobRuns;
    const excess = summary.jobs.length - keep;
    if (excess > 0) {
      summary.jobs.splice(0, excess);
      summary.jobRunsDropped += excess;
    }
  });
  try {
    while (!signal?.aborted) {
      let finished: Finished[] | undefined;
      try {
        finished = await runNext(engine, ctx, options);
      } catch (error) {
        // The store is unreachable: wait and try again.
        ctx.emit({ type: 'error', message: messageOf(error) });
      }
      if (finished) count(finished);
      else await sleep(engine.config.worker.pollMs, signal);
    }
  } finally {
    await scheduler.stop();
  }
  return summary;
}
