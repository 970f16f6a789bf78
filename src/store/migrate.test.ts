import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { migrateDown, migrateToLatest, migrationStatus } from './migrate.js';
import { migrations } from './migrations/index.js';

describeEachStore('store migrations', ({ store }) => {
  it('applies every migration and creates the initial export type', async () => {
    const status = await migrationStatus(store());
    expect(status.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    expect(status.every((m) => m.executedAt !== undefined)).toBe(true);
    const initial = await store()
      .db.selectFrom('export_types')
      .selectAll()
      .where('initial', '=', 1)
      .execute();
    expect(initial).toHaveLength(1);
    expect(initial[0]?.name).toBe('All data');
  });

  it('reverses every migration and applies them again', async () => {
    for (let i = 0; i < migrations.length; i++) await migrateDown(store());
    const after = await migrationStatus(store());
    expect(after.every((m) => m.executedAt === undefined)).toBe(true);
    await expect(sql`select count(*) from subjects`.execute(store().db)).rejects.toThrow();
    await migrateToLatest(store());
    const again = await store()
      .db.selectFrom('subjects')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(again?.n)).toBe(0);
  });
});
