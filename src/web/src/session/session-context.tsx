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
  | { status: 'authenticated'; account: Account; expiresAt: string };

interface SessionValue {
  state: SessionState;
  login(username: string, password: string): Promise<Account>;
  logout(): Promise<void>;
  /** Whether the logged-in account holds any of these capabilities. */
  can(...capabilities: Capability[]): boolean;
  account: Account | null;
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
    setState({ status: 'authenticated', account: session.account, expiresAt: session.expiresAt });
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
