import { z } from 'zod';
import {
  endSession,
  login,
  type Session,
  startActingAs,
  stopActingAs,
} from '../../../engine/accounts/index.js';
import { requireSession } from '../../auth/principal.js';
import { clearSessionCookie, setSessionCookie } from '../../auth/session-cookie.js';
import { accountAccess, publicAccess, staff } from '../../roles/access.js';
import { accountSchema } from '../accounts/account-schemas.js';
import { maxId, noContent } from '../common-schemas.js';
import type { Api } from '../define-route.js';

const sessionSchema = z.object({
  /** The account the session works as: while acting as another account, that one. */
  account: accountSchema,
  /** Set while the session acts as `account`: the account that logged in, and since when. */
  actingAs: z.object({ realAccount: accountSchema, since: z.string() }).nullable(),
  /** Send it in the x-csrf-token header with every POST, PUT, PATCH and DELETE. */
  csrfToken: z.string(),
  expiresAt: z.string(),
});

/** What the session routes answer with: whom the session works as, and who logged in while acting. */
function sessionView(session: Session): z.input<typeof sessionSchema> {
  return {
    account: session.acting?.account ?? session.account,
    actingAs: session.acting ? { realAccount: session.account, since: session.acting.since } : null,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
}

/** Log in (cookie session), see the session, act as another account and stop, log out. */
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
      return sessionView(session);
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
    handler: async ({ principal }) => sessionView(requireSession(principal).session),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/session/act-as',
    operationId: 'startActingAs',
    summary: 'Act as another account (userdata:loginas): see what it sees, until you stop acting or log out.',
    description:
      'While acting, requests are authorised as that account and audited as both (`account:1 as account:7`). ' +
      'Nobody acts as an administrator, as an account with userdata:loginas, or as one holding a capability ' +
      'they lack (LETHE_E_ACT_AS_PRIVILEGED); not as themselves, nor a disabled account. Downloads, API tokens, ' +
      'passwords, accounts and roles are refused while acting (LETHE_E_ACTING_AS). API tokens cannot act.',
    tags: ['session'],
    access: staff('userdata:loginas'),
    refusedWhileActing: 'act as yet another account',
    errors: [404, 409],
    body: z.strictObject({ accountId: z.number().int().min(1).max(maxId) }),
    response: sessionSchema,
    handler: async ({ principal, body }) => {
      const { session } = requireSession(principal);
      return sessionView(await startActingAs(api.engine, session, body.accountId));
    },
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/session/act-as',
    operationId: 'stopActingAs',
    summary: 'Stop acting as another account: the session is your own again. Not acting is no error.',
    tags: ['session'],
    access: accountAccess,
    response: sessionSchema,
    handler: async ({ principal }) =>
      sessionView(await stopActingAs(api.engine, requireSession(principal).session)),
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
