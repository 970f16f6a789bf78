import type { Selectable } from 'kysely';
import { LetheError } from '../../errors/index.js';
import type { ExportTypesTable, PurgeTypesTable } from '../../store/index.js';
import type { Db } from '../engine.js';

/** A type named by its numeric id or its idnumber. A string of digits that is no type's idnumber is read as an id. */
export type TypeRef = number | string;

export type TypeKind = 'export' | 'purge';

function unknownType(kind: TypeKind, ref: TypeRef): LetheError {
  return new LetheError('LETHE_E_TYPE_UNKNOWN', `There is no ${kind} type "${String(ref)}".`, {
    kind,
    type: String(ref),
  });
}

function idOf(ref: TypeRef): number | undefined {
  if (typeof ref === 'number')
    return Number.isSafeInteger(ref) && ref > 0 && ref <= 2_147_483_647 ? ref : undefined;
  if (!/^[0-9]{1,10}$/.test(ref)) return undefined;
  const id = Number(ref);
  return id <= 2_147_483_647 ? id : undefined;
}

export async function findExportTypeRow(db: Db, ref: TypeRef): Promise<Selectable<ExportTypesTable>> {
  const base = db.selectFrom('export_types').selectAll();
  if (typeof ref === 'string') {
    const row = await base.where('idnumber', '=', ref).executeTakeFirst();
    if (row) return row;
  }
  const id = idOf(ref);
  const row = id === undefined ? undefined : await base.where('id', '=', id).executeTakeFirst();
  if (!row) throw unknownType('export', ref);
  return row;
}

export async function findPurgeTypeRow(db: Db, ref: TypeRef): Promise<Selectable<PurgeTypesTable>> {
  const base = db.selectFrom('purge_types').selectAll();
  if (typeof ref === 'string') {
    const row = await base.where('idnumber', '=', ref).executeTakeFirst();
    if (row) return row;
  }
  const id = idOf(ref);
  const row = id === undefined ? undefined : await base.where('id', '=', id).executeTakeFirst();
  if (!row) throw unknownType('purge', ref);
  return row;
}
