import type { Engine } from '../engine.js';
import { type LetheRequest, type RequestRow, requestId, toRequest, unknownRequest } from './request-model.js';

async function typeIdnumber(engine: Engine, row: RequestRow): Promise<string | null> {
  if (row.purge_type_id !== null) {
    const t = await engine.db
      .selectFrom('purge_types')
      .select('idnumber')
      .where('id', '=', Number(row.purge_type_id))
      .executeTakeFirst();
    return t?.idnumber ?? null;
  }
  if (row.export_type_id !== null) {
    const t = await engine.db
      .selectFrom('export_types')
      .select('idnumber')
      .where('id', '=', Number(row.export_type_id))
      .executeTakeFirst();
    return t?.idnumber ?? null;
  }
  return null;
}

/** One request with every item's result (in the order they finished) and, for an export, its package. */
export async function getRequest(engine: Engine, id: number | string): Promise<LetheRequest> {
  const key = requestId(id);
  const row = await engine.db.selectFrom('requests').selectAll().where('id', '=', key).executeTakeFirst();
  if (!row) throw unknownRequest(key);
  const items = await engine.db
    .selectFrom('request_items')
    .selectAll()
    .where('request_id', '=', key)
    .execute();
  items.sort(
    (a, b) =>
      (a.finished_at ?? '\uffff').localeCompare(b.finished_at ?? '\uffff') ||
      a.item_key.localeCompare(b.item_key),
  );
  return toRequest(row, items, await typeIdnumber(engine, row));
}
