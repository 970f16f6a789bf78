import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../engine/accounts/index.js';
import { LetheError } from '../../errors/index.js';
import type { Principal } from './principal.js';

export const csrfHeader = 'x-csrf-token';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request authenticated by the session cookie and using an unsafe method must carry the session's CSRF token
 * in the x-csrf-token header (LETHE_E_CSRF otherwise). API tokens are sent explicitly, so they are exempt.
 */
export function checkCsrf(request: FastifyRequest, principal: Principal): void {
  if (principal.kind !== 'session' || safeMethods.has(request.method)) return;
  const given = request.headers[csrfHeader];
  if (typeof given !== 'string' || given === '' || !safeEqual(given, principal.session.csrfToken)) {
    throw new LetheError(
      'LETHE_E_CSRF',
      `The ${csrfHeader} header is missing or wrong: send the csrfToken that login and GET /api/v1/session return.`,
    );
  }
}
