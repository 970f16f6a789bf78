import { LetheError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import {
  type LetheRequest,
  type RequestKind,
  type RequestOrigin,
  type RequestStatus,
  requestKinds,
  requestOrigins,
  requestStatuses,
  toRequest,
} from './request-model.js';
import { countItemResults, progressReader } from './request-progress.js';

export interface RequestFilters {
  kind?: RequestKind;
  status?: RequestStatus | RequestStatus[];
  origin?: RequestOrigin;
  subjectId?: string;
  /** A purge or export type id. */
  typeId?: number;
  /** Created at or after this ISO time. */
  since?: string;
  /** Created before this ISO time. */
  until?: string;
  /** Default 50, at most 1000. */
  limit?: number;
  offset?: number;
}

export type RequestSummary = Omit<LetheRequest, 'items'>;

function check<T extends string>(field: string, value: T | undefined, allowed: readonly T[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `'${String(value)}' is not a valid ${field}.`, { field });
  }
}

/** Requests, newest first, filtered and paginated, with their progress but without their item results (see getRequest). */
export async function listRequests(
  engine: Engine,
  filters: RequestFilters = {},
): Promise<{ total: number; requests: RequestSummary[] }> {
  check('kind', filters.kind, requestKinds);
  const statuses = filters.status === undefined ? [] : [filters.status].flat();
  for (const status of statuses) check('status', status, requestStatuses);
  check('origin', filters.origin, requestOrigins);
  const limit = filters.limit ?? 50;
  const offset = filters.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'limit must be 1 to 1000 and offset 0 or more.', {
      field: 'limit',
    });
  }
  let base = engine.db.selectFrom('requests');
  if (filters.kind) base = base.where('kind', '=', filters.kind);
  if (statuses.length > 0) base = base.where('status', 'in', statuses);
  if (filters.origin) base = base.where('origin', '=', filters.origin);
  if (filters.subjectId) base = base.where('subject_id', '=', filters.subjectId);
  if (filters.typeId !== undefined) {
    const typeId = filters.typeId;
    base = base.where((eb) => eb.or([eb('purge_type_id', '=', typeId), eb('export_type_id', '=', typeId)]));
  }
  if (filters.since) base = base.where('created_at', '>=', filters.since);
  if (filters.until) base = base.where('created_at', '<', filters.until);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  const purgeTypes = new Map(
    (await engine.db.selectFrom('purge_types').select(['id', 'idnumber']).execute()).map((t) => [
      Number(t.id),
      t.idnumber,
    ]),
  );
  const exportTypes = new Map(
    (await engine.db.selectFrom('export_types').select(['id', 'idnumber']).execute()).map((t) => [
      Number(t.id),
      t.idnumber,
    ]),
  );
  const results = await countItemResults(
    engine,
    rows.map((row) => Number(row.id)),
  );
  const progressOf = progressReader(engine);
  const requests: RequestSummary[] = [];
  for (const row of rows) {
    const idnumber =
      row.purge_type_id !== null
        ? (purgeTypes.get(Number(row.purge_type_id)) ?? null)
        : row.export_type_id !== null
          ? (exportTypes.get(Number(row.export_type_id)) ?? null)
          : null;
    const progress = await progressOf(row, results.get(Number(row.id)) ?? 0);
    const { items: _items, ...summary } = toRequest(row, [], idnumber, progress);
    requests.push(summary);
  }
  return { total: Number(total?.n ?? 0), requests };
}
