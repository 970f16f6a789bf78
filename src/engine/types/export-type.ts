import type { Selectable } from 'kysely';
import type { ItemRegistry } from '../../items/index.js';
import type { ExportTypesTable } from '../../store/index.js';
import type { Db } from '../engine.js';
import { inCatalogueOrder, newItemsOf } from './known-items.js';

/** A named selection of items to export. */
export interface ExportType {
  id: number;
  idnumber: string;
  name: string;
  description: string;
  /** Subjects may use it on their own data. */
  allowSelf: boolean;
  includeFiles: boolean;
  /** The type created by the first migration: it holds every registered item and can't be deleted. */
  initial: boolean;
  /** Its item keys in catalogue order (for the initial type, every registered item). Keys no longer registered go last. */
  items: string[];
  /** Registered items added since the type was last saved: flagged "New", and not exported until it is saved. */
  newItems: string[];
  createdAt: string;
  updatedAt: string;
}

/** Reads export types (all, or those with the given ids) with their items, in list order: initial first, then by name. */
export async function loadExportTypes(db: Db, registry: ItemRegistry, ids?: number[]): Promise<ExportType[]> {
  if (ids && ids.length === 0) return [];
  let query = db
    .selectFrom('export_types')
    .selectAll()
    .orderBy('initial', 'desc')
    .orderBy('name')
    .orderBy('id');
  if (ids) query = query.where('id', 'in', ids);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const itemRows = await db
    .selectFrom('export_type_items')
    .select(['type_id', 'item_key'])
    .where(
      'type_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const byType = new Map<number, string[]>();
  for (const row of itemRows) {
    const typeId = Number(row.type_id);
    byType.set(typeId, [...(byType.get(typeId) ?? []), row.item_key]);
  }
  return rows.map((row) => toExportType(row, byType.get(Number(row.id)) ?? [], registry));
}

function toExportType(row: Selectable<ExportTypesTable>, keys: string[], registry: ItemRegistry): ExportType {
  const initial = Number(row.initial) === 1;
  return {
    id: Number(row.id),
    idnumber: row.idnumber,
    name: row.name,
    description: row.description,
    allowSelf: Number(row.allow_self) === 1,
    includeFiles: Number(row.include_files) === 1,
    initial,
    items: initial ? registry.keys() : inCatalogueOrder(registry, keys),
    newItems: initial ? [] : newItemsOf(registry, row.known_items),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function loadExportType(db: Db, registry: ItemRegistry, id: number): Promise<ExportType> {
  const [type] = await loadExportTypes(db, registry, [id]);
  if (!type) throw new Error(`export type ${id} vanished while it was being read`);
  return type;
}
