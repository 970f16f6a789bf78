import type { Expression, ExpressionBuilder } from 'kysely';
import type { Database } from '../../store/index.js';

/** The longest pause before a request given back is tried again: an hour. */
export const maxRetryDelaySeconds = 3600;

/**
 * At most this many branches: the config's maxAttempts is at most 100, so no request has used more attempts, and the
 * statement stays small even for a tiny `retryDelaySeconds`.
 */
const distinctAttempts = 100;

/** The pause after `attempts` attempts (the failed one included): base × 2^(attempts − 1), at most an hour. */
export function retryDelaySeconds(base: number, attempts: number): number {
  if (base <= 0) return 0;
  return Math.min(maxRetryDelaySeconds, base * 2 ** (Math.max(1, attempts) - 1));
}

/**
 * When a request given back may be claimed again, from its stored `attempts`, for every request an UPDATE touches
 * at once: `case when attempts <= 1 then t1 when attempts = 2 then t2 … else tcap end`, where each t is `from` +
 * the pause for that many attempts, as ISO text. One branch per pause shorter than the cap (at most about 20 for
 * any sensible base), so the statement stays set-based and the same on SQLite and PostgreSQL, and the time is the
 * worker's clock, as for the leases and the claim. Null (claimable at once) when the base is 0.
 */
export function retryAfter(
  base: number,
  from: number,
): (eb: ExpressionBuilder<Database, 'requests'>) => Expression<string | null> {
  const at = (attempts: number) => new Date(from + retryDelaySeconds(base, attempts) * 1000).toISOString();
  return (eb) => {
    if (base <= 0) return eb.val<string | null>(null);
    let attempts = 1;
    let cases = eb.case().when('attempts', '<=', 1).then<string | null>(at(1));
    while (attempts < distinctAttempts && retryDelaySeconds(base, attempts + 1) < maxRetryDelaySeconds) {
      attempts++;
      cases = cases.when('attempts', '=', attempts).then(at(attempts));
    }
    return cases.else(at(attempts + 1)).end();
  };
}
