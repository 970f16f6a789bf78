import { http, type Query, queryString, seg } from './client';
import type {
  Account,
  ApiToken,
  AuditEvent,
  AuditVerification,
  BulkChangeResult,
  Capability,
  CapabilityList,
  Dashboard,
  DataSummary,
  DeletedReportRow,
  EraseMode,
  ExportReportRow,
  ExportType,
  ExportTypeInput,
  Item,
  LetheRequest,
  OwnExport,
  PurgeItem,
  PurgeReportRow,
  PurgeType,
  PurgeTypeInput,
  ReportPage,
  RequestPage,
  Role,
  SelfExportType,
  SelfProfile,
  Session,
  SettingsPatch,
  SettingsView,
  Subject,
  SubjectPage,
  SubjectStatus,
} from './types';

/**
 * Every API route the console calls, in one place. Paths follow /api/v1 and the server's route names;
 * see the report for which of them the server has yet to add.
 */
const v1 = '/api/v1';

export const sessionApi = {
  current: () => http.get<Session>(`${v1}/session`, undefined, { quiet401: true }),
  login: (username: string, password: string) =>
    http.post<Session>(`${v1}/session`, { username, password }, { quiet401: true }),
  logout: () => http.delete<void>(`${v1}/session`),
  changePassword: (currentPassword: string, newPassword: string) =>
    http.post<void>(`${v1}/session/password`, { currentPassword, newPassword }),
  /** Act as another account (userdata:loginas); the answer is the session as that account. */
  actAs: (accountId: number) => http.post<Session>(`${v1}/session/act-as`, { accountId }),
  /** Stop acting: the session is the logged-in account's again. */
  stopActing: () => http.delete<Session>(`${v1}/session/act-as`),
};

export interface SubjectQuery extends Query {
  search?: string;
  status?: SubjectStatus;
  kind?: string;
  legacy?: boolean;
  limit?: number;
  offset?: number;
}

export const subjectsApi = {
  list: (query: SubjectQuery) => http.get<SubjectPage>(`${v1}/subjects`, query),
  get: (id: string) => http.get<Subject>(`${v1}/subjects/${seg(id)}`),
  /** Set the status of one or many subjects (also what a host sends when it deletes users). */
  setStatus: (ids: string[], status: SubjectStatus) =>
    http.post<BulkChangeResult>(`${v1}/subjects/status`, { ids, status }),
  /** Assign the purge type that applies to these subjects when they are `status`; null goes back to the default. */
  assignPurgeType: (ids: string[], status: 'suspended' | 'deleted', purgeType: number | null) =>
    http.post<BulkChangeResult>(`${v1}/subjects/purge-type`, { ids, status, purgeType }),
  /** The personal data summary: a count per component and item, what each mode allows now, what was done. */
  data: (id: string) => http.get<DataSummary>(`${v1}/subjects/${seg(id)}/data`),
  /** The last step of "Delete personal data": mark the user deleted once nothing erasable is left. */
  deleteIfClean: (id: string) =>
    http.post<{ subject: Subject; changed: boolean; remaining: { key: string; count: number }[] }>(
      `${v1}/subjects/${seg(id)}/delete`,
    ),
};

export const itemsApi = {
  list: () => http.get<{ items: Item[] }>(`${v1}/items`),
};

export const exportTypesApi = {
  list: () => http.get<{ exportTypes: ExportType[] }>(`${v1}/export-types`),
  get: (id: number) => http.get<ExportType>(`${v1}/export-types/${seg(id)}`),
  create: (input: ExportTypeInput) => http.post<ExportType>(`${v1}/export-types`, input),
  update: (id: number, input: Partial<ExportTypeInput>) =>
    http.patch<ExportType>(`${v1}/export-types/${seg(id)}`, input),
  duplicate: (id: number) => http.post<ExportType>(`${v1}/export-types/${seg(id)}/duplicate`),
  remove: (id: number) => http.delete<void>(`${v1}/export-types/${seg(id)}`),
};

export const purgeTypesApi = {
  list: (status?: SubjectStatus) =>
    http.get<{ purgeTypes: PurgeType[] }>(`${v1}/purge-types`, status ? { status } : undefined),
  get: (id: number) => http.get<PurgeType>(`${v1}/purge-types/${seg(id)}`),
  create: (input: PurgeTypeInput) => http.post<PurgeType>(`${v1}/purge-types`, input),
  update: (id: number, input: Partial<PurgeTypeInput>) =>
    http.patch<PurgeType>(`${v1}/purge-types/${seg(id)}`, input),
  duplicate: (id: number) => http.post<PurgeType>(`${v1}/purge-types/${seg(id)}/duplicate`),
  reapply: (id: number) => http.post<PurgeType>(`${v1}/purge-types/${seg(id)}/reapply`),
  remove: (id: number) => http.delete<void>(`${v1}/purge-types/${seg(id)}`),
};

export const settingsApi = {
  get: () => http.get<SettingsView>(`${v1}/settings`),
  update: (patch: SettingsPatch) => http.patch<SettingsView>(`${v1}/settings`, patch),
};

