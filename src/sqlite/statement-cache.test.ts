import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatementCache } from './statement-cache.js';

describe('StatementCache', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  });
  afterEach(() => db.close());

  it('prepares a statement once and runs it again with other parameters', () => {
    const cache = new StatementCache(db);
    const insert = cache.prepare('INSERT INTO t (v) VALUES (?)');
    insert.run('a');
    expect(cache.prepare('INSERT INTO t (v) VALUES (?)')).toBe(insert);
    cache.prepare('INSERT INTO t (v) VALUES (?)').run('b');
    expect(cache.prepare('SELECT v FROM t ORDER BY id').all()).toEqual([{ v: 'a' }, { v: 'b' }]);
    expect(cache.size).toBe(2);
  });

  it('keeps at most its size, dropping the oldest', () => {
    const cache = new StatementCache(db, 2);
    const one = cache.prepare('SELECT 1');
    const two = cache.prepare('SELECT 2');
    cache.prepare('SELECT 3');
    expect(cache.size).toBe(2);
    expect(cache.prepare('SELECT 2')).toBe(two);
    expect(cache.prepare('SELECT 1')).not.toBe(one);
    expect(cache.size).toBe(2);
  });

  it('still sees a table changed after its statement was prepared', () => {
    const cache = new StatementCache(db);
    expect(cache.prepare('SELECT * FROM t').all()).toEqual([]);
    db.exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'; INSERT INTO t (v) VALUES ('a')");
    expect(cache.prepare('SELECT * FROM t').all()).toEqual([{ id: 1, v: 'a', w: 'x' }]);
  });
});
