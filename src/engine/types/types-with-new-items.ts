import type { Engine } from '../engine.js';
import { newItemsOf } from './known-items.js';

export interface TypeNewItems {
  id: number;
  idnumber: string;
  name: string;
  newItems: string[];
}

/** The types that have new items (registered since they were last saved), for notifying administrators. */
export async function typesWithNewItems(
  engine: Engine,
): Promise<{ exportTypes: TypeNewItems[]; purgeTypes: TypeNewItems[] }> {
  const pick = (rows: { id: number; idnumber: string; name: string; known_items: string }[]) =>
    rows
      .map((row) => ({
        id: Number(row.id),
        idnumber: row.idnumber,
        name: row.name,
        newItems: newItemsOf(engine.items, row.known_items),
      }))
      .filter((type) => type.newItems.length > 0);
  const exportRows = await engine.db
    .selectFrom('export_types')
    .select(['id', 'idnumber', 'name', 'known_items'])
    .where('initial', '=', 0)
    .orderBy('name')
    .orderBy('id')
    .execute();
  const purgeRows = await engine.db
    .selectFrom('purge_types')
    .select(['id', 'idnumber', 'name', 'known_items'])
    .orderBy('name')
    .orderBy('id')
    .execute();
  return { exportTypes: pick(exportRows), purgeTypes: pick(purgeRows) };
}
