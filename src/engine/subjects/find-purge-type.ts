import { LetheError } from '../../errors/index.js';
import type { Db } from '../engine.js';

export interface PurgeTypeSummary {
  id: number;
  idnumber: string;
  name: string;
  status: string;
}

/**
 * A purge type by idnumber or id, read directly from the purge_types table: a number is an id; a string is an
 * idnumber, or an id when no idnumber matches and it is all digits. LETHE_E_TYPE_UNKNOWN if there is none.
 */
export async function findPurgeTypeByRef(db: Db, ref: string | number): Promise<PurgeTypeSummary> {
  const query = db.selectFrom('purge_types').select(['id', 'idnumber', 'name', 'status']);
  let row: PurgeTypeSummary | undefined;
  if (typeof ref === 'number') {
    if (Number.isSafeInteger(ref)) row = await query.where('id', '=', ref).executeTakeFirst();
  } else if (typeof ref === 'string' && ref !== '') {
    row = await query.where('idnumber', '=', ref).executeTakeFirst();
    if (!row && /^\d{1,15}$/.test(ref)) row = await query.where('id', '=', Number(ref)).executeTakeFirst();
  }
  if (!row) {
    throw new LetheError('LETHE_E_TYPE_UNKNOWN', `No purge type has the idnumber or id '${String(ref)}'.`, {
      type: ref,
    });
  }
  return { ...row, id: Number(row.id) };
}
