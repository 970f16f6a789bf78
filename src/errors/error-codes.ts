/**
 * The one catalogue of Lethe's error codes. Every `LetheError` carries one of these codes; the HTTP layer maps
 * `status` to the response status and the CLI exits 2 on any of them. Codes are a stable contract: add new ones,
 * never rename or reuse one. `docs/errors.md` lists them and a test checks that it agrees with this file.
 */
export const errorCodes = {
  LETHE_E_INVALID_INPUT: { status: 400, summary: 'A value is missing, malformed or out of range.' },
  LETHE_E_CONFIG_INVALID: { status: 500, summary: 'The configuration file or environment has a bad value.' },
  LETHE_E_STORE_URL: { status: 500, summary: 'The store URL is not a sqlite: or postgres:// URL.' },
  LETHE_E_STORE_UNAVAILABLE: { status: 503, summary: 'The store cannot be reached.' },
  LETHE_E_MIGRATION_FAILED: { status: 500, summary: 'A store migration failed.' },
  LETHE_E_ITEM_DUPLICATE: { status: 500, summary: 'Two items were registered with the same key.' },
  LETHE_E_ITEM_UNKNOWN: { status: 400, summary: 'No item is registered with this key.' },
  LETHE_E_ITEM_INVALID: { status: 500, summary: 'An item definition is malformed.' },
  LETHE_E_ITEM_SOURCE: { status: 500, summary: 'An item source in the configuration could not be loaded.' },
  LETHE_E_MODE_UNSUPPORTED: { status: 400, summary: 'The item does not support this erase mode.' },
  LETHE_E_STATUS_NOT_ALLOWED: {
    status: 400,
    summary: "The item's mode does not allow this subject status.",
  },
  LETHE_E_SUBJECT_UNKNOWN: { status: 404, summary: 'No subject has this id.' },
  LETHE_E_SUBJECT_EXISTS: { status: 409, summary: 'A subject with this id already exists.' },
  LETHE_E_SUBJECT_ACTIVE: {
    status: 409,
    summary: 'The subject must be deactivated (suspended or deleted) first.',
  },
  LETHE_E_SUBJECT_NOT_SUPPORT: { status: 409, summary: 'The subject is not a support user.' },
  LETHE_E_SUBJECT_PROTECTED: {
    status: 409,
    summary: 'The anonymous user cannot be exported, purged or changed.',
  },
  LETHE_E_STATUS_INVALID: { status: 400, summary: 'The status is not active, suspended or deleted.' },
  LETHE_E_IMPORT_INVALID: { status: 400, summary: 'A line of a subject import is malformed.' },
  LETHE_E_TYPE_UNKNOWN: { status: 404, summary: 'No export or purge type has this id or idnumber.' },
  LETHE_E_TYPE_DUPLICATE: { status: 409, summary: 'Another type already has this idnumber.' },
  LETHE_E_TYPE_IN_USE: {
    status: 409,
    summary: 'The type is in use or is a default, so it cannot be deleted.',
  },
  LETHE_E_TYPE_INITIAL: { status: 409, summary: 'The initial export type cannot be deleted.' },
  LETHE_E_TYPE_STATUS_FIXED: {
    status: 400,
    summary: "A purge type's status cannot change after it is created.",
  },
  LETHE_E_TYPE_AUTOMATIC_ACTIVE: {
    status: 400,
    summary: 'A purge type for active subjects cannot be automatic.',
  },
  LETHE_E_TYPE_STATUS_MISMATCH: {
    status: 409,
    summary: "The purge type's status does not match the subject's status.",
  },
  LETHE_E_TYPE_NOT_MANUAL: { status: 409, summary: 'The purge type does not allow manual use.' },
  LETHE_E_TYPE_NOT_SELF: { status: 403, summary: 'The export type does not allow self-service exports.' },
  LETHE_E_SETTING_UNKNOWN: { status: 400, summary: 'There is no such setting.' },
  LETHE_E_SETTING_INVALID: { status: 400, summary: 'The value does not fit the setting.' },
  LETHE_E_SELF_EXPORT_DISABLED: { status: 403, summary: 'Self-service exports are turned off.' },
  LETHE_E_CONFIRM_REQUIRED: {
    status: 400,
    summary: 'This action is risky or irreversible and needs explicit confirmation.',
  },
  LETHE_E_REQUEST_UNKNOWN: { status: 404, summary: 'No request has this id.' },
  LETHE_E_REQUEST_FINISHED: { status: 409, summary: 'The request has already finished.' },
  LETHE_E_EXPORT_OPEN: {
    status: 409,
    summary: 'The subject already has an export pending, running or available.',
  },
  LETHE_E_EXPORT_UNAVAILABLE: {
    status: 410,
    summary: 'The export package is not available (expired or deleted).',
  },
  LETHE_E_DISK_FULL: {
    status: 507,
    summary: 'The disk for export packages is full, so the package was not written.',
  },
  LETHE_E_PURGE_OPEN: { status: 409, summary: 'The subject already has a purge pending or running.' },
  LETHE_E_DATA_LEFT: {
    status: 409,
    summary: 'Personal data is left (or could not be counted), so the subject cannot be deleted yet.',
  },
  LETHE_E_AUDIT_BROKEN: { status: 500, summary: 'The audit chain does not verify.' },
  LETHE_E_DATASET_INVALID: { status: 400, summary: 'The dataset file is malformed.' },
  LETHE_E_DATASET_SCHEMA: { status: 400, summary: 'The dataset file does not match the live database.' },
  LETHE_E_DATASET_COVERAGE: { status: 400, summary: 'Personal columns are not covered by any item.' },
  LETHE_E_DATABASE_URL: { status: 400, summary: 'The database URL is malformed or unsupported.' },
  LETHE_E_DATABASE_UNREACHABLE: { status: 503, summary: 'The host database cannot be reached.' },
  LETHE_E_NOT_FOUND: { status: 404, summary: 'The resource does not exist.' },
  LETHE_E_UNAUTHENTICATED: { status: 401, summary: 'Log in or send an API token.' },
  LETHE_E_FORBIDDEN: { status: 403, summary: 'A capability or scope is missing.' },
  LETHE_E_CSRF: { status: 403, summary: 'The CSRF token is missing or wrong.' },
  LETHE_E_LOGIN_FAILED: { status: 401, summary: 'The username or password is wrong.' },
  LETHE_E_LOCKED_OUT: { status: 429, summary: 'Too many failed logins: try again later.' },
  LETHE_E_RATE_LIMITED: { status: 429, summary: 'Too many requests.' },
  LETHE_E_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is larger than the server accepts.' },
  LETHE_E_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The request body must be JSON.' },
  LETHE_E_ACCOUNT_UNKNOWN: { status: 404, summary: 'No account has this id or username.' },
  LETHE_E_ACCOUNT_EXISTS: {
    status: 409,
    summary: 'An account with this username, or for this subject, already exists.',
  },
  LETHE_E_ACCOUNT_LAST_ADMIN: {
    status: 409,
    summary: 'This would leave no enabled account that can manage accounts (userdata:config).',
  },
  LETHE_E_ROLE_UNKNOWN: { status: 404, summary: 'No role has this id or short name.' },
  LETHE_E_ROLE_EXISTS: { status: 409, summary: 'A role with this short name already exists.' },
  LETHE_E_ROLE_BUILTIN: { status: 409, summary: 'A built-in role cannot be deleted or renamed.' },
  LETHE_E_TOKEN_UNKNOWN: { status: 404, summary: 'No API token has this id.' },
  LETHE_E_ACCOUNT_DISABLED: { status: 409, summary: 'The account is disabled.' },
  LETHE_E_ACT_AS_SELF: { status: 400, summary: 'An account cannot act as itself.' },
  LETHE_E_ACT_AS_PRIVILEGED: {
    status: 403,
    summary: 'The account is an administrator, may act as others, or holds a capability you lack.',
  },
  LETHE_E_ACTING_AS: {
    status: 403,
    summary: 'Not while acting as another account: downloads, tokens, passwords, accounts, roles.',
  },
  LETHE_E_OUTBOX_SENT: {
    status: 409,
    summary: 'The outbox message has already been sent, so it cannot be retried.',
  },
  LETHE_E_INTERNAL: { status: 500, summary: 'An unexpected error. It has been logged.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof errorCodes;
