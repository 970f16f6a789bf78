// The purge workload that runs while the load bench measures, at a steady pace: the host application deletes users
// (automatic purges, which the workers' scan finds and runs in batches), and administrators purge active users' forum
// activity by hand (the demo's "forum-cleanup" type, one request per user), so that the workers erase campus data
// the whole time.
import { type AdminSession, api } from './load-stack.js';

export interface PurgeWorkloadOptions {
  /** Active subjects to delete, in this order, `deletePerTick` each tick. */
  toDelete: string[];
  /** Active subjects to purge by hand, in this order. */
  toPurge: string[];
  deletePerTick: number;
  /** Manual purges to request each tick, as long as fewer than `maxPending` of them wait. */
  manualPerTick: number;
  maxPending: number;
  tickMs: number;
}

export interface PurgeWorkloadResult {
  deleted: number;
  manual: number;
  /** Workload calls the server refused (not counted in the measured endpoints' errors). */
  refused: number;
  lastRefusal?: string;
}

/** Runs the workload until the returned stop() is called, which resolves with what it did. */
export function startPurgeWorkload(
  session: AdminSession,
  options: PurgeWorkloadOptions,
): { stop: () => Promise<PurgeWorkloadResult> } {
  const result: PurgeWorkloadResult = { deleted: 0, manual: 0, refused: 0 };
  let nextDelete = 0;
  let nextPurge = 0;
  let stopped = false;
  const refuse = (what: string, status: number, body: unknown) => {
    result.refused++;
    result.lastRefusal = `${what}: ${status} ${JSON.stringify(body).slice(0, 300)}`;
  };
  const tick = async () => {
    const ids = options.toDelete.slice(nextDelete, nextDelete + options.deletePerTick);
    nextDelete += ids.length;
    if (ids.length > 0) {
      const r = await api(session, 'POST', '/api/v1/subjects/status', { ids, status: 'deleted' });
      if (r.status === 200) result.deleted += ids.length;
      else refuse('delete', r.status, r.body);
    }
    const queued = await api<{ total: number }>(
      session,
      'GET',
      '/api/v1/requests?kind=purge&status=pending&origin=admin&limit=1',
    );
    if (queued.status !== 200) return refuse('count', queued.status, queued.body);
    const room = Math.min(options.manualPerTick, options.maxPending - queued.body.total);
    for (let n = 0; n < room && nextPurge < options.toPurge.length; n++) {
      const subjectId = options.toPurge[nextPurge++] as string;
      const r = await api(session, 'POST', '/api/v1/requests/purges', {
        subjectId,
        type: 'forum-cleanup',
        confirmActive: true,
      });
      if (r.status === 201) result.manual++;
      else refuse('manual purge', r.status, r.body);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        await tick();
      } catch (error) {
        result.refused++;
        result.lastRefusal = error instanceof Error ? error.message : String(error);
      }
      const wait = options.tickMs - (Date.now() - started);
      if (wait > 0 && !stopped) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return result;
    },
  };
}
