import { z } from 'zod';
import { type EraseMode, type ItemRegistry, subjectStatuses } from '../../items/index.js';
import type { Db, Engine } from '../engine.js';
import { parseInput } from './parse-input.js';
import { loadPurgeType, loadPurgeTypes, type PurgeItem, type PurgeType } from './purge-type.js';
import { findPurgeTypeRow, type TypeRef } from './type-ref.js';

const listQuerySchema = z.object({ status: z.enum(subjectStatuses).optional() }).strict();

/** Every purge type, or those of one status (a bad status is LETHE_E_STATUS_INVALID), ordered by name. */
export async function listPurgeTypes(engine: Engine, query: { status?: string } = {}): Promise<PurgeType[]> {
  const values = parseInput(listQuerySchema, query, 'Purge type list');
  return loadPurgeTypes(engine.db, engine.items, values.status ? { status: values.status } : {});
}

/** One purge type, by id or idnumber; LETHE_E_TYPE_UNKNOWN if there is none. */
export async function getPurgeType(engine: Engine, ref: TypeRef): Promise<PurgeType> {
  return readPurgeType(engine.db, engine.items, ref);
}

/** `getPurgeType` on any handle: use it inside a transaction (on SQLite, `engine.db` would wait for the transaction). */
export async function readPurgeType(db: Db, registry: ItemRegistry, ref: TypeRef): Promise<PurgeType> {
  const row = await findPurgeTypeRow(db, ref);
  return loadPurgeType(db, registry, Number(row.id));
}

/**
 * What a purge of this type runs, in catalogue order: its items that are still registered and whose mode still
 * allows the type's status (an item whose definition changed since the type was saved is left out, never run
 * against its own rules). New items are not included until the type is saved again.
 */
export function purgeTypePlan(engine: Engine, type: PurgeType): PurgeItem[] {
  const modes = new Map<string, EraseMode>(type.items.map((i) => [i.key, i.mode]));
  const plan: PurgeItem[] = [];
  for (const key of engine.items.keys()) {
    const mode = modes.get(key);
    if (mode === undefined) continue;
    if (engine.items.get(key).modes[mode]?.statuses.includes(type.status)) plan.push({ key, mode });
  }
  return plan;
}
