import { useEffect } from 'react';
import { AppShell, SelfShell } from './components/app-shell';
import { Loading } from './components/loading';
import { Toaster } from './components/toaster';
import { LoginPage } from './pages/login/login-page';
import { ForbiddenPage, NotFoundPage } from './pages/not-found-page';
import { SelfServicePage } from './pages/self/self-service-page';
import { matchPath, navigate, useLocation } from './router';
import { staffRoutes } from './routes';
import { isStaff, SessionProvider, useSession } from './session';

export function App() {
  return (
    <SessionProvider>
      <Toaster>
        <Root />
      </Toaster>
    </SessionProvider>
  );
}

function Root() {
  const { state, can } = useSession();
  const { path } = useLocation();
  const account = state.status === 'authenticated' ? state.account : null;
  const staff = account ? isStaff(account) : false;

  useEffect(() => {
    if (!account) return;
    if (path === '/login') navigate(staff ? '/' : '/me', { replace: true });
    else if (!staff && path !== '/me') navigate('/me', { replace: true });
  }, [account, staff, path]);

  if (state.status === 'loading') {
    return (
      <div className="boot">
        <Loading label="Opening Lethe…" />
      </div>
    );
  }
  if (state.status === 'anonymous') return <LoginPage notice={state.notice} />;
  if (!staff || path === '/me') {
    const Shell = staff ? AppShell : SelfShell;
    return (
      <Shell>
        <SelfServicePage />
      </Shell>
    );
  }
  for (const route of staffRoutes) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    const allowed = !route.needs || can(...route.needs);
    return (
      <AppShell key={route.pattern}>
        {allowed ? route.render(params) : <ForbiddenPage needs={route.needs ?? []} />}
      </AppShell>
    );
  }
  return (
    <AppShell>
      <NotFoundPage />
    </AppShell>
  );
}
