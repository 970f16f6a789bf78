import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { loadPurgeType, type PurgeType } from './purge-type.js';
import { findPurgeTypeRow, type TypeRef } from './type-ref.js';

/**
 * Sets the type's `reappliedAt` to now: a subject is due again if it was not purged by this type since the later of
 * its last status change and this moment. Records `purge-type.reapply`. It is not an edit: new items stay new.
 */
export async function reapplyPurgeType(engine: Engine, actor: Actor, ref: TypeRef): Promise<PurgeType> {
  return engine.db.transaction().execute(async (trx) => {
    const row = await findPurgeTypeRow(trx, ref);
    const id = Number(row.id);
    const now = isoNow();
    await trx.updateTable('purge_types').set({ reapplied_at: now }).where('id', '=', id).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'purge-type.reapply',
      targetType: 'purge-type',
      targetId: String(id),
      details: { idnumber: row.idnumber, reappliedAt: { from: row.reapplied_at, to: now } },
    });
    return loadPurgeType(trx, engine.items, id);
  });
}
