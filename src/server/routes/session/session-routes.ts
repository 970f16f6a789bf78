import { z } from 'zod';
import { endSession, login } from '../../../engine/accounts/index.js';
import { requireSession } from '../../auth/principal.js';
import { clearSessionCookie, setSessionCookie } from '../../auth/session-cookie.js';
import { accountAccess, publicAccess } from '../../roles/access.js';
import { accountSchema } from '../accounts/account-schemas.js';
import { noContent } from '../common-schemas.js';
import type { Api } from '../define-route.js';

const sessionSchema = z.object({
  account: accountSchema,
  /** Send it in the x-csrf-token header with every POST, PUT, PATCH and DELETE. */
  csrfToken: z.string(),
  expiresAt: z.string(),
});

/** Log in (cookie session), see the session, log out. */
export function registerSessionRoutes(api: Api): void {
  api.route({
    method: 'POST',
    url: '/api/v1/session',
    operationId: 'login',
    summary: 'Log in: sets the lethe_session cookie and returns the CSRF token.',
    description:
      'Each failure is audited. After too many failures the username is locked out for a while (429 LETHE_E_LOCKED_OUT).',
    tags: ['session'],
    access: publicAccess,
    csrfExempt: true,
    errors: [401, 429],
    body: z.strictObject({ username: z.string().min(1).max(255), password: z.string().min(1).max(1024) }),
    response: sessionSchema,
    handler: async ({ body, request, reply }) => {
      const session = await login(
        api.engine,
        {
          username: body.username,
          password: body.password,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? '',
        },
        api.options.login,
      );
      setSessionCookie(reply, session.secret, session.expiresAt, api.options.secureCookies);
      return { account: session.account, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  });

  api.route({
    method: 'GET',
    url: '/api/v1/session',
    operationId: 'getSession',
    summary: 'The logged-in account, its capabilities, and the CSRF token.',
    tags: ['session'],
    access: accountAccess,
    response: sessionSchema,
    handler: async ({ principal }) => {
      const { account, session } = requireSession(principal);
      return { account, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/session',
    operationId: 'logout',
    summary: 'Log out: ends the session and clears the cookie.',
    tags: ['session'],
    access: accountAccess,
    status: 204,
    response: noContent,
    handler: async ({ principal, reply }) => {
      if (principal.kind === 'session') await endSession(api.engine, principal.session);
      clearSessionCookie(reply, api.options.secureCookies);
      return null;
    },
  });
}
