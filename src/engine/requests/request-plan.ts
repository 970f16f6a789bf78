import type { Db, Engine } from '../engine.js';
import { exportTypeItems, purgeTypePlan, readExportType, readPurgeType } from '../types/index.js';
import { parsePlan, type RequestPlanStep, type RequestRow } from './request-model.js';

/** One step of a request: an item and what to do with it (`delete`, `anonymise`, or `export`). */
export type RequestStep = RequestPlanStep;

/** Sorts steps in catalogue order (group, sort order, key); keys no longer registered go last. */
export function catalogueOrder<T extends { key: string }>(engine: Engine, steps: T[]): T[] {
  const order = new Map<string, number>(engine.items.keys().map((key, index) => [key, index]));
  const rank = (key: string) => order.get(key) ?? Number.MAX_SAFE_INTEGER;
  return steps.sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

/** What a purge of this type runs, in catalogue order (see purgeTypePlan). An unknown type runs nothing. */
export async function purgeTypeSteps(engine: Engine, db: Db, typeId: number): Promise<RequestStep[]> {
  try {
    return purgeTypePlan(engine, await readPurgeType(db, engine.items, typeId));
  } catch (error) {
    if ((error as { code?: string }).code === 'LETHE_E_TYPE_UNKNOWN') return [];
    throw error;
  }
}

/** The items an export of this type runs, in catalogue order (see exportTypeItems). */
export async function exportTypeSteps(engine: Engine, db: Db, typeId: number): Promise<RequestStep[]> {
  try {
    const type = await readExportType(db, engine.items, typeId);
    return exportTypeItems(engine, type).map((key) => ({ key, mode: 'export' as const }));
  } catch (error) {
    if ((error as { code?: string }).code === 'LETHE_E_TYPE_UNKNOWN') return [];
    throw error;
  }
}

/**
 * Requests with the same key run the same steps (requestSteps): each with a plan of its own, or those of one purge
 * or export type. Lets a batch read the steps once per key.
 */
export function stepsKey(row: RequestRow): string {
  if (row.plan !== null) return `plan:${row.id}`;
  return `purge:${String(row.purge_type_id)}:export:${String(row.export_type_id)}`;
}

/**
 * What a request does, item by item: its own plan, or its type's items, read when it runs (so a type saved
 * meanwhile applies; items that already have a result are not run again).
 */
export async function requestSteps(engine: Engine, db: Db, row: RequestRow): Promise<RequestStep[]> {
  const plan = parsePlan(row.plan);
  if (plan)
    return catalogueOrder(
      engine,
      plan.map((s) => ({ key: s.key, mode: s.mode })),
    );
  if (row.purge_type_id !== null) return purgeTypeSteps(engine, db, Number(row.purge_type_id));
  if (row.export_type_id !== null) return exportTypeSteps(engine, db, Number(row.export_type_id));
  return [];
}
