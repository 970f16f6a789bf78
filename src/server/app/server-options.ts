import type { FastifyBaseLogger } from 'fastify';
import { defaultLoginPolicy, type LoginPolicy } from '../../engine/accounts/index.js';
import { defaultRateLimit, type RateLimitPolicy } from './api-rate-limit.js';

export interface ServerOptions {
  /** A pino logger, or false for none (the default for createServer; startServer logs to stdout). */
  logger?: FastifyBaseLogger | false;
  /** Mark the session cookie Secure (default true; startServer turns it off on plain-http localhost). */
  secureCookies?: boolean;
  /** The largest request body accepted, in bytes (1 MB). */
  bodyLimit?: number;
  /** Login lockout and session lifetime. */
  login?: Partial<LoginPolicy>;
  /** The built web console to serve at `/` (such as dist/web), when it exists. */
  webRoot?: string;
  /** Trust X-Forwarded-* from a reverse proxy (for the client address and protocol). */
  trustProxy?: boolean;
  /** The API rate limit; by default the configuration's `server.rateLimit`. */
  rateLimit?: Partial<RateLimitPolicy>;
}

export interface ResolvedServerOptions {
  secureCookies: boolean;
  bodyLimit: number;
  login: LoginPolicy;
  webRoot: string | undefined;
  trustProxy: boolean;
  rateLimit: RateLimitPolicy;
}

/** The options with their defaults; `configured` is the configuration's `server.rateLimit`. */
export function resolveServerOptions(
  options: ServerOptions,
  configured: RateLimitPolicy = defaultRateLimit,
): ResolvedServerOptions {
  return {
    secureCookies: options.secureCookies ?? true,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    login: { ...defaultLoginPolicy, ...options.login },
    webRoot: options.webRoot,
    trustProxy: options.trustProxy ?? false,
    rateLimit: { ...configured, ...options.rateLimit },
  };
}
