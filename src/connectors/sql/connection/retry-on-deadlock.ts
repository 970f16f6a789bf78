import { setTimeout as sleep } from 'node:timers/promises';

/** PostgreSQL SQLSTATEs: deadlock_detected and serialization_failure. */
const postgresStates = new Set(['40P01', '40001']);
/** MySQL/MariaDB error numbers: ER_LOCK_DEADLOCK and ER_LOCK_WAIT_TIMEOUT. */
const mysqlErrnos = new Set([1213, 1205]);
const mysqlCodes = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * Whether an error means that the database gave up on the transaction because of other transactions, so that the
 * same transaction run again may well succeed: a deadlock or serialization failure on PostgreSQL (SQLSTATE 40P01,
 * 40001), a deadlock or lock wait timeout on MySQL/MariaDB (errno 1213, 1205). SQLite has none: its writers queue
 * on busy_timeout. Errors wrapped in a `cause` are looked through.
 */
export function isDeadlock(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; errno?: unknown; cause?: unknown };
    if (typeof e.errno === 'number' && mysqlErrnos.has(e.errno)) return true;
    if (typeof e.code === 'string' && (postgresStates.has(e.code) || mysqlCodes.has(e.code))) return true;
    current = e.cause;
  }
  return false;
}

export interface RetryOnDeadlockOptions {
  /** How many times the transaction runs at most, the first included (default 5). */
  attempts?: number;
  /** The wait before the first retry is between `minDelayMs` and twice that; it doubles with each retry. */
  minDelayMs?: number;
  /** No wait is longer than this. */
  maxDelayMs?: number;
  /** Told of each failure that will be retried, before the wait (for logs and tests). */
  onRetry?: (error: unknown, attempt: number) => void;
}

export const defaultRetryOnDeadlock: Readonly<Required<Omit<RetryOnDeadlockOptions, 'onRetry'>>> = {
  attempts: 5,
  minDelayMs: 20,
  maxDelayMs: 200,
};

/** The randomized wait before retry number `retry` (1 for the first): growing, never above `maxDelayMs`. */
export function retryDelay(
  retry: number,
  minDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** retry);
  const floor = Math.min(ceiling / 2, minDelayMs * 2 ** (retry - 1));
  return Math.round(floor + random() * (ceiling - floor));
}

/**
 * Runs `attempt` (one whole transaction, begun and ended inside it) and, when the database aborts it for a deadlock
 * or serialization failure (`isDeadlock`), runs it again after a short randomized wait, up to `attempts` times in
 * all; after the last, the error of the last attempt is thrown as it is. Any other error is thrown at once. Only a
 * whole transaction is ever run again, so whatever it does stays set-based and idempotent.
 */
export async function retryOnDeadlock<T>(
  attempt: () => Promise<T>,
  options: RetryOnDeadlockOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? defaultRetryOnDeadlock.attempts);
  const minDelayMs = options.minDelayMs ?? defaultRetryOnDeadlock.minDelayMs;
  const maxDelayMs = options.maxDelayMs ?? defaultRetryOnDeadlock.maxDelayMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= attempts || !isDeadlock(error)) throw error;
      options.onRetry?.(error, n);
      await sleep(retryDelay(n, minDelayMs, maxDelayMs));
    }
  }
}
