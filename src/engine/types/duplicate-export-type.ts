import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { type ExportType, loadExportType } from './export-type.js';
import { inCatalogueOrder, knownItemsJson } from './known-items.js';
import { parseInput } from './parse-input.js';
import { assertIdnumberFree, copyIdnumber, copyName, guardIdnumber } from './type-idnumber.js';
import { findExportTypeRow, type TypeRef } from './type-ref.js';
import { type DuplicateOptions, duplicateOptionsSchema } from './type-schemas.js';

/**
 * Copies an export type with its items (a copy of the initial type gets every registered item, and is not initial).
 * The copy is saved now, so it has no new items. Records `export-type.duplicate` on the copy.
 */
export async function duplicateExportType(
  engine: Engine,
  actor: Actor,
  ref: TypeRef,
  options: DuplicateOptions = {},
): Promise<ExportType> {
  const values = parseInput(duplicateOptionsSchema, options, 'Export type copy');
  let idnumber = values.idnumber ?? '';
  return guardIdnumber(
    'export',
    () => idnumber,
    () =>
      engine.db.transaction().execute(async (trx) => {
        const source = await findExportTypeRow(trx, ref);
        const sourceId = Number(source.id);
        if (values.idnumber !== undefined) await assertIdnumberFree(trx, 'export', values.idnumber);
        else idnumber = await copyIdnumber(trx, 'export', source.idnumber);
        const name = values.name ?? copyName(source.name);
        const items =
          Number(source.initial) === 1
            ? engine.items.keys()
            : inCatalogueOrder(
                engine.items,
                (
                  await trx
                    .selectFrom('export_type_items')
                    .select('item_key')
                    .where('type_id', '=', sourceId)
                    .execute()
                ).map((r) => r.item_key),
              );
        const now = isoNow();
        const { id } = await trx
          .insertInto('export_types')
          .values({
            idnumber,
            name,
            description: source.description,
            allow_self: Number(source.allow_self),
            include_files: Number(source.include_files),
            initial: 0,
            known_items: knownItemsJson(engine.items),
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (items.length > 0) {
          await trx
            .insertInto('export_type_items')
            .values(items.map((item_key) => ({ type_id: id, item_key })))
            .execute();
        }
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'export-type.duplicate',
          targetType: 'export-type',
          targetId: String(id),
          details: {
            source: { id: sourceId, idnumber: source.idnumber },
            idnumber,
            name,
            description: source.description,
            allowSelf: Number(source.allow_self) === 1,
            includeFiles: Number(source.include_files) === 1,
            items,
          },
        });
        return loadExportType(trx, engine.items, id);
      }),
  );
}
