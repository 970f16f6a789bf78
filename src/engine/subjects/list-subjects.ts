import { sql } from 'kysely';
import { LetheError } from '../../errors/index.js';
import type { SubjectStatus } from '../../items/index.js';
import type { Engine } from '../engine.js';
import { rowToSubject, type Subject } from './subject.js';
import { statusError, statusSchema } from './subject-input.js';

export interface SubjectQuery {
  status?: SubjectStatus;
  kind?: string;
  /** The exact id, or a case-insensitive substring of the username, email or full name. */
  search?: string;
  legacy?: boolean;
  /** The anonymous user is left out unless this is true. */
  includeAnonymous?: boolean;
  /** 50 by default, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface SubjectPage {
  /** How many subjects match, before limit and offset. */
  total: number;
  subjects: Subject[];
}

export const maxListLimit = 1000;

/** Escapes LIKE's wildcards (and the escape character itself) so that a search matches literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function checkCount(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `'${name}' must be a whole number from ${min} to ${max}, not ${String(value)}.`,
      { field: name },
    );
  }
}

/** Subjects matching the query, ordered by id. */
export async function listSubjects(engine: Engine, query: SubjectQuery = {}): Promise<SubjectPage> {
  if (query.status !== undefined && !statusSchema.safeParse(query.status).success) {
    throw statusError(query.status);
  }
  checkCount('limit', query.limit, 1, maxListLimit);
  checkCount('offset', query.offset, 0, Number.MAX_SAFE_INTEGER);
  let base = engine.db.selectFrom('subjects');
  if (query.status !== undefined) base = base.where('status', '=', query.status);
  if (query.kind !== undefined) base = base.where('kind', '=', query.kind);
  if (query.legacy !== undefined) base = base.where('legacy', '=', query.legacy ? 1 : 0);
  if (query.includeAnonymous !== true) base = base.where('anonymous', '=', 0);
  const search = query.search?.trim();
  if (search) {
    const pattern = `%${escapeLike(search.toLowerCase())}%`;
    const like = (column: 'username' | 'email' | 'full_name') =>
      sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    base = base.where((eb) =>
      eb.or([eb('id', '=', search), like('username'), like('email'), like('full_name')]),
    );
  }
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base
    .selectAll()
    .orderBy('id')
    .limit(query.limit ?? 50)
    .offset(query.offset ?? 0)
    .execute();
  return { total: Number(count?.n ?? 0), subjects: rows.map(rowToSubject) };
}

/** Subjects carrying the legacy flag (deleted before Lethe managed them). */
export function listLegacySubjects(
  engine: Engine,
  query: Omit<SubjectQuery, 'legacy'> = {},
): Promise<SubjectPage> {
  return listSubjects(engine, { ...query, legacy: true });
}
