import type { ReactNode } from 'react';
import type { Capability } from './api/types';
import { AccountsPage } from './pages/access/accounts-page';
import { RolesPage } from './pages/access/roles-page';
import { TokensPage } from './pages/access/tokens-page';
import { AccountPage } from './pages/account/account-page';
import { AuditPage } from './pages/audit/audit-page';
import { DashboardPage } from './pages/dashboard/dashboard-page';
import { DeleteDataPage } from './pages/delete-data/delete-data-page';
import { UserExportsPage } from './pages/exports/user-exports-page';
import { DeletedReportPage } from './pages/reports/deleted-report-page';
import { RequestsReportPage } from './pages/reports/requests-report-page';
import { RequestPage } from './pages/requests/request-page';
import { SettingsPage } from './pages/settings/settings-page';
import { ExportTypeFormPage } from './pages/types/export-type-form-page';
import { ExportTypesPage } from './pages/types/export-types-page';
import { PurgeTypeFormPage } from './pages/types/purge-type-form-page';
import { PurgeTypesPage } from './pages/types/purge-types-page';
import { UserDataPage } from './pages/user-data/user-data-page';
import { UsersPage } from './pages/users/users-page';
import type { Params } from './router';
import { Redirect } from './router/redirect';

export interface RouteDef {
  pattern: string;
  render: (params: Params) => ReactNode;
  /** The account needs one of these (else the page says which is missing). */
  needs?: Capability[];
}

const readers: Capability[] = [
  'userdata:config',
  'userdata:viewreports',
  'userdata:purgemanual',
  'userdata:exportother',
  'userdata:audit',
];
const config: Capability[] = ['userdata:config'];
const requestReaders: Capability[] = ['userdata:viewreports', 'userdata:purgemanual', 'userdata:exportother'];

/** The console's pages, by path (history routing: the server answers index.html for every non-API path). */
export const staffRoutes: RouteDef[] = [
  { pattern: '/', render: () => <DashboardPage />, needs: readers },
  { pattern: '/account', render: () => <AccountPage /> },
  { pattern: '/users', render: () => <UsersPage />, needs: readers },
  { pattern: '/users/:id', render: (p) => <UserDataPage key={p['id']} id={p['id'] ?? ''} />, needs: readers },
  {
    pattern: '/users/:id/exports',
    render: (p) => <UserExportsPage key={p['id']} id={p['id'] ?? ''} />,
    needs: ['userdata:exportother'],
  },
  {
    pattern: '/users/:id/delete-data',
    render: (p) => <DeleteDataPage key={p['id']} id={p['id'] ?? ''} />,
    needs: ['userdata:purgemanual'],
  },
  {
    pattern: '/requests/:id',
    render: (p) => <RequestPage key={p['id']} id={p['id'] ?? ''} />,
    needs: requestReaders,
  },
  { pattern: '/export-types', render: () => <ExportTypesPage />, needs: readers },
  { pattern: '/export-types/new', render: () => <ExportTypeFormPage />, needs: config },
  {
    pattern: '/export-types/:id',
    render: (p) => <ExportTypeFormPage key={p['id']} id={p['id']} />,
    needs: readers,
  },
  { pattern: '/purge-types', render: () => <PurgeTypesPage />, needs: readers },
  { pattern: '/purge-types/new', render: () => <PurgeTypeFormPage />, needs: config },
  {
    pattern: '/purge-types/:id',
    render: (p) => <PurgeTypeFormPage key={p['id']} id={p['id']} />,
    needs: readers,
  },
  { pattern: '/settings', render: () => <SettingsPage />, needs: readers },
  { pattern: '/reports', render: () => <Redirect to="/reports/exports" />, needs: ['userdata:viewreports'] },
  {
    pattern: '/reports/exports',
    render: () => <RequestsReportPage key="exports" kind="exports" />,
    needs: ['userdata:viewreports'],
  },
  {
    pattern: '/reports/purges',
    render: () => <RequestsReportPage key="purges" kind="purges" />,
    needs: ['userdata:viewreports'],
  },
  { pattern: '/reports/deleted', render: () => <DeletedReportPage />, needs: ['userdata:viewreports'] },
  { pattern: '/audit', render: () => <AuditPage />, needs: ['userdata:audit'] },
  { pattern: '/accounts', render: () => <AccountsPage />, needs: config },
  { pattern: '/roles', render: () => <RolesPage />, needs: config },
  { pattern: '/tokens', render: () => <TokensPage />, needs: config },
];
