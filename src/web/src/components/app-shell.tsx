import { type ReactNode, useState } from 'react';
import type { Capability } from '../api/types';
import { formatDateTime } from '../lib/format';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import '../styles/acting.css';
import { useToast } from './toaster';

interface NavEntry {
  to: string;
  label: string;
  /** Shown when the account holds any of these. */
  needs: Capability[];
}

interface NavSection {
  label: string;
  entries: NavEntry[];
}

const readers: Capability[] = [
  'userdata:config',
  'userdata:viewreports',
  'userdata:purgemanual',
  'userdata:exportother',
  'userdata:audit',
];

const sections: NavSection[] = [
  {
    label: 'Overview',
    entries: [
      { to: '/', label: 'Dashboard', needs: readers },
      { to: '/users', label: 'Users', needs: readers },
    ],
  },
  {
    label: 'Configuration',
    entries: [
      { to: '/export-types', label: 'Export types', needs: readers },
      { to: '/purge-types', label: 'Purge types', needs: readers },
      { to: '/settings', label: 'Settings', needs: readers },
    ],
  },
  {
    label: 'Records',
    entries: [
      { to: '/reports', label: 'Reports', needs: ['userdata:viewreports'] },
      { to: '/audit', label: 'Audit log', needs: ['userdata:audit'] },
    ],
  },
  {
    label: 'Access',
    entries: [
      { to: '/accounts', label: 'Accounts', needs: ['userdata:config'] },
      { to: '/roles', label: 'Roles & capabilities', needs: ['userdata:config'] },
      { to: '/tokens', label: 'API tokens', needs: ['userdata:config'] },
    ],
  },
];

/**
 * While the session acts as another account, on every page: whom you act as, who you really are, and the way
 * back. Stopping returns to the accounts page (or the dashboard) as yourself.
 */
export function ActingBanner() {
  const { account, acting, stopActing } = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (!acting || !account) return null;
  const name = account.displayName || account.username;
  const real = acting.realAccount.displayName || acting.realAccount.username;
  const stop = async () => {
    setBusy(true);
    try {
      const me = await stopActing();
      navigate(me.capabilities.includes('userdata:config') ? '/accounts' : '/');
      toast(`You are ${real} again.`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="acting-banner" aria-label="Acting as another account">
      <p>
        You are acting as <strong>{name}</strong> —{' '}
        <span className="muted">
          logged in as {real} since {formatDateTime(acting.since)}; downloads are turned off.
        </span>
      </p>
      <button
        type="button"
        className="button button-primary button-small"
        onClick={() => void stop()}
        disabled={busy}
      >
        Stop acting
      </button>
    </section>
  );
}

/** The console's frame: a skip link, the top bar with the account, the navigation, and the page. */
export function AppShell({ children }: { children: ReactNode }) {
  const { account, can, logout } = useSession();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          Lethe
          <span className="brand-sub">User data management</span>
        </Link>
        <div className="topbar-account">
          {account?.subjectId ? (
            <Link to="/me" className="topbar-link">
              My data
            </Link>
          ) : null}
          <Link to="/account" className="topbar-link">
            <span className="visually-hidden">Your account: </span>
            {account?.displayName || account?.username}
          </Link>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => void logout()}
          >
            Log out
          </button>
        </div>
      </header>
      <ActingBanner />
      <div className="shell-body">
        <nav className="sidenav" aria-label="Main">
          {sections.map((section) => {
            const entries = section.entries.filter((e) => can(...e.needs));
            if (entries.length === 0) return null;
            return (
              <div key={section.label} className="sidenav-section">
                <p className="sidenav-heading">{section.label}</p>
                <ul>
                  {entries.map((entry) => (
                    <li key={entry.to}>
                      <Link to={entry.to} matchPrefix>
                        {entry.label}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

/** The self-service frame: just the product, the account and a way out. */
export function SelfShell({ children }: { children: ReactNode }) {
  const { account, logout } = useSession();
  return (
    <div className="shell shell-self">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          Lethe
          <span className="brand-sub">Your personal data</span>
        </span>
        <div className="topbar-account">
          <span>{account?.displayName || account?.username}</span>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => void logout()}
          >
            Log out
          </button>
        </div>
      </header>
      <ActingBanner />
      <main id="main" className="content content-narrow" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
