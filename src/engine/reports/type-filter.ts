import { LetheError } from '../../errors/index.js';
import type { Db } from '../engine.js';

/** A type filter, resolved: a type id, or `none` (no type). */
export type TypeFilter = { id: number } | 'none';

/**
 * Resolves a report's type filter: an idnumber, else an id (a type that has since been deleted can still be
 * named by its id), or `none` where the report allows it. LETHE_E_TYPE_UNKNOWN for an idnumber no type has.
 */
export async function resolveTypeFilter(
  db: Db,
  table: 'export_types' | 'purge_types',
  ref: string,
  allowNone: boolean,
): Promise<TypeFilter> {
  if (allowNone && ref === 'none') return 'none';
  const row = await db.selectFrom(table).select('id').where('idnumber', '=', ref).executeTakeFirst();
  if (row) return { id: Number(row.id) };
  if (/^[0-9]{1,15}$/.test(ref) && Number(ref) > 0) return { id: Number(ref) };
  const kind = table === 'export_types' ? 'export' : 'purge';
  throw new LetheError(
    'LETHE_E_TYPE_UNKNOWN',
    `There is no ${kind} type "${ref}"${allowNone ? ' (or none, for no type)' : ''}.`,
    { kind, type: ref, field: 'type' },
  );
}
