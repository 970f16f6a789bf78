import type { ApiScope, Capability } from '../../engine/accounts/index.js';
import { LetheError } from '../../errors/index.js';
import type { Principal } from '../auth/principal.js';

/** Who may call a route. Every route declares one; the OpenAPI document shows it as `x-lethe-access`. */
export type Access =
  /** Anyone, logged in or not. */
  | { kind: 'public' }
  /** Any logged-in account (a cookie session); not API tokens. */
  | { kind: 'account' }
  /** A self-service account (linked to a subject) with userdata:exportself; it only ever sees its own subject. */
  | { kind: 'self' }
  /**
   * A session whose account holds any of `capabilities`, or a token holding any of `scopes`. With no scopes, API
   * tokens are refused.
   */
  | { kind: 'staff'; capabilities: readonly Capability[]; scopes: readonly ApiScope[] }
  /** A session or a token; the route checks ownership itself (downloads). */
  | { kind: 'owner-or'; capabilities: readonly Capability[]; scopes: readonly ApiScope[] };

export const publicAccess: Access = { kind: 'public' };
export const accountAccess: Access = { kind: 'account' };
export const selfAccess: Access = { kind: 'self' };

export function staff(
  capabilities: Capability | readonly Capability[],
  scopes: ApiScope | readonly ApiScope[] = [],
): Access {
  return {
    kind: 'staff',
    capabilities: typeof capabilities === 'string' ? [capabilities] : capabilities,
    scopes: typeof scopes === 'string' ? [scopes] : scopes,
  };
}

/** Reading configuration (items, types, settings, subjects): every staff capability but self-export allows it. */
export const configReaders: readonly Capability[] = [
  'userdata:config',
  'userdata:viewreports',
  'userdata:purgemanual',
  'userdata:exportother',
  'userdata:audit',
];

function hasAny<T>(held: readonly T[], wanted: readonly T[]): boolean {
  return wanted.some((w) => held.includes(w));
}

/** Throws LETHE_E_UNAUTHENTICATED (401) or LETHE_E_FORBIDDEN (403) unless the principal may call the route. */
export function authorize(principal: Principal, access: Access): void {
  if (access.kind === 'public') return;
  if (principal.kind === 'anonymous') {
    throw new LetheError(
      'LETHE_E_UNAUTHENTICATED',
      principal.problem ?? 'Log in, or send an API token in the Authorization header.',
    );
  }
  switch (access.kind) {
    case 'account':
      if (principal.kind === 'session') return;
      throw new LetheError('LETHE_E_FORBIDDEN', 'This route is for logged-in accounts, not API tokens.');
    case 'self':
      if (
        principal.kind === 'session' &&
        principal.account.subjectId !== null &&
        principal.account.capabilities.includes('userdata:exportself')
      ) {
        return;
      }
      throw new LetheError(
        'LETHE_E_FORBIDDEN',
        'This route is for self-service accounts with the capability userdata:exportself.',
        { capabilities: ['userdata:exportself'] },
      );
    case 'staff':
    case 'owner-or':
      if (principal.kind === 'session') {
        if (access.kind === 'owner-or' || hasAny(principal.account.capabilities, access.capabilities)) return;
        throw new LetheError(
          'LETHE_E_FORBIDDEN',
          `This needs one of the capabilities ${access.capabilities.join(', ')}.`,
          { capabilities: access.capabilities },
        );
      }
      if (access.scopes.length === 0) {
        throw new LetheError('LETHE_E_FORBIDDEN', 'API tokens cannot do this: log in with an account.');
      }
      if (hasAny(principal.token.scopes, access.scopes)) return;
      throw new LetheError(
        'LETHE_E_FORBIDDEN',
        `This needs an API token with one of the scopes ${access.scopes.join(', ')}.`,
        {
          scopes: access.scopes,
        },
      );
  }
}

/** Whether a principal holds a capability (session) or a scope (token), for checks inside a route. */
export function holds(principal: Principal, capability: Capability, scope?: ApiScope): boolean {
  if (principal.kind === 'session') return principal.account.capabilities.includes(capability);
  if (principal.kind === 'token') return scope !== undefined && principal.token.scopes.includes(scope);
  return false;
}
