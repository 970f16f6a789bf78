import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './open-store.js';

describe('SQLite store transactions', () => {
  let dir: string;
  let store: Store;
  let other: Database.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lethe-immediate-'));
    store = await openStore(`sqlite:${join(dir, 'lethe.db')}`);
    // Another process's connection to the same file, as `lethe worker` beside `lethe serve --no-worker` has.
    other = new Database(join(dir, 'lethe.db'));
    other.pragma('busy_timeout = 50');
  });

  afterEach(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const otherWrites = (key: string) =>
    other.prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, '1', '')`).run(key);

  it('take the write lock as they begin, so that a read then a write cannot lose a race to another process', async () => {
    await store.db.transaction().execute(async (trx) => {
      await trx.selectFrom('settings').selectAll().execute();
      // Begun deferred, the other connection could write here, and the insert below would fail at once with
      // SQLITE_BUSY (its snapshot is stale); begun immediate, the other connection waits for the lock instead.
      expect(() => otherWrites('other-during')).toThrow(/locked|busy/i);
      await trx.insertInto('settings').values({ key: 'store', value: '1', updated_at: '' }).execute();
    });
    otherWrites('other-after');
    const keys = await store.db.selectFrom('settings').select('key').orderBy('key').execute();
    expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(['other-after', 'store']));
    expect(keys.map((k) => k.key)).not.toContain('other-during');
  });
});
