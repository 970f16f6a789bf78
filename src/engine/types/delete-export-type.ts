import { LetheError } from '../../errors/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { type ExportType, loadExportType } from './export-type.js';
import { findExportTypeRow, type TypeRef } from './type-ref.js';

/**
 * Deletes an export type and its items, and records `export-type.delete` with what was deleted. The initial type
 * can't be deleted, nor a type that a pending or running export request uses. Returns the type as it was.
 */
export async function deleteExportType(engine: Engine, actor: Actor, ref: TypeRef): Promise<ExportType> {
  return engine.db.transaction().execute(async (trx) => {
    const row = await findExportTypeRow(trx, ref);
    const id = Number(row.id);
    if (Number(row.initial) === 1) {
      throw new LetheError(
        'LETHE_E_TYPE_INITIAL',
        `The initial export type "${row.idnumber}" can't be deleted: one must always exist.`,
        { type: row.idnumber },
      );
    }
    const open = await trx
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('export_type_id', '=', id)
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    const openRequests = Number(open?.n ?? 0);
    if (openRequests > 0) {
      throw new LetheError(
        'LETHE_E_TYPE_IN_USE',
        `Export type "${row.idnumber}" is in use: ${openRequests} pending or running ${openRequests === 1 ? 'request uses' : 'requests use'} it.`,
        { type: row.idnumber, openRequests },
      );
    }
    const type = await loadExportType(trx, engine.items, id);
    await trx.deleteFrom('export_type_items').where('type_id', '=', id).execute();
    await trx.deleteFrom('export_types').where('id', '=', id).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'export-type.delete',
      targetType: 'export-type',
      targetId: String(id),
      details: {
        idnumber: type.idnumber,
        name: type.name,
        description: type.description,
        allowSelf: type.allowSelf,
        includeFiles: type.includeFiles,
        items: type.items,
      },
    });
    return type;
  });
}
