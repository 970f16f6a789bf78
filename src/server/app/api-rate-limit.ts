import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LetheError } from '../../errors/index.js';

/** At most `max` requests per client in each window of `windowSeconds` (from `server.rateLimit` in the config). */
export interface RateLimitPolicy {
  enabled: boolean;
  max: number;
  windowSeconds: number;
}

export const defaultRateLimit: RateLimitPolicy = Object.freeze({
  enabled: true,
  max: 1200,
  windowSeconds: 60,
});

export interface RateLimitHit {
  allowed: boolean;
  /** Requests left in this window. */
  remaining: number;
  /** Milliseconds until this window ends and the count starts again. */
  resetMs: number;
}

/**
 * A fixed-window counter per client, in memory: a client's window opens with its first request and lasts
 * `windowSeconds`; the requests after the `max`th in it are refused. Ended windows are swept once per window, so
 * memory holds only the clients of the current one.
 */
export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #policy: RateLimitPolicy;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(policy: RateLimitPolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  /** Counts one request of a client. */
  hit(key: string): RateLimitHit {
    const now = this.#now();
    const length = this.#policy.windowSeconds * 1000;
    if (now >= this.#nextSweep) {
      for (const [k, w] of this.#windows) if (now - w.start >= length) this.#windows.delete(k);
      this.#nextSweep = now + length;
    }
    let window = this.#windows.get(key);
    if (!window || now - window.start >= length) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return {
      allowed: window.count <= this.#policy.max,
      remaining: Math.max(0, this.#policy.max - window.count),
      resetMs: window.start + length - now,
    };
  }

  /** How many clients have a live window (for tests). */
  get size(): number {
    return this.#windows.size;
  }
}

/** Whom a request counts against: its session, its API token, or else its address. */
function clientKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal.kind === 'session') return `session:${principal.session.id}`;
  if (principal.kind === 'token') return `token:${principal.token.id}`;
  return `ip:${request.ip}`;
}

function isApi(url: string): boolean {
  return url === '/api/v1' || url.startsWith('/api/v1/') || url.startsWith('/api/v1?');
}

/**
 * The general API rate limit, on every /api/v1 request (health checks and the console's files are not limited).
 * It runs once the request's principal is known, so a client is its session or token, or its address when
 * anonymous. Each answer says where the client stands (RateLimit-Limit, -Remaining, -Reset); a request over the
 * limit gets 429 LETHE_E_RATE_LIMITED with Retry-After. Failed logins have their own, stricter limit.
 * The counters are this process's own: with `lethe serve --processes N`, a client whose connections land on
 * different processes may make up to N × `max` requests in a window (the login lockout is in the store, shared).
 */
export function registerApiRateLimit(app: FastifyInstance, policy: RateLimitPolicy): void {
  if (!policy.enabled) return;
  const limiter = new FixedWindowLimiter(policy);
  app.addHook('preHandler', async (request, reply) => {
    if (!isApi(request.url)) return;
    const hit = limiter.hit(clientKey(request));
    const resetSeconds = Math.max(1, Math.ceil(hit.resetMs / 1000));
    reply.header('ratelimit-limit', String(policy.max));
    reply.header('ratelimit-remaining', String(hit.remaining));
    reply.header('ratelimit-reset', String(resetSeconds));
    if (!hit.allowed) {
      throw new LetheError(
        'LETHE_E_RATE_LIMITED',
        `Too many requests: at most ${policy.max} every ${policy.windowSeconds} s from one client. Try again in ${resetSeconds} s.`,
        { retryAfterSeconds: resetSeconds, limit: policy.max, windowSeconds: policy.windowSeconds },
      );
    }
  });
}
