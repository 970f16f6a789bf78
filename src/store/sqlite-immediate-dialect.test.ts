import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testTempDir } from '../../test/support/temp-root.js';
import { openStore, type Store } from './open-store.js';

describe('SQLite store transactions', () => {
  let dir = '';
  let store: Store;
  let other: Database.Database;

  beforeEach(async () => {
    dir = testTempDir('lethe-immediate-');
    store = await openStore(`sqlite:${join(dir, 'lethe.db')}`, { busyTimeoutMs: 2000 });
    // Another process's connection to the same file, as `lethe worker` beside `lethe serve --no-worker` has.
    other = new Database(join(dir, 'lethe.db'));
    other.pragma('busy_timeout = 50');
  });

  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await store.close();
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

  it("wait for another process's write lock without blocking the event loop, then write", async () => {
    other.exec('BEGIN IMMEDIATE');
    otherWrites('other-first');
    // The other connection lets go in 300 ms: a timer, which runs only if the store's wait leaves the loop free.
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    setTimeout(() => other.exec('COMMIT'), 300);
    const started = Date.now();
    try {
      const write = store.db
        .insertInto('settings')
        .values({ key: 'store-waited', value: '1', updated_at: '' })
        .execute();
      // The store's other queries go on while its write waits: a read answers before the lock is let go.
      const read = await store.db.selectFrom('settings').select('key').execute();
      expect(Date.now() - started).toBeLessThan(250);
      expect(read.map((r) => r.key)).not.toContain('store-waited');
      await write;
      await store.db.transaction().execute(async (trx) => {
        await trx.insertInto('settings').values({ key: 'store-in-tx', value: '1', updated_at: '' }).execute();
      });
    } finally {
      clearInterval(ticking);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(ticks).toBeGreaterThanOrEqual(10);
    const keys = await store.db.selectFrom('settings').select('key').orderBy('key').execute();
    expect(keys.map((k) => k.key)).toEqual(
      expect.arrayContaining(['other-first', 'store-waited', 'store-in-tx']),
    );
  });

  it('fail with SQLITE_BUSY once the wait has lasted the busy timeout, for a lone write and for a transaction', async () => {
    other.exec('BEGIN IMMEDIATE');
    otherWrites('other-holds');
    const started = Date.now();
    await expect(
      store.db.insertInto('settings').values({ key: 'never', value: '1', updated_at: '' }).execute(),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('settings').values({ key: 'never', value: '1', updated_at: '' }).execute();
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    other.exec('COMMIT');
    // Reads never waited: the store read the file the whole time (WAL).
    const keys = await store.db.selectFrom('settings').select('key').execute();
    expect(keys.map((k) => k.key)).toContain('other-holds');
    expect(keys.map((k) => k.key)).not.toContain('never');
  });
});
