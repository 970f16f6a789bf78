import { LetheError } from '../../errors/index.js';
import type { EraseMode, SubjectStatus } from '../../items/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { checkAutomatic } from './check-automatic.js';
import { checkPurgeItems } from './check-purge-items.js';
import { knownItemsJson, newItemsOf } from './known-items.js';
import { parseInput } from './parse-input.js';
import { loadPurgeType, type PurgeItem, type PurgeType } from './purge-type.js';
import { type Changes, trackChange } from './type-changes.js';
import { assertIdnumberFree, guardIdnumber } from './type-idnumber.js';
import { findPurgeTypeRow, type TypeRef } from './type-ref.js';
import { type PurgeTypePatch, purgeTypePatchSchema } from './type-schemas.js';

function samePlan(a: readonly PurgeItem[], b: readonly PurgeItem[]): boolean {
  if (a.length !== b.length) return false;
  const modes = new Map(a.map((i) => [i.key, i.mode]));
  return b.every((i) => modes.get(i.key) === i.mode);
}

/**
 * Edits a purge type and saves it, which also clears its new items (they become known, not selected). Its status
 * can't change (LETHE_E_TYPE_STATUS_FIXED). Records `purge-type.update` with the changed fields.
 */
export async function updatePurgeType(
  engine: Engine,
  actor: Actor,
  ref: TypeRef,
  patch: PurgeTypePatch,
): Promise<PurgeType> {
  const values = parseInput(purgeTypePatchSchema, patch, 'Purge type');
  return guardIdnumber(
    'purge',
    () => values.idnumber ?? '',
    () =>
      engine.db.transaction().execute(async (trx) => {
        const row = await findPurgeTypeRow(trx, ref);
        const id = Number(row.id);
        const status = row.status as SubjectStatus;
        if (values.status !== undefined && values.status !== status) {
          throw new LetheError(
            'LETHE_E_TYPE_STATUS_FIXED',
            `Purge type "${row.idnumber}" is for ${status} subjects and can't change to ${values.status}: create a new type instead.`,
            { type: row.idnumber, status, requested: values.status },
          );
        }
        const allowAutomatic = values.allowAutomatic ?? Number(row.allow_automatic) === 1;
        checkAutomatic(values.idnumber ?? row.idnumber, status, allowAutomatic);
        const items =
          values.items === undefined ? undefined : checkPurgeItems(engine.items, status, values.items);
        if (values.idnumber !== undefined && values.idnumber !== row.idnumber) {
          await assertIdnumberFree(trx, 'purge', values.idnumber, id);
        }
        const changes: Changes = {};
        trackChange(changes, 'idnumber', row.idnumber, values.idnumber);
        trackChange(changes, 'name', row.name, values.name);
        trackChange(changes, 'description', row.description, values.description);
        trackChange(changes, 'allowManual', Number(row.allow_manual) === 1, values.allowManual);
        trackChange(changes, 'allowAutomatic', Number(row.allow_automatic) === 1, values.allowAutomatic);
        if (items !== undefined) {
          const before = (
            await trx
              .selectFrom('purge_type_items')
              .select(['item_key', 'mode'])
              .where('type_id', '=', id)
              .execute()
          ).map((r) => ({ key: r.item_key, mode: r.mode as EraseMode }));
          if (!samePlan(before, items)) {
            const previous = await loadPurgeType(trx, engine.items, id);
            changes['items'] = { from: previous.items, to: items };
            await trx.deleteFrom('purge_type_items').where('type_id', '=', id).execute();
            if (items.length > 0) {
              await trx
                .insertInto('purge_type_items')
                .values(items.map(({ key, mode }) => ({ type_id: id, item_key: key, mode })))
                .execute();
            }
          }
        }
        const acknowledged = newItemsOf(engine.items, row.known_items);
        await trx
          .updateTable('purge_types')
          .set({
            idnumber: values.idnumber ?? row.idnumber,
            name: values.name ?? row.name,
            description: values.description ?? row.description,
            allow_manual: (values.allowManual ?? Number(row.allow_manual) === 1) ? 1 : 0,
            allow_automatic: allowAutomatic ? 1 : 0,
            known_items: knownItemsJson(engine.items),
            updated_at: isoNow(),
          })
          .where('id', '=', id)
          .execute();
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'purge-type.update',
          targetType: 'purge-type',
          targetId: String(id),
          details: {
            idnumber: values.idnumber ?? row.idnumber,
            changes,
            ...(acknowledged.length > 0 ? { newItemsAcknowledged: acknowledged } : {}),
          },
        });
        return loadPurgeType(trx, engine.items, id);
      }),
  );
}
