/** The shapes the API answers with (they mirror the server's zod schemas and the engine's models). */

export const subjectStatuses = ['active', 'suspended', 'deleted'] as const;
export type SubjectStatus = (typeof subjectStatuses)[number];

export const eraseModes = ['delete', 'anonymise'] as const;
export type EraseMode = (typeof eraseModes)[number];

export const capabilities = [
  'userdata:config',
  'userdata:viewreports',
  'userdata:purgemanual',
  'userdata:exportother',
  'userdata:exportself',
  'userdata:anonymise',
  'userdata:audit',
  'userdata:loginas',
] as const;
export type Capability = (typeof capabilities)[number];

export interface Account {
  id: number;
  username: string;
  displayName: string;
  email: string;
  subjectId: string | null;
  disabled: boolean;
  hasPassword: boolean;
  roles: string[];
  capabilities: Capability[];
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Session {
  /** The account the session works as: while acting as someone, that account. */
  account: Account;
  /** Set while acting as `account`: the account that logged in, and since when. */
  actingAs: { realAccount: Account; since: string } | null;
  csrfToken: string;
  expiresAt: string;
}

export interface Subject {
  id: string;
  username: string;
  email: string;
  fullName: string;
  kind: string;
  status: SubjectStatus;
  statusChangedAt: string;
  suspendedPurgeTypeId: number | null;
  deletedPurgeTypeId: number | null;
  legacy: boolean;
  anonymous?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SubjectPage {
  total: number;
  subjects: Subject[];
}

export interface BulkChangeResult {
  changed: number;
  unchanged: number;
}

export interface Item {
  key: string;
  component: string;
  name: string;
  group: string;
  title: string;
  help: string;
  sortOrder: number;
  count: boolean;
  export: boolean;
  exportFiles: boolean;
  modes: Partial<Record<EraseMode, { statuses: SubjectStatus[] }>>;
}

export interface ExportType {
  id: number;
  idnumber: string;
  name: string;
  description: string;
  allowSelf: boolean;
  includeFiles: boolean;
  initial: boolean;
  items: string[];
  newItems: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ExportTypeInput {
  idnumber: string;
  name: string;
  description: string;
  allowSelf: boolean;
  includeFiles: boolean;
  items: string[];
}

export interface PurgeItem {
  key: string;
  mode: EraseMode;
}

export interface PurgeTypeUsage {
  subjects: number;
  default: 'suspended' | 'deleted' | null;
  openRequests: number;
}

export interface PurgeType {
  id: number;
  idnumber: string;
  name: string;
  description: string;
  status: SubjectStatus;
  allowManual: boolean;
  allowAutomatic: boolean;
  items: PurgeItem[];
  newItems: string[];
  reappliedAt: string | null;
  createdAt: string;
  updatedAt: string;
  inUse: PurgeTypeUsage;
}

export interface PurgeTypeInput {
  idnumber: string;
  name: string;
  description: string;
  status: SubjectStatus;
  allowManual: boolean;
  allowAutomatic: boolean;
  items: PurgeItem[];
}

export const requestStatuses = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed-out',
  'expired',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];
export type RequestKind = 'export' | 'purge';
export const requestOrigins = ['self', 'admin', 'api', 'automatic:suspended', 'automatic:deleted'] as const;
export type RequestOrigin = (typeof requestOrigins)[number];
export type ItemRunStatus =
  | 'success'
  | 'error'
  | 'skipped'
  | 'cancelled'
  | 'timed-out'
  | 'pending'
  | 'running';

export interface RequestItemResult {
  itemKey: string;
  mode: string;
  status: ItemRunStatus;
  count: number;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface ExportPackage {
  path: string | null;
  size: number | null;
  sha256: string | null;
  expiresAt: string | null;
}

export interface RequestSummary {
  id: number;
  kind: RequestKind;
  subjectId: string;
  origin: RequestOrigin;
  status: RequestStatus;
  exportTypeId: number | null;
  purgeTypeId: number | null;
  typeIdnumber: string | null;
  /** The steps of a request without a type: erase modes for a purge, `export` for an export by chosen items. */
  plan: { key: string; mode: EraseMode | 'export' }[] | null;
  dryRun: boolean;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  maxAttempts: number;
  subjectStatus: string;
  error: string | null;
  package: ExportPackage | null;
  /** Where to download the package while it is available (`/api/v1/downloads/<token>`). */
  downloadUrl: string | null;
  /**
   * Items with a result (`done`) of `total`: while open, what the request will run (its plan, or its type's items
   * now); once finished, the items it has a result for.
   */
  progress: { done: number; total: number };
  /** Reports may add the subject's name. */
  subjectName?: string;
}

export interface LetheRequest extends RequestSummary {
  items: RequestItemResult[];
}

export interface RequestPage {
  total: number;
  requests: RequestSummary[];
}

export interface SettingsView {
  defaultSuspendedPurgeTypeId: number | null;
  defaultDeletedPurgeTypeId: number | null;
  allowSelfExport: boolean;
  exportRetentionDays: number;
  anonymousUserId: string | null;
  defaultSuspendedPurgeType: string | null;
  defaultDeletedPurgeType: string | null;
  /** The SMTP server notifications go through (from the configuration), when the API shows it. */
  smtp?: { configured: boolean; host?: string; port?: number; secure?: boolean; from?: string } | null;
}

export interface SettingsPatch {
  defaultSuspendedPurgeType?: number | null;
  defaultDeletedPurgeType?: number | null;
  allowSelfExport?: boolean;
  exportRetentionDays?: number;
  anonymousUserId?: string | null;
}

/** One item of a subject's personal data summary. */
export interface DataSummaryItem {
  key: string;
  name?: string;
  title?: string;
  /** How many records the subject has in it; null when the item cannot count. */
  count: number | null;
  /** Why counting failed. */
  error?: string;
  /** Each erase mode, allowed for the subject's status now or not (and why). */
  modes?: Partial<Record<EraseMode, { allowed: boolean; reason?: string }>>;
  /** The last erasure of it. */
  done?: { mode: EraseMode; at: string; requestId: number } | null;
  state?: 'pending' | 'done' | 'empty' | 'error' | 'unknown';
}

export interface DataSummary {
  subject: Subject;
  components: { component: string; group: string; total: number; items: DataSummaryItem[] }[];
  total: number;
  errors: number;
}

export interface DashboardPoint {
  /** The day, YYYY-MM-DD. */
  date: string;
  kind: RequestKind;
  status: RequestStatus;
  count: number;
}

export interface FailedItem {
  requestId: number;
  subjectId: string;
  kind: RequestKind;
  itemKey: string;
  mode?: string;
  status: ItemRunStatus;
  message: string | null;
  finishedAt: string | null;
}

export interface DuePurge {
  subjectId: string;
  fullName?: string;
  status: SubjectStatus;
  purgeType: string | null;
  purgeTypeId?: number;
  since: string;
}

/** An open (pending or running) request as the dashboard lists it; a request summary has these fields too. */
export type DashboardOpenRequest = Pick<
  RequestSummary,
  'id' | 'kind' | 'subjectId' | 'origin' | 'status' | 'typeIdnumber' | 'dryRun' | 'createdAt' | 'startedAt'
> & { subjectName?: string | null; ageSeconds?: number };

export interface Dashboard {
  days: number;
  /** The period's first moment (midnight UTC); the server's days are UTC days. */
  since?: string;
  series: DashboardPoint[];
  /** How many requests are open; openRequests lists the oldest 50 of them. */
  openTotal?: number;
  openRequests: DashboardOpenRequest[];
  failedItems: FailedItem[];
  /** Null when the server can't say (the console then computed the rest from the requests). */
  duePurges: { total: number; subjects: DuePurge[] } | null;
}

interface RequestReportRow {
  id: number;
  subjectId: string;
  username: string | null;
  fullName: string | null;
  email: string | null;
  subjectKind: string | null;
  origin: RequestOrigin;
  status: RequestStatus;
  typeId: number | null;
  typeIdnumber: string | null;
  typeName: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: string | null;
}

export interface ExportReportRow extends RequestReportRow {
  fileSize: number | null;
  fileSha256: string | null;
  expiresAt: string | null;
  available: boolean;
}

export interface PurgeReportRow extends RequestReportRow {
  dryRun: boolean;
  items: { key: string; mode: string; status: ItemRunStatus; count: number; message: string | null }[];
}

export interface DeletedReportRow {
  subjectId: string;
  username: string;
  fullName: string;
  email: string;
  kind: string;
  legacy: boolean;
  deletedAt: string;
  typeId: number | null;
  typeIdnumber: string | null;
  typeName: string | null;
  /** Whether the purge type is the subject's own or the default. */
  typeSource: 'subject' | 'default' | null;
  purged: boolean;
  lastPurgeRequestId: number | null;
  lastPurgedAt: string | null;
  lastPurgeTypeIdnumber: string | null;
  openPurgeRequestId: number | null;
}

export interface ReportPage<Row> {
  total: number;
  rows: Row[];
}

export interface AuditEvent {
  id: number;
  seq: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  problems: { seq: number; problem: string; message: string }[];
}

export interface Role {
  id: number;
  shortname: string;
  name: string;
  description: string;
  builtin: boolean;
  capabilities: Capability[];
  accounts: number;
  createdAt: string;
  updatedAt: string;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  active: boolean;
}

export interface CapabilityList {
  capabilities: { name: Capability; description: string }[];
  scopes: string[];
}

/** An export as its own subject sees it (no server paths). */
export interface OwnExport {
  id: number;
  status: RequestStatus;
  /** The export type's idnumber. */
  type: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  size: number | null;
  sha256: string | null;
  downloadUrl: string | null;
}

export type SelfExportType = Pick<ExportType, 'id' | 'idnumber' | 'name' | 'description' | 'includeFiles'>;

/** What a self-service account sees of itself: GET /me and GET /me/export-types together. */
export interface SelfProfile {
  account: Account;
  subject: Subject;
  allowSelfExport: boolean;
  exportTypes: SelfExportType[];
}
