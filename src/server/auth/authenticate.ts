import type { FastifyInstance } from 'fastify';
import { resolveApiToken, resolveSession } from '../../engine/accounts/index.js';
import type { Engine } from '../../engine/engine.js';
import type { Principal } from './principal.js';
import { sessionCookieName } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: set before any route runs. */
    principal: Principal;
  }
}

const anonymous: Principal = Object.freeze({ kind: 'anonymous' });

/**
 * Works out every request's principal: an `Authorization: Bearer` API token wins; otherwise the session cookie.
 * A token that is unknown, revoked or expired leaves the request anonymous, with a reason for the 401.
 */
export function registerAuthentication(app: FastifyInstance, engine: Engine): void {
  app.decorateRequest('principal');
  app.addHook('onRequest', async (request) => {
    request.principal = anonymous;
  });
  app.addHook('preHandler', async (request) => {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      const token = match?.[1] ? await resolveApiToken(engine, match[1]) : undefined;
      request.principal = token
        ? { kind: 'token', token }
        : {
            kind: 'anonymous',
            problem: match
              ? 'The API token is unknown, revoked or expired.'
              : 'The Authorization header must be "Bearer <API token>".',
          };
      return;
    }
    const secret = request.cookies[sessionCookieName];
    if (secret) {
      const session = await resolveSession(engine, secret);
      if (session) {
        // while the session acts as another account, that account is who the request is authorised as
        request.principal = { kind: 'session', session, account: session.acting?.account ?? session.account };
        return;
      }
      request.principal = { kind: 'anonymous', problem: 'The session has ended: log in again.' };
    }
  });
}