export interface RequestQuery extends Query {
  kind?: 'export' | 'purge';
  status?: string;
  origin?: string;
  subjectId?: string;
  typeId?: number;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export const requestsApi = {
  list: (query: RequestQuery) => http.get<RequestPage>(`${v1}/requests`, query),
  get: (id: number) => http.get<LetheRequest>(`${v1}/requests/${seg(id)}`),
  cancel: (id: number) => http.post<LetheRequest>(`${v1}/requests/${seg(id)}/cancel`),
  /** Export a subject's data by an export type, or by a choice of items. */
  export: (input: { subjectId: string; type?: number | string; items?: string[] }) =>
    http.post<LetheRequest>(`${v1}/requests/exports`, input),
  /** Delete an available export package (so that a new export may be made). */
  deletePackage: (id: number) => http.delete<void>(`${v1}/requests/${seg(id)}/package`),
  purge: (input: { subjectId: string; type: number | string; dryRun?: boolean; confirmActive?: boolean }) =>
    http.post<LetheRequest>(`${v1}/requests/purges`, input),
  /** "Delete personal data": erase chosen items (or components) of a deactivated subject in one mode. */
  erase: (input: { subjectId: string; items: string[]; mode: EraseMode }) =>
    http.post<{ request: LetheRequest; plan: PurgeItem[]; skipped: { key: string; reason: string }[] }>(
      `${v1}/requests/erasures`,
      input,
    ),
  /** "Anonymize user" (support users only, irreversible). */
  anonymise: (subjectIds: string[]) =>
    http.post<{
      results: {
        subjectId: string;
        outcome: 'queued' | 'already-queued' | 'already-anonymised';
        request: LetheRequest;
      }[];
    }>(`${v1}/requests/anonymisations`, { subjectIds, confirm: true }),
};

/** The link that downloads an export package (it carries the request's unguessable token), while available. */
export function downloadHref(request: { downloadUrl: string | null }): string | null {
  return request.downloadUrl?.startsWith('/api/') ? request.downloadUrl : null;
}

export interface ReportQuery extends Query {
  status?: string;
  /** A type's id or idnumber (`none`: no type). */
  type?: string;
  origin?: string;
  subject?: string;
  kind?: string;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  legacy?: string;
  dryRun?: string;
  /** `column` or `column:asc|desc`. */
  sort?: string;
  limit?: number;
  offset?: number;
}

export type ReportName = 'exports' | 'purges' | 'deleted';

export const reportsApi = {
  exports: (query: ReportQuery) => http.get<ReportPage<ExportReportRow>>(`${v1}/reports/exports`, query),
  purges: (query: ReportQuery) => http.get<ReportPage<PurgeReportRow>>(`${v1}/reports/purges`, query),
  deleted: (query: ReportQuery) => http.get<ReportPage<DeletedReportRow>>(`${v1}/reports/deleted`, query),
  /** The server's dashboard report (UTC days); on a 404 (an older server) the console works it out from the requests. */
  dashboard: (days: number) => http.get<Dashboard>(`${v1}/reports/dashboard`, { days }),
};

/** The whole report as CSV, with the same filters (the server streams it; paging is ignored). */
export function reportCsvHref(name: ReportName, query: ReportQuery): string {
  const { limit: _limit, offset: _offset, ...filters } = query;
  return `${v1}/reports/${name}${queryString({ ...filters, format: 'csv' })}`;
}

export interface AuditQuery extends Query {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export const auditApi = {
  list: (query: AuditQuery) => http.get<{ total: number; events: AuditEvent[] }>(`${v1}/audit`, query),
  verify: () => http.get<AuditVerification>(`${v1}/audit/verify`),
};

export const rolesApi = {
  capabilities: () => http.get<CapabilityList>(`${v1}/capabilities`),
  list: () => http.get<{ roles: Role[] }>(`${v1}/roles`),
  create: (input: { shortname: string; name: string; description: string; capabilities: Capability[] }) =>
    http.post<Role>(`${v1}/roles`, input),
  update: (shortname: string, input: { name?: string; description?: string; capabilities?: Capability[] }) =>
    http.patch<Role>(`${v1}/roles/${seg(shortname)}`, input),
  remove: (shortname: string) => http.delete<void>(`${v1}/roles/${seg(shortname)}`),
};

export const accountsApi = {
  list: (query: { search?: string; kind?: 'staff' | 'subject'; limit?: number; offset?: number }) =>
    http.get<{ total: number; accounts: Account[] }>(`${v1}/accounts`, query),
  create: (input: {
    username: string;
    displayName?: string;
    email?: string;
    password?: string;
    subjectId?: string;
    roles?: string[];
  }) => http.post<Account>(`${v1}/accounts`, input),
  update: (
    id: number,
    input: { displayName?: string; email?: string; disabled?: boolean; password?: string; roles?: string[] },
  ) => http.patch<Account>(`${v1}/accounts/${seg(id)}`, input),
  remove: (id: number) => http.delete<void>(`${v1}/accounts/${seg(id)}`),
  unlock: (id: number) => http.post<Account>(`${v1}/accounts/${seg(id)}/unlock`),
};

export const tokensApi = {
  list: () => http.get<{ tokens: ApiToken[] }>(`${v1}/tokens`),
  create: (input: { name: string; scopes: string[]; expiresAt?: string }) =>
    http.post<{ token: ApiToken; secret: string }>(`${v1}/tokens`, input),
  revoke: (id: number) => http.delete<ApiToken>(`${v1}/tokens/${seg(id)}`),
};

export const selfApi = {
  /** The account, its subject, whether self-service exports are on, and the types offered. */
  profile: async (): Promise<SelfProfile> => {
    const [me, types] = await Promise.all([
      http.get<{ account: Account; subject: Subject }>(`${v1}/me`),
      http.get<{ allowSelfExport: boolean; exportTypes: SelfExportType[] }>(`${v1}/me/export-types`),
    ]);
    return { ...me, ...types };
  },
  exports: () => http.get<{ exports: OwnExport[] }>(`${v1}/me/exports`),
  requestExport: (type: number | string) => http.post<OwnExport>(`${v1}/me/exports`, { type }),
  getExport: (id: number) => http.get<OwnExport>(`${v1}/me/exports/${seg(id)}`),
  deletePackage: (id: number) => http.delete<void>(`${v1}/me/exports/${seg(id)}/package`),
};
