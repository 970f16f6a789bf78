import { isoNow } from '../../store/index.js';
import type { Engine } from '../engine.js';

/** Requests that wait for their retry time after a failed attempt, and when the first of them may run again. */
export interface WaitingForRetry {
  requests: number;
  /** The earliest `retry_after` among them. */
  nextAt: string;
}

/**
 * The pending requests that no worker may claim before their `retry_after` (worker.retryDelaySeconds), or undefined
 * when none waits: `lethe worker --once` says so, instead of leaving them unmentioned.
 */
export async function waitingForRetry(engine: Engine): Promise<WaitingForRetry | undefined> {
  const row = await engine.db
    .selectFrom('requests')
    .select((eb) => [eb.fn.countAll<number | string | bigint>().as('n'), eb.fn.min('retry_after').as('next')])
    .where('status', '=', 'pending')
    .where('retry_after', '>', isoNow())
    .executeTakeFirst();
  const requests = Number(row?.n ?? 0);
  return requests > 0 && row?.next ? { requests, nextAt: String(row.next) } : undefined;
}
