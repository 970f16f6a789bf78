import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { checkAutomatic } from './check-automatic.js';
import { checkPurgeItems } from './check-purge-items.js';
import { knownItemsJson } from './known-items.js';
import { parseInput } from './parse-input.js';
import { loadPurgeType, type PurgeType } from './purge-type.js';
import { assertIdnumberFree, guardIdnumber } from './type-idnumber.js';
import { type PurgeTypeInput, purgeTypeCreateSchema } from './type-schemas.js';

/** Creates a purge type with its items, and records `purge-type.create`. */
export async function createPurgeType(
  engine: Engine,
  actor: Actor,
  input: PurgeTypeInput,
): Promise<PurgeType> {
  const values = parseInput(purgeTypeCreateSchema, input, 'Purge type');
  checkAutomatic(values.idnumber, values.status, values.allowAutomatic);
  const items = checkPurgeItems(engine.items, values.status, values.items);
  return guardIdnumber(
    'purge',
    () => values.idnumber,
    () =>
      engine.db.transaction().execute(async (trx) => {
        await assertIdnumberFree(trx, 'purge', values.idnumber);
        const now = isoNow();
        const { id } = await trx
          .insertInto('purge_types')
          .values({
            idnumber: values.idnumber,
            name: values.name,
            description: values.description,
            status: values.status,
            allow_manual: values.allowManual ? 1 : 0,
            allow_automatic: values.allowAutomatic ? 1 : 0,
            known_items: knownItemsJson(engine.items),
            reapplied_at: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (items.length > 0) {
          await trx
            .insertInto('purge_type_items')
            .values(items.map(({ key, mode }) => ({ type_id: id, item_key: key, mode })))
            .execute();
        }
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'purge-type.create',
          targetType: 'purge-type',
          targetId: String(id),
          details: { ...values, items },
        });
        return loadPurgeType(trx, engine.items, id);
      }),
  );
}
