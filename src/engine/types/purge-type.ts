import type { Selectable } from 'kysely';
import type { EraseMode, ItemRegistry, SubjectStatus } from '../../items/index.js';
import type { PurgeTypesTable } from '../../store/index.js';
import type { Db } from '../engine.js';
import { newItemsOf } from './known-items.js';
import { type PurgeTypeUsage, purgeTypeUsage } from './purge-type-usage.js';

/** One item of a purge type, with the mode it is erased in. */
export interface PurgeItem {
  key: string;
  mode: EraseMode;
}

/** A named selection of items to erase, each with its mode, for subjects of one status. */
export interface PurgeType {
  id: number;
  idnumber: string;
  name: string;
  description: string;
  /** The one subject status it applies to; fixed once created. */
  status: SubjectStatus;
  allowManual: boolean;
  /** Only for `suspended` and `deleted`. */
  allowAutomatic: boolean;
  /** Its items in catalogue order; keys no longer registered go last. */
  items: PurgeItem[];
  /** Registered items added since the type was last saved: flagged "New", and not purged until it is saved. */
  newItems: string[];
  /** When it was last reapplied: subjects purged by it before then are due again. */
  reappliedAt: string | null;
  createdAt: string;
  updatedAt: string;
  inUse: PurgeTypeUsage;
}

export interface PurgeTypeFilter {
  ids?: number[];
  status?: SubjectStatus;
}

/** Reads purge types with their items and usage, ordered by name. */
export async function loadPurgeTypes(
  db: Db,
  registry: ItemRegistry,
  filter: PurgeTypeFilter = {},
): Promise<PurgeType[]> {
  if (filter.ids && filter.ids.length === 0) return [];
  let query = db.selectFrom('purge_types').selectAll().orderBy('name').orderBy('id');
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.status) query = query.where('status', '=', filter.status);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const itemRows = await db
    .selectFrom('purge_type_items')
    .select(['type_id', 'item_key', 'mode'])
    .where('type_id', 'in', ids)
    .execute();
  const order = new Map<string, number>(registry.keys().map((key, index) => [key, index]));
  const rank = (key: string) => order.get(key) ?? Number.MAX_SAFE_INTEGER;
  const byType = new Map<number, PurgeItem[]>();
  for (const row of itemRows) {
    const typeId = Number(row.type_id);
    byType.set(typeId, [...(byType.get(typeId) ?? []), { key: row.item_key, mode: row.mode as EraseMode }]);
  }
  const usage = await purgeTypeUsage(db, ids);
  return rows.map((row) =>
    toPurgeType(
      row,
      (byType.get(Number(row.id)) ?? []).sort(
        (a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key),
      ),
      registry,
      usage.get(Number(row.id)) ?? { subjects: 0, default: null, openRequests: 0 },
    ),
  );
}

function toPurgeType(
  row: Selectable<PurgeTypesTable>,
  items: PurgeItem[],
  registry: ItemRegistry,
  inUse: PurgeTypeUsage,
): PurgeType {
  return {
    id: Number(row.id),
    idnumber: row.idnumber,
    name: row.name,
    description: row.description,
    status: row.status as SubjectStatus,
    allowManual: Number(row.allow_manual) === 1,
    allowAutomatic: Number(row.allow_automatic) === 1,
    items,
    newItems: newItemsOf(registry, row.known_items),
    reappliedAt: row.reapplied_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    inUse,
  };
}

export async function loadPurgeType(db: Db, registry: ItemRegistry, id: number): Promise<PurgeType> {
  const [type] = await loadPurgeTypes(db, registry, { ids: [id] });
  if (!type) throw new Error(`purge type ${id} vanished while it was being read`);
  return type;
}
