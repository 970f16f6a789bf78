import { LetheError } from '../../errors/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { loadPurgeType, type PurgeType } from './purge-type.js';
import { describeUsage, isInUse } from './purge-type-usage.js';
import { findPurgeTypeRow, type TypeRef } from './type-ref.js';

/**
 * Deletes a purge type and its items, and records `purge-type.delete` with what was deleted. Refused with
 * LETHE_E_TYPE_IN_USE, saying why, while subjects have it, it is a default, or a pending or running request uses it.
 * Returns the type as it was.
 */
export async function deletePurgeType(engine: Engine, actor: Actor, ref: TypeRef): Promise<PurgeType> {
  return engine.db.transaction().execute(async (trx) => {
    const row = await findPurgeTypeRow(trx, ref);
    const id = Number(row.id);
    const type = await loadPurgeType(trx, engine.items, id);
    if (isInUse(type.inUse)) {
      throw new LetheError(
        'LETHE_E_TYPE_IN_USE',
        `Purge type "${type.idnumber}" can't be deleted: ${describeUsage(type.inUse)}.`,
        { type: type.idnumber, ...type.inUse },
      );
    }
    await trx.deleteFrom('purge_type_items').where('type_id', '=', id).execute();
    await trx.deleteFrom('purge_types').where('id', '=', id).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'purge-type.delete',
      targetType: 'purge-type',
      targetId: String(id),
      details: {
        idnumber: type.idnumber,
        name: type.name,
        description: type.description,
        status: type.status,
        allowManual: type.allowManual,
        allowAutomatic: type.allowAutomatic,
        items: type.items,
      },
    });
    return type;
  });
}
