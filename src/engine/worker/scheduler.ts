import { Cron } from 'croner';
import { messageOf } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { type ScheduledJob, scheduledJobs } from './scheduled-jobs.js';
import type { WorkerContext } from './worker-events.js';

export type JobMode = 'due' | 'all' | 'none';

export interface JobRun {
  job: string;
  result?: unknown;
  error?: string;
  /** When the run started and ended (ISO), so that runs in several workers can be laid side by side. */
  startedAt: string;
  finishedAt: string;
}

function secondsAgo(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

/**
 * Takes a job's lease if it is free and the job is due, as one compare-and-set on its `job_leases` row, so that
 * across every worker process each job runs alone and once per interval.
 */
async function takeJob(
  engine: Engine,
  job: ScheduledJob,
  workerId: string,
  mode: JobMode,
  once: boolean,
  notBefore?: Map<string, number>,
): Promise<boolean> {
  if (mode === 'due' && !once && (notBefore?.get(job.name) ?? 0) > Date.now()) return false;
  await engine.db
    .insertInto('job_leases')
    .values({ job: job.name, owner: null, expires_at: null, last_run_at: null })
    .onConflict((oc) => oc.column('job').doNothing())
    .execute();
  const now = isoNow();
  const lease = await engine.db
    .selectFrom('job_leases')
    .selectAll()
    .where('job', '=', job.name)
    .executeTakeFirst();
  if (!lease) return false;
  if (lease.owner !== null && lease.expires_at !== null && lease.expires_at >= now) return false;
  const last = lease.last_run_at;
  let due = mode === 'all' || last === null || last <= secondsAgo(job.interval(engine));
  if (!due && once && last !== null && job.changedSince) due = await job.changedSince(engine, last);
  if (!due) {
    if (last !== null) notBefore?.set(job.name, Date.parse(last) + job.interval(engine) * 1000);
    return false;
  }
  const taken = await engine.db
    .updateTable('job_leases')
    .set({
      owner: workerId,
      expires_at: new Date(Date.now() + engine.config.worker.leaseSeconds * 1000).toISOString(),
    })
    .where('job', '=', job.name)
    .where((eb) => eb.or([eb('owner', 'is', null), eb('expires_at', '<', now)]))
    .where((eb) => (last === null ? eb('last_run_at', 'is', null) : eb('last_run_at', '=', last)))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

async function runJob(engine: Engine, ctx: WorkerContext, job: ScheduledJob): Promise<JobRun> {
  const startedAt = isoNow();
  const beat = setInterval(
    () =>
      void engine.db
        .updateTable('job_leases')
        .set({ expires_at: new Date(Date.now() + engine.config.worker.leaseSeconds * 1000).toISOString() })
        .where('job', '=', job.name)
        .where('owner', '=', ctx.workerId)
        .execute()
        .catch(() => undefined),
    Math.max(100, Math.floor((engine.config.worker.leaseSeconds * 1000) / 3)),
  );
  try {
    const result = await job.run(engine);
    ctx.emit({ type: 'job', job: job.name, result });
    return { job: job.name, result, startedAt, finishedAt: isoNow() };
  } catch (error) {
    ctx.emit({ type: 'job-error', job: job.name, message: messageOf(error) });
    return { job: job.name, error: messageOf(error), startedAt, finishedAt: isoNow() };
  } finally {
    clearInterval(beat);
    // The run counts from its start, so that the interval is kept from start to start.
    await engine.db
      .updateTable('job_leases')
      .set({ owner: null, expires_at: null, last_run_at: startedAt })
      .where('job', '=', job.name)
      .where('owner', '=', ctx.workerId)
      .execute();
  }
}

/**
 * Runs, one after another, every scheduled job that is due and not running elsewhere: `due` by its interval
 * (and, with `once`, when its inputs changed since its last run; a job never run is always due), `all` regardless
 * of the interval, `none` not at all.
 */
export async function runDueJobs(
  engine: Engine,
  ctx: WorkerContext,
  options: {
    mode?: JobMode;
    once?: boolean;
    /** A running scheduler's memory of when each job is next due, so that it does not ask the store every tick. */
    notBefore?: Map<string, number>;
  } = {},
): Promise<JobRun[]> {
  const mode = options.mode ?? 'due';
  if (mode === 'none') return [];
  const runs: JobRun[] = [];
  for (const job of scheduledJobs) {
    if (await takeJob(engine, job, ctx.workerId, mode, options.once === true))
      runs.push(await runJob(engine, ctx, job));
  }
  return runs;
}

/** The scheduler inside a running worker: croner ticks every second and runs the jobs that are due. */
export class Scheduler {
  readonly #cron: Cron;
  #current: Promise<unknown> | undefined;
  readonly #notBefore = new Map<string, number>();

  constructor(engine: Engine, ctx: WorkerContext, onRun?: (run: JobRun) => void) {
    this.#cron = new Cron('* * * * * *', { protect: true }, () => {
      if (this.#current) return;
      this.#current = runDueJobs(engine, ctx, { notBefore: this.#notBefore })
        .then((runs) => {
          for (const run of runs) onRun?.(run);
        })
        .catch((error: unknown) => ctx.emit({ type: 'error', message: messageOf(error) }))
        .finally(() => {
          this.#current = undefined;
        });
    });
  }

  /** Stops ticking and waits for a job that is running. */
  async stop(): Promise<void> {
    this.#cron.stop();
    await this.#current;
  }
}
