import type { ItemKey, ItemRegistry } from '../../items/index.js';
import type { Db, Engine } from '../engine.js';
import { type ExportType, loadExportType, loadExportTypes } from './export-type.js';
import { findExportTypeRow, type TypeRef } from './type-ref.js';

/** Every export type: the initial one first, then by name. */
export async function listExportTypes(engine: Engine): Promise<ExportType[]> {
  return loadExportTypes(engine.db, engine.items);
}

/** One export type, by id or idnumber; LETHE_E_TYPE_UNKNOWN if there is none. */
export async function getExportType(engine: Engine, ref: TypeRef): Promise<ExportType> {
  return readExportType(engine.db, engine.items, ref);
}

/** `getExportType` on any handle: use it inside a transaction (on SQLite, `engine.db` would wait for the transaction). */
export async function readExportType(db: Db, registry: ItemRegistry, ref: TypeRef): Promise<ExportType> {
  const row = await findExportTypeRow(db, ref);
  return loadExportType(db, registry, Number(row.id));
}

/**
 * The items an export of this type runs, in catalogue order: every registered item for the initial type, else the
 * type's items that are still registered. New items are not included until the type is saved again.
 */
export function exportTypeItems(engine: Engine, type: ExportType): ItemKey[] {
  if (type.initial) return engine.items.keys();
  const selected = new Set(type.items);
  return engine.items.keys().filter((key) => selected.has(key));
}
