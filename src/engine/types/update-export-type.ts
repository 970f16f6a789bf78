import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { checkItemKeys } from './check-item-keys.js';
import { type ExportType, loadExportType } from './export-type.js';
import { inCatalogueOrder, knownItemsJson, newItemsOf } from './known-items.js';
import { parseInput } from './parse-input.js';
import { type Changes, sameList, trackChange } from './type-changes.js';
import { assertIdnumberFree, guardIdnumber } from './type-idnumber.js';
import { findExportTypeRow, type TypeRef } from './type-ref.js';
import { type ExportTypePatch, exportTypePatchSchema } from './type-schemas.js';

/**
 * Edits an export type and saves it, which also clears its new items (they become known, not selected).
 * The initial type's idnumber and items can't change. Records `export-type.update` with the changed fields.
 */
export async function updateExportType(
  engine: Engine,
  actor: Actor,
  ref: TypeRef,
  patch: ExportTypePatch,
): Promise<ExportType> {
  const values = parseInput(exportTypePatchSchema, patch, 'Export type');
  const items = values.items === undefined ? undefined : checkItemKeys(engine.items, values.items);
  return guardIdnumber(
    'export',
    () => values.idnumber ?? '',
    () =>
      engine.db.transaction().execute(async (trx) => {
        const row = await findExportTypeRow(trx, ref);
        const id = Number(row.id);
        const initial = Number(row.initial) === 1;
        if (initial && (items !== undefined || (values.idnumber ?? row.idnumber) !== row.idnumber)) {
          throw new LetheError(
            'LETHE_E_INVALID_INPUT',
            `The initial export type "${row.idnumber}" always holds every item: its idnumber and items can't change.`,
            { type: row.idnumber, fields: [items !== undefined ? 'items' : 'idnumber'] },
          );
        }
        if (values.idnumber !== undefined && values.idnumber !== row.idnumber) {
          await assertIdnumberFree(trx, 'export', values.idnumber, id);
        }
        const changes: Changes = {};
        trackChange(changes, 'idnumber', row.idnumber, values.idnumber);
        trackChange(changes, 'name', row.name, values.name);
        trackChange(changes, 'description', row.description, values.description);
        trackChange(changes, 'allowSelf', Number(row.allow_self) === 1, values.allowSelf);
        trackChange(changes, 'includeFiles', Number(row.include_files) === 1, values.includeFiles);
        if (items !== undefined) {
          const before = (
            await trx.selectFrom('export_type_items').select('item_key').where('type_id', '=', id).execute()
          ).map((r) => r.item_key);
          if (!sameList(before, items)) {
            changes['items'] = { from: inCatalogueOrder(engine.items, before), to: items };
            await trx.deleteFrom('export_type_items').where('type_id', '=', id).execute();
            if (items.length > 0) {
              await trx
                .insertInto('export_type_items')
                .values(items.map((item_key) => ({ type_id: id, item_key })))
                .execute();
            }
          }
        }
        const acknowledged = initial ? [] : newItemsOf(engine.items, row.known_items);
        await trx
          .updateTable('export_types')
          .set({
            idnumber: values.idnumber ?? row.idnumber,
            name: values.name ?? row.name,
            description: values.description ?? row.description,
            allow_self: (values.allowSelf ?? Number(row.allow_self) === 1) ? 1 : 0,
            include_files: (values.includeFiles ?? Number(row.include_files) === 1) ? 1 : 0,
            known_items: knownItemsJson(engine.items),
            updated_at: isoNow(),
          })
          .where('id', '=', id)
          .execute();
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'export-type.update',
          targetType: 'export-type',
          targetId: String(id),
          details: {
            idnumber: values.idnumber ?? row.idnumber,
            changes,
            ...(acknowledged.length > 0 ? { newItemsAcknowledged: acknowledged } : {}),
          },
        });
        return loadExportType(trx, engine.items, id);
      }),
  );
}
