import { z } from 'zod';
import type { LetheRequest, RequestSummary } from '../../../engine/requests/index.js';
import { requestKinds, requestOrigins, requestStatuses } from '../../../engine/requests/index.js';
import { eraseModes } from '../../../items/index.js';

const itemResultSchema = z.object({
  itemKey: z.string(),
  mode: z.string(),
  status: z.string(),
  count: z.number().int(),
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});

export const requestSummarySchema = z.object({
  id: z.number().int(),
  kind: z.enum(requestKinds),
  subjectId: z.string(),
  origin: z.enum(requestOrigins),
  status: z.enum(requestStatuses),
  exportTypeId: z.number().int().nullable(),
  purgeTypeId: z.number().int().nullable(),
  typeIdnumber: z.string().nullable(),
  /** The steps of a request without a type: erase modes for a purge, `export` for an export by chosen items. */
  plan: z.array(z.object({ key: z.string(), mode: z.enum([...eraseModes, 'export']) })).nullable(),
  dryRun: z.boolean(),
  requestedBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  /** A pending request given back after a failed attempt: when it will be tried again; null otherwise. */
  retryAfter: z.string().nullable(),
  subjectStatus: z.string(),
  error: z.string().nullable(),
  package: z
    .object({
      path: z.string().nullable(),
      size: z.number().nullable(),
      sha256: z.string().nullable(),
      expiresAt: z.string().nullable(),
    })
    .nullable(),
  /** Where to download the package while it is available: `/api/v1/downloads/<token>`. */
  downloadUrl: z.string().nullable(),
  /**
   * Items with a result (`done`) of `total`: while the request is open, what it will run (its plan, or its type's
   * items now); once finished, the items it has a result for.
   */
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
});

export const requestSchema = requestSummarySchema.extend({ items: z.array(itemResultSchema) });

export function downloadUrl(token: string | null): string | null {
  return token ? `/api/v1/downloads/${token}` : null;
}

/** A request as staff and host applications see it: the download token becomes a link. */
export function withDownloadUrl<T extends RequestSummary | LetheRequest>(
  request: T,
): Omit<T, 'downloadToken'> & { downloadUrl: string | null } {
  const { downloadToken, ...rest } = request;
  return { ...rest, downloadUrl: downloadUrl(downloadToken) };
}

/** An export as its own subject sees it: no server paths. */
export const ownExportSchema = z.object({
  id: z.number().int(),
  status: z.enum(requestStatuses),
  type: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  size: z.number().nullable(),
  sha256: z.string().nullable(),
  downloadUrl: z.string().nullable(),
});

export function toOwnExport(request: RequestSummary | LetheRequest): z.input<typeof ownExportSchema> {
  return {
    id: request.id,
    status: request.status,
    type: request.typeIdnumber,
    createdAt: request.createdAt,
    finishedAt: request.finishedAt,
    expiresAt: request.package?.expiresAt ?? null,
    size: request.package?.size ?? null,
    sha256: request.package?.sha256 ?? null,
    downloadUrl: downloadUrl(request.downloadToken),
  };
}
