import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { idList, jsonRows, textList } from './json-rows.js';

describeEachStore('values bound as one JSON parameter', ({ store }) => {
  it('reads rows of integers, text and nulls back as they were, however many there are', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [
      i + 1,
      i % 7 === 0 ? null : `text ${i} 'quoted' "double" \\ é`,
    ]);
    const table = jsonRows(
      store().dialect,
      [
        { name: 'n', type: 'integer' },
        { name: 'label', type: 'text' },
      ],
      rows,
    );
    const read = await sql<{
      n: number | string;
      label: string | null;
    }>`select v.n, v.label from ${table} as v
      order by v.n`.execute(store().db);
    expect(read.rows.map((r) => [Number(r.n), r.label])).toEqual(rows);
  });

  it('filters by lists of ids and of strings, with no chunking and no injection', async () => {
    const db = store().db;
    const ids = await sql<{ id: number | string }>`select id from export_types`.execute(db);
    const known = ids.rows.map((r) => Number(r.id));
    expect(known.length).toBeGreaterThan(0);
    const many = [...known, ...Array.from({ length: 40_000 }, (_, i) => 1_000_000 + i)];
    const found = await db
      .selectFrom('export_types')
      .select('id')
      .where('id', 'in', idList(store().dialect, many))
      .execute();
    expect(found.map((r) => Number(r.id)).sort()).toEqual([...known].sort());
    const names = await db
      .selectFrom('export_types')
      .select('idnumber')
      .where('idnumber', 'in', textList(store().dialect, ["x') or 1=1 --", 'nothing']))
      .execute();
    expect(names).toEqual([]);
  });

  it('refuses a column name that is not a plain identifier', () => {
    expect(() => jsonRows(store().dialect, [{ name: 'a; drop table x', type: 'text' }], [])).toThrow(
      /Not a column name/,
    );
  });
});
