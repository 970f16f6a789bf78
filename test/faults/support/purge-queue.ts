import { sql } from 'kysely';
import type { Store } from '../../../src/store/index.js';

/** The request queue at one moment: how many requests are in each state, and how many item results exist. */
export interface QueueState {
  requests: number;
  pending: number;
  running: number;
  finished: number;
  /** Result rows (request_items) in all. */
  results: number;
  /** Result rows of the requests that are running. */
  resultsOfRunning: number;
  /** Whether a worker holds the purge scan's lease (it is scanning, or died scanning). */
  scanning: boolean;
}

export async function queueState(store: Store): Promise<QueueState> {
  const byStatus = await store.db
    .selectFrom('requests')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  const count = (status: string) => Number(byStatus.find((r) => r.status === status)?.n ?? 0);
  const results = await store.db
    .selectFrom('request_items as i')
    .innerJoin('requests as r', 'r.id', 'i.request_id')
    .select([
      (eb) => eb.fn.countAll<string>().as('all'),
      sql<string>`sum(case when r.status = 'running' then 1 else 0 end)`.as('running'),
    ])
    .executeTakeFirstOrThrow();
  const scan = await store.db
    .selectFrom('job_leases')
    .select('owner')
    .where('job', '=', 'purge-scan')
    .executeTakeFirst();
  const requests = byStatus.reduce((n, r) => n + Number(r.n), 0);
  return {
    requests,
    pending: count('pending'),
    running: count('running'),
    finished: requests - count('pending') - count('running'),
    results: Number(results.all),
    resultsOfRunning: Number(results.running ?? 0),
    scanning: (scan?.owner ?? null) !== null,
  };
}

/** Whether a worker has begun the purge scan: its lease row exists (its owner is set once a worker takes it). */
export async function scanLeaseExists(store: Store): Promise<boolean> {
  const row = await store.db
    .selectFrom('job_leases')
    .select('job')
    .where('job', '=', 'purge-scan')
    .executeTakeFirst();
  return row !== undefined;
}

/** Where a worker was when it was killed, as the queue it left shows. */
export type KillMoment =
  | 'exited-before-the-kill'
  | 'before-any-request'
  | 'holding-the-scan-lease'
  | 'queued-none-claimed'
  | 'mid-batch'
  | 'between-batches'
  | 'all-finished';

export function killMoment(state: QueueState, exitedFirst: boolean): KillMoment {
  if (exitedFirst) return 'exited-before-the-kill';
  if (state.scanning) return 'holding-the-scan-lease';
  if (state.requests === 0) return 'before-any-request';
  if (state.running > 0) return 'mid-batch';
  if (state.finished === 0) return 'queued-none-claimed';
  if (state.pending > 0) return 'between-batches';
  return 'all-finished';
}

/**
 * Waits until every lease a dead worker may have left has run out: those on running requests, and those on
 * scheduled jobs (the purge scan); then a new worker can take its work over.
 */
export async function waitForLeasesToLapse(store: Store): Promise<void> {
  const request = await store.db
    .selectFrom('requests')
    .select((eb) => eb.fn.max('lease_expires_at').as('until'))
    .where('status', '=', 'running')
    .executeTakeFirst();
  const job = await store.db
    .selectFrom('job_leases')
    .select((eb) => eb.fn.max('expires_at').as('until'))
    .where('owner', 'is not', null)
    .executeTakeFirst();
  const until = Math.max(Date.parse(request?.until ?? '') || 0, Date.parse(job?.until ?? '') || 0);
  const wait = until - Date.now() + 50;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** One purge as it ended: its subject and origin, status and error, and each item's result status. */
export interface PurgeOutcome {
  subject: string;
  origin: string;
  status: string;
  error: string | null;
  items: Record<string, string>;
}

/**
 * Every request's outcome, in a stable order (by subject, then origin); the records each item counted, keyed
 * `subject origin item`; and each request's attempts, keyed `subject origin`.
 */
export async function purgeOutcomes(
  store: Store,
): Promise<{ outcomes: PurgeOutcome[]; counts: Map<string, number>; attempts: Map<string, number> }> {
  const requests = await store.db
    .selectFrom('requests')
    .select(['id', 'subject_id', 'origin', 'status', 'error', 'attempts'])
    .execute();
  const items = await store.db
    .selectFrom('request_items')
    .select(['request_id', 'item_key', 'status', 'count'])
    .orderBy('item_key')
    .execute();
  const byRequest = new Map<number, typeof items>();
  for (const item of items) {
    const list = byRequest.get(Number(item.request_id)) ?? [];
    list.push(item);
    byRequest.set(Number(item.request_id), list);
  }
  const counts = new Map<string, number>();
  const attempts = new Map<string, number>();
  const outcomes = requests
    .map((r) => {
      const own = byRequest.get(Number(r.id)) ?? [];
      const name = `${r.subject_id} ${r.origin}`;
      for (const i of own) counts.set(`${name} ${i.item_key}`, Number(i.count));
      attempts.set(name, Number(r.attempts));
      return {
        subject: r.subject_id,
        origin: r.origin,
        status: r.status,
        error: r.error,
        items: Object.fromEntries(own.map((i) => [i.item_key, i.status])),
      };
    })
    .sort((a, b) => a.subject.localeCompare(b.subject) || a.origin.localeCompare(b.origin));
  return { outcomes, counts, attempts };
}

/** (request, item) pairs with other than exactly one result row. */
export async function repeatedResults(
  store: Store,
): Promise<Array<{ request: number; item: string; n: number }>> {
  const rows = await store.db
    .selectFrom('request_items')
    .select(['request_id', 'item_key', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['request_id', 'item_key'])
    .having((eb) => eb.fn.countAll(), '<>', 1)
    .execute();
  return rows.map((r) => ({ request: Number(r.request_id), item: r.item_key, n: Number(r.n) }));
}

/**
 * Lethe's own side of the purges: every subject as `id username email full name status` (what "Anonymize user"
 * changes in the store once the host's part succeeded), sorted by id.
 */
export async function subjectStates(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('subjects')
    .select(['id', 'username', 'email', 'full_name', 'status'])
    .orderBy('id')
    .execute();
  return rows.map((r) => [r.id, r.username, r.email, r.full_name, r.status].join(' '));
}
