import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, onUnauthenticated, setCsrfToken } from '../api/client';
import { sessionApi } from '../api/endpoints';
import type { Account, Capability, Session } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  | {
      status: 'anonymous';
      /** Why: the session ended, or a problem reaching the server. */
      notice?: string;
    }
  | {
      status: 'authenticated';
      /** Whom the session works as: while acting as someone, that account. */
      account: Account;
      expiresAt: string;
      /** Set while acting as `account`: who logged in, and since when. */
      actingAs: Acting | null;
    };

/** While acting as another account: the account that logged in, and since when. */
export interface Acting {
  realAccount: Account;
  since: string;
}

interface SessionValue {
  state: SessionState;
  login(username: string, password: string): Promise<Account>;
  logout(): Promise<void>;
  /** Whether the account the session works as holds any of these capabilities. */
  can(...capabilities: Capability[]): boolean;
  account: Account | null;
  /** Set while acting as another account (`account` is then that one). */
  acting: Acting | null;
  /** Act as another account (userdata:loginas). */
  actAs(accountId: number): Promise<Account>;
  /** Stop acting: back to the logged-in account. */
  stopActing(): Promise<Account>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Staff capabilities: anything but exporting one's own data. */
const staffCapabilities: readonly Capability[] = [
  'userdata:config',
  'userdata:viewreports',
  'userdata:purgemanual',
  'userdata:exportother',
  'userdata:anonymise',
  'userdata:audit',
];

/** Whether an account belongs in the admin console (else: the self-service page). */
export function isStaff(account: Account): boolean {
  return account.capabilities.some((c) => staffCapabilities.includes(c));
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const accept = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({
      status: 'authenticated',
      account: session.account,
      expiresAt: session.expiresAt,
      actingAs: session.actingAs ?? null,
    });
  }, []);

  useEffect(() => {
    let live = true;
    sessionApi
      .current()
      .then((session) => live && accept(session))
      .catch((error: unknown) => {
        if (!live) return;
        setCsrfToken(null);
        setState(
          error instanceof ApiError && error.status === 401
            ? { status: 'anonymous' }
            : { status: 'anonymous', notice: error instanceof Error ? error.message : String(error) },
        );
      });
    return () => {
      live = false;
    };
  }, [accept]);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setCsrfToken(null);
        setState({ status: 'anonymous', notice: 'Your session has ended. Log in again to continue.' });
      }),
    [],
  );

  const value = useMemo<SessionValue>(() => {
    const account = state.status === 'authenticated' ? state.account : null;
    return {
      state,
      account,
      acting: state.status === 'authenticated' ? state.actingAs : null,
      async actAs(accountId) {
        const session = await sessionApi.actAs(accountId);
        accept(session);
        return session.account;
      },
      async stopActing() {
        const session = await sessionApi.stopActing();
        accept(session);
        return session.account;
      },
      async login(username, password) {
        const session = await sessionApi.login(username, password);
        accept(session);
        return session.account;
      },
      async logout() {
        try {
          await sessionApi.logout();
        } finally {
          setCsrfToken(null);
          setState({ status: 'anonymous', notice: 'You have logged out.' });
        }
      },
      can(...wanted) {
        return account !== null && wanted.some((c) => account.capabilities.includes(c));
      },
    };
  }, [state, accept]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside SessionProvider');
  return value;
}
