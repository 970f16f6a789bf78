import { type Account, type ApiToken, type Session, sessionActor } from '../../engine/accounts/index.js';
import { LetheError } from '../../errors/index.js';

/** Who is making a request: nobody, a logged-in account (cookie session), or a host application (API token). */
export type Principal =
  | {
      kind: 'anonymous' /** Why presented credentials were not accepted, for the 401 message. */;
      problem?: string;
    }
  | {
      kind: 'session';
      session: Session;
      /**
       * Whom the request is authorised as: the session's account, or while the session acts as another account
       * (`session.acting`), that one. `session.account` is always the account that logged in.
       */
      account: Account;
    }
  | { kind: 'token'; token: ApiToken };

/** The actor recorded in the audit trail for what a principal does (`account:1 as account:7` while acting). */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'session':
      return sessionActor(principal.session);
    case 'token':
      return `token:${principal.token.id}`;
    default:
      return 'anonymous';
  }
}

/** The session of a principal that the route's access already requires to be a session. */
export function requireSession(principal: Principal): Extract<Principal, { kind: 'session' }> {
  if (principal.kind !== 'session') {
    throw new LetheError('LETHE_E_UNAUTHENTICATED', 'Log in with an account to do this.');
  }
  return principal;
}

/** Whether the principal is a session acting as another account. */
export function isActing(principal: Principal): principal is Extract<Principal, { kind: 'session' }> {
  return principal.kind === 'session' && principal.session.acting !== null;
}
