import { Link } from '../../router';

const tabs = [
  { to: '/reports/exports', label: 'Exports' },
  { to: '/reports/purges', label: 'Purges' },
  { to: '/reports/deleted', label: 'Deleted users' },
];

/** The three reports, as tabs (links: each report has its own address). */
export function ReportTabs() {
  return (
    <nav className="tabs" aria-label="Reports">
      {tabs.map((t) => (
        <Link key={t.to} to={t.to} matchPrefix>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
