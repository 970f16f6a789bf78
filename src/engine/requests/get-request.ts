import type { Engine } from '../engine.js';
import { type LetheRequest, type RequestRow, requestId, toRequest, unknownRequest } from './request-model.js';
import { catalogueOrder } from './request-plan.js';
import { progressReader } from './request-progress.js';

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

/**
 * One request with every item's result (in the order items run: the catalogue's), its progress and, for an export,
 * its package.
 */
export async function getRequest(engine: Engine, id: number | string): Promise<LetheRequest> {
  const key = requestId(id);
  const row = await engine.db.selectFrom('requests').selectAll().where('id', '=', key).executeTakeFirst();
  if (!row) throw unknownRequest(key);
  const items = await engine.db
    .selectFrom('request_items')
    .selectAll()
    .where('request_id', '=', key)
    .execute();
  // Finish times tie within a millisecond, so the order is the one the worker runs items in.
  const ordered = catalogueOrder(
    engine,
    items.map((item) => ({ key: item.item_key, item })),
  ).map((entry) => entry.item);
  const progress = await progressReader(engine)(row, ordered.length);
  return toRequest(row, ordered, await typeIdnumber(engine, row), progress);
}
