import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { knownItemsJson } from './known-items.js';
import { parseInput } from './parse-input.js';
import { loadPurgeType, type PurgeType } from './purge-type.js';
import { assertIdnumberFree, copyIdnumber, copyName, guardIdnumber } from './type-idnumber.js';
import { findPurgeTypeRow, type TypeRef } from './type-ref.js';
import { type DuplicateOptions, duplicateOptionsSchema } from './type-schemas.js';

/**
 * Copies a purge type with its status, flags and items. The copy has never been reapplied, is used nowhere, and is
 * saved now, so it has no new items. Records `purge-type.duplicate` on the copy.
 */
export async function duplicatePurgeType(
  engine: Engine,
  actor: Actor,
  ref: TypeRef,
  options: DuplicateOptions = {},
): Promise<PurgeType> {
  const values = parseInput(duplicateOptionsSchema, options, 'Purge type copy');
  let idnumber = values.idnumber ?? '';
  return guardIdnumber(
    'purge',
    () => idnumber,
    () =>
      engine.db.transaction().execute(async (trx) => {
        const source = await findPurgeTypeRow(trx, ref);
        const sourceId = Number(source.id);
        if (values.idnumber !== undefined) await assertIdnumberFree(trx, 'purge', values.idnumber);
        else idnumber = await copyIdnumber(trx, 'purge', source.idnumber);
        const name = values.name ?? copyName(source.name);
        const original = await loadPurgeType(trx, engine.items, sourceId);
        const now = isoNow();
        const { id } = await trx
          .insertInto('purge_types')
          .values({
            idnumber,
            name,
            description: source.description,
            status: source.status,
            allow_manual: Number(source.allow_manual),
            allow_automatic: Number(source.allow_automatic),
            known_items: knownItemsJson(engine.items),
            reapplied_at: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (original.items.length > 0) {
          await trx
            .insertInto('purge_type_items')
            .values(original.items.map(({ key, mode }) => ({ type_id: id, item_key: key, mode })))
            .execute();
        }
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'purge-type.duplicate',
          targetType: 'purge-type',
          targetId: String(id),
          details: {
            source: { id: sourceId, idnumber: source.idnumber },
            idnumber,
            name,
            description: original.description,
            status: original.status,
            allowManual: original.allowManual,
            allowAutomatic: original.allowAutomatic,
            items: original.items,
          },
        });
        return loadPurgeType(trx, engine.items, id);
      }),
  );
}
