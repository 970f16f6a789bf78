import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { checkItemKeys } from './check-item-keys.js';
import { type ExportType, loadExportType } from './export-type.js';
import { knownItemsJson } from './known-items.js';
import { parseInput } from './parse-input.js';
import { assertIdnumberFree, guardIdnumber } from './type-idnumber.js';
import { type ExportTypeInput, exportTypeCreateSchema } from './type-schemas.js';

/** Creates an export type with its items, and records `export-type.create`. */
export async function createExportType(
  engine: Engine,
  actor: Actor,
  input: ExportTypeInput,
): Promise<ExportType> {
  const values = parseInput(exportTypeCreateSchema, input, 'Export type');
  const items = checkItemKeys(engine.items, values.items);
  return guardIdnumber(
    'export',
    () => values.idnumber,
    () =>
      engine.db.transaction().execute(async (trx) => {
        await assertIdnumberFree(trx, 'export', values.idnumber);
        const now = isoNow();
        const { id } = await trx
          .insertInto('export_types')
          .values({
            idnumber: values.idnumber,
            name: values.name,
            description: values.description,
            allow_self: values.allowSelf ? 1 : 0,
            include_files: values.includeFiles ? 1 : 0,
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
          action: 'export-type.create',
          targetType: 'export-type',
          targetId: String(id),
          details: { ...values, items },
        });
        return loadExportType(trx, engine.items, id);
      }),
  );
}
