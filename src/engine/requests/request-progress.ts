import { idList } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { isOpenStatus, type RequestProgress, type RequestRow } from './request-model.js';
import { requestSteps } from './request-plan.js';

/** How many item results each of these requests has (one grouped query). */
export async function countItemResults(engine: Engine, ids: readonly number[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (ids.length === 0) return counts;
  const rows = await engine.db
    .selectFrom('request_items')
    .select((eb) => ['request_id', eb.fn.countAll<number | string>().as('n')])
    .where('request_id', 'in', idList(engine.store.dialect, ids))
    .groupBy('request_id')
    .execute();
  for (const row of rows) counts.set(Number(row.request_id), Number(row.n));
  return counts;
}

/**
 * Works out requests' progress from their count of item results. An open request's total is what it will run (its
 * plan, or its type's items now: each type is read once per call of the returned function's owner); a finished
 * one's is its count of results.
 */
export function progressReader(engine: Engine): (row: RequestRow, done: number) => Promise<RequestProgress> {
  const byType = new Map<string, Promise<number>>();
  return async (row, done) => {
    if (!isOpenStatus(row.status)) return { done, total: done };
    const key = row.plan !== null ? null : `${String(row.purge_type_id)}:${String(row.export_type_id)}`;
    let steps: Promise<number>;
    if (key === null) steps = requestSteps(engine, engine.db, row).then((s) => s.length);
    else {
      const cached = byType.get(key);
      steps = cached ?? requestSteps(engine, engine.db, row).then((s) => s.length);
      if (!cached) byType.set(key, steps);
    }
    return { done, total: Math.max(await steps, done) };
  };
}
