import type { Selectable } from 'kysely';
import { LetheError } from '../../errors/index.js';
import type { EraseMode, ItemRunStatus } from '../../items/index.js';
import type { RequestItemsTable, RequestsTable } from '../../store/index.js';

export const requestKinds = ['export', 'purge'] as const;
export type RequestKind = (typeof requestKinds)[number];

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

/** A request in one of these statuses will not run again. */
export const finishedStatuses: readonly RequestStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'timed-out',
  'expired',
];

export const requestOrigins = ['self', 'admin', 'api', 'automatic:suspended', 'automatic:deleted'] as const;
export type RequestOrigin = (typeof requestOrigins)[number];

/** One step of an erasure: an item and the mode to erase it in. */
export interface PlanStep {
  key: string;
  mode: EraseMode;
}

/** One step of an export by chosen items (no export type). */
export interface ExportPlanStep {
  key: string;
  mode: 'export';
}

/** A request's stored plan: erasure steps for a purge, export steps for an export by chosen items. */
export type RequestPlanStep = PlanStep | ExportPlanStep;

export type RequestRow = Selectable<RequestsTable>;
export type RequestItemRow = Selectable<RequestItemsTable>;

/** An item's result within a request, written as soon as the item finished. */
export interface RequestItemResult {
  itemKey: string;
  /** `delete` or `anonymise` for purges, `export` for exports. */
  mode: string;
  status: ItemRunStatus;
  count: number;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/** An export's package, while it is (or was) available. */
export interface ExportPackage {
  /** The package's absolute path; null once it has expired or been deleted. */
  path: string | null;
  size: number | null;
  sha256: string | null;
  expiresAt: string | null;
}

/**
 * How far a request has got: `done` items have a result, of `total`. While the request is open, `total` is what it
 * will run (its plan, or its type's items now); once it has finished, the items it has a result for.
 */
export interface RequestProgress {
  done: number;
  total: number;
}

/** A request as the use cases, the API and the CLI show it. */
export interface LetheRequest {
  id: number;
  kind: RequestKind;
  subjectId: string;
  origin: RequestOrigin;
  status: RequestStatus;
  exportTypeId: number | null;
  purgeTypeId: number | null;
  /** The type's idnumber, when the request has a type (and it still exists). */
  typeIdnumber: string | null;
  /** The explicit steps of a request without a type (mode `export` for an export by chosen items); null otherwise. */
  plan: RequestPlanStep[] | null;
  dryRun: boolean;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  maxAttempts: number;
  /**
   * A pending request given back after a failed attempt: when it may be claimed again (ISO time). Null when it may
   * run at once, and once it is no longer pending.
   */
  retryAfter: string | null;
  /** The subject's status when the request was made. */
  subjectStatus: string;
  /** Why the request failed, was cancelled or timed out: which items, and their messages. */
  error: string | null;
  /** Exports only. */
  package: ExportPackage | null;
  /** Exports only: the unguessable token a download link carries, while the package is available. */
  downloadToken: string | null;
  progress: RequestProgress;
  items: RequestItemResult[];
}

export function parsePlan(text: string | null): RequestPlanStep[] | null {
  if (text === null) return null;
  return JSON.parse(text) as RequestPlanStep[];
}

export function toItemResult(row: RequestItemRow): RequestItemResult {
  return {
    itemKey: row.item_key,
    mode: row.mode,
    status: row.status as ItemRunStatus,
    count: Number(row.count),
    message: row.message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}

/** Pending or running: it may still run items. */
export function isOpenStatus(status: string): boolean {
  return status === 'pending' || status === 'running';
}

/**
 * A request from its row and item result rows. Its progress is given by the reader that knows what an open request
 * will run (see progressReader); without it, the result rows of the rows themselves.
 */
export function toRequest(
  row: RequestRow,
  items: readonly RequestItemRow[],
  typeIdnumber: string | null,
  progress: RequestProgress = { done: items.length, total: items.length },
): LetheRequest {
  const kind = row.kind as RequestKind;
  return {
    id: Number(row.id),
    kind,
    subjectId: row.subject_id,
    origin: row.origin as RequestOrigin,
    status: row.status as RequestStatus,
    exportTypeId: row.export_type_id === null ? null : Number(row.export_type_id),
    purgeTypeId: row.purge_type_id === null ? null : Number(row.purge_type_id),
    typeIdnumber,
    plan: parsePlan(row.plan),
    dryRun: Number(row.dry_run) === 1,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    retryAfter: row.status === 'pending' ? row.retry_after : null,
    subjectStatus: row.subject_status,
    error: row.error,
    package:
      kind === 'export'
        ? {
            path: row.file_path,
            size: row.file_size === null ? null : Number(row.file_size),
            sha256: row.file_sha256,
            expiresAt: row.expires_at,
          }
        : null,
    downloadToken: row.file_path ? row.download_token : null,
    progress,
    items: items.map(toItemResult),
  };
}

/** The largest request id: the store's id column is a 32-bit integer on PostgreSQL. */
export const maxRequestId = 2_147_483_647;

/** A positive integer request id (at most maxRequestId), or LETHE_E_INVALID_INPUT. */
export function requestId(value: unknown): number {
  const id = typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0 || id > maxRequestId) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `'${String(value)}' is not a request id.`, {
      field: 'id',
    });
  }
  return id;
}

export function unknownRequest(id: number): LetheError {
  return new LetheError('LETHE_E_REQUEST_UNKNOWN', `No request has the id ${id}.`, { id });
}

/** True for a unique-constraint violation on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
