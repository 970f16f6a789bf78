import type { Generated } from 'kysely';

/**
 * The engine's own tables. Timestamps are ISO-8601 UTC strings and booleans are 0/1 integers, so the same SQL
 * runs on SQLite and PostgreSQL. JSON values are stored as text.
 */
export interface Database {
  subjects: SubjectsTable;
  subject_status_changes: SubjectStatusChangesTable;
  export_types: ExportTypesTable;
  export_type_items: ExportTypeItemsTable;
  purge_types: PurgeTypesTable;
  purge_type_items: PurgeTypeItemsTable;
  settings: SettingsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  requests: RequestsTable;
  request_items: RequestItemsTable;
  outbox: OutboxTable;
  job_leases: JobLeasesTable;
  accounts: AccountsTable;
  roles: RolesTable;
  role_capabilities: RoleCapabilitiesTable;
  account_roles: AccountRolesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
}

export interface SubjectsTable {
  id: string;
  username: string;
  email: string;
  full_name: string;
  kind: string;
  status: string;
  status_changed_at: string;
  suspended_purge_type_id: number | null;
  deleted_purge_type_id: number | null;
  legacy: number;
  anonymous: number;
  created_at: string;
  updated_at: string;
}

export interface SubjectStatusChangesTable {
  id: Generated<number>;
  subject_id: string;
  from_status: string | null;
  to_status: string;
  changed_at: string;
  actor: string;
}

export interface ExportTypesTable {
  id: Generated<number>;
  idnumber: string;
  name: string;
  description: string;
  allow_self: number;
  include_files: number;
  initial: number;
  /** JSON array of every item key that existed when the type was last saved. */
  known_items: string;
  created_at: string;
  updated_at: string;
}

export interface ExportTypeItemsTable {
  type_id: number;
  item_key: string;
}

export interface PurgeTypesTable {
  id: Generated<number>;
  idnumber: string;
  name: string;
  description: string;
  status: string;
  allow_manual: number;
  allow_automatic: number;
  known_items: string;
  reapplied_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PurgeTypeItemsTable {
  type_id: number;
  item_key: string;
  mode: string;
}

export interface SettingsTable {
  key: string;
  /** JSON */
  value: string;
  updated_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface RequestsTable {
  id: Generated<number>;
  kind: string;
  subject_id: string;
  origin: string;
  status: string;
  export_type_id: number | null;
  purge_type_id: number | null;
  /**
   * JSON array of { key, mode } for requests without a type (erasures, anonymisations; exports by chosen items, with
   * mode `export`); else null.
   */
  plan: string | null;
  dry_run: number;
  requested_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** A request given back after a failed attempt is not claimed before this time; null: at once. */
  retry_after: string | null;
  /** The subject's status when the request was made; a change while it runs cancels the rest. */
  subject_status: string;
  error: string | null;
  file_path: string | null;
  file_size: number | null;
  file_sha256: string | null;
  expires_at: string | null;
  download_token: string | null;
}

export interface RequestItemsTable {
  request_id: number;
  item_key: string;
  mode: string;
  status: string;
  count: number;
  message: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  sent_at: string | null;
  /** The last send's error, if it failed. */
  error: string | null;
  /** How many times SMTP was tried. */
  attempts: Generated<number>;
  last_attempt_at: string | null;
  /** When it may be tried (again); null once it is sent or has failed for good. */
  next_attempt_at: string | null;
}

export interface JobLeasesTable {
  job: string;
  owner: string | null;
  expires_at: string | null;
  last_run_at: string | null;
}

export interface AccountsTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string;
  /** Set for a self-service account: the subject it belongs to. */
  subject_id: string | null;
  /** `scrypt$N$r$p$salt$hash`; null means the account cannot log in with a password. */
  password_hash: string | null;
  disabled: number;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: Generated<number>;
  shortname: string;
  name: string;
  description: string;
  builtin: number;
  created_at: string;
  updated_at: string;
}

export interface RoleCapabilitiesTable {
  role_id: number;
  capability: string;
}

export interface AccountRolesTable {
  account_id: number;
  role_id: number;
}

export interface SessionsTable {
  /** The sha256 (hex) of the session cookie's secret. */
  id: string;
  account_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string;
  user_agent: string;
  /** The account this session acts as (an administrator's "act as"), or null. */
  acting_as_account_id: number | null;
  /** When the acting began. */
  acting_since: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  /** The first characters of the secret, to recognise a token in lists. */
  prefix: string;
  /** The sha256 (hex) of the secret, which is shown once and never stored. */
  token_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  username: string;
  ip: string;
  at: string;
  /** `success`, `failure` (counts towards a lockout) or `locked` (refused while locked out). */
  outcome: string;
}
