import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDatasetItems,
  isDeadlock,
  openConnection,
  parseDataset,
  type SqlConnection,
  type SqlDialectName,
} from '../../src/connectors/sql/index.js';
import type { Item } from '../../src/items/index.js';
import { eraseContext } from './support/contract-context.js';
import { anonymousId } from './support/fixture.js';
import { createTestDatabase, dialectTargets, type TestDatabase } from './support/test-databases.js';

/**
 * Two purges that lock the same rows in opposite orders deadlock, and the database aborts one of them. The item's
 * transaction is run again (retryOnDeadlock), so its erase still succeeds. Here the other transaction is a raw
 * connection that locks note 2, waits until the item's DELETE has locked note 1 and is blocked on note 2, then asks
 * for note 1: a real deadlock, whose victim is the item's transaction (on PostgreSQL, the one that waited first
 * detects it; on MariaDB, the lighter one is chosen, so the blocker first writes ballast rows).
 */

function ddl(dialect: SqlDialectName): string[] {
  const fk = (column: string) => `FOREIGN KEY (${column}) REFERENCES users(id)`;
  return [
    'CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(100) NOT NULL, status VARCHAR(20) NOT NULL)',
    `CREATE TABLE notes (id INTEGER PRIMARY KEY, author_id INTEGER, subject_user_id INTEGER NOT NULL,
      body VARCHAR(200), ${fk('author_id')}, ${fk('subject_user_id')})`,
    `CREATE TABLE ballast (id INTEGER PRIMARY KEY)${dialect === 'mysql' ? ' ENGINE=InnoDB' : ''}`,
  ];
}

const dataset = `version: 1
subjects:
  table: users
  id: id
  username: username
  status: status
components:
  notes:
    items:
      about:
        table: notes
        via: subject_user_id
        anonymise:
          columns:
            body: { fixed: "[removed]" }
        delete: true
ignore:
  ballast: Rows written by the test's blocking transaction.
  notes.author_id: Not what this item is about.
`;

/** A raw connection of the test's own, outside the connector. */
interface RawConnection {
  query(sql: string): Promise<unknown[]>;
  close(): Promise<void>;
}

async function rawConnection(db: TestDatabase): Promise<RawConnection> {
  const url = new URL(db.url);
  if (db.dialect === 'postgres') {
    const schema = url.searchParams.get('schema') ?? 'public';
    url.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    await client.connect();
    client.on('error', () => undefined);
    return { query: async (sql) => (await client.query(sql)).rows, close: () => client.end() };
  }
  const connection = await mysql.createConnection({ uri: db.url });
  return {
    query: async (sql) => (await connection.query(sql))[0] as unknown[],
    close: () => connection.end(),
  };
}

/** Whether another transaction (the item's) is waiting for a lock that the blocker holds. */
async function itemIsBlocked(db: TestDatabase, watcher: RawConnection, blocker: number): Promise<boolean> {
  const rows =
    db.dialect === 'postgres'
      ? await watcher.query(`SELECT pid FROM pg_stat_activity WHERE ${blocker} = ANY(pg_blocking_pids(pid))`)
      : // information_schema.innodb_trx is a cache that frequent reads keep from refreshing: ask the processlist.
        await watcher.query(
          `SELECT id FROM information_schema.processlist
           WHERE db = DATABASE() AND id <> ${blocker} AND info LIKE 'DELETE%' AND state = 'Updating'`,
        );
  return rows.length > 0;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await sleep(10);
  }
}

async function seed(connection: SqlConnection): Promise<void> {
  await connection.execute('DELETE FROM notes');
  await connection.execute('DELETE FROM ballast');
  await connection.execute('DELETE FROM users');
  await connection.execute(
    "INSERT INTO users (id, username, status) VALUES (1, 'user1', 'deleted'), (2, 'user2', 'active'), (3, 'user3', 'active'), (?, 'anonymous', 'active')",
    [anonymousId],
  );
  // Notes 1 and 2 are about user 1 and written by others; the item's DELETE locks note 1 before note 2.
  await connection.execute(
    "INSERT INTO notes (id, author_id, subject_user_id, body) VALUES (1, 2, 1, 'first'), (2, 3, 1, 'second'), (3, 1, 2, 'third')",
  );
}

async function notes(connection: SqlConnection): Promise<Array<[number, string]>> {
  const rows = await connection.query<{ id: unknown; body: unknown }>(
    'SELECT id, body FROM notes ORDER BY id',
  );
  return rows.map((r) => [Number(r.id), String(r.body)]);
}

/** A fresh database with the notes schema, a connection that records each retry in `retries`, and notes/about. */
async function openNotes(
  target: Parameters<typeof createTestDatabase>[0],
  retries: unknown[],
): Promise<{ db: TestDatabase; connection: SqlConnection; item: Item }> {
  const db = await createTestDatabase(target);
  for (const statement of ddl(target.dialect)) await db.exec(statement);
  const connection = await openConnection(db.url, { onDeadlockRetry: (error) => retries.push(error) });
  const parsed = parseDataset(dataset, {
    file: 'deadlock.yaml',
    baseDir: tmpdir(),
    databaseOverride: db.url,
  });
  const item = (await createDatasetItems(parsed, connection)).find((i) => i.name === 'about');
  if (!item) throw new Error('no item notes/about');
  return { db, connection, item };
}

const servers = dialectTargets().filter((t) => t.dialect !== 'sqlite');

for (const target of servers) {
  describe(`deadlocked item transactions run again [${target.dialect}]`, () => {
    let db: TestDatabase;
    let connection: SqlConnection;
    let item: Item;
    const retries: unknown[] = [];
    beforeAll(async () => {
      ({ db, connection, item } = await openNotes(target, retries));
    });
    afterAll(async () => {
      await connection?.close();
      await db?.drop();
    });
    beforeEach(async () => {
      retries.length = 0;
      await seed(connection);
    });

    for (const dryRun of [false, true]) {
      it(`erases through a deadlock${dryRun ? ' in a dry run' : ''}, with the right counts and data`, async () => {
        const blocker = await rawConnection(db);
        const watcher = await rawConnection(db);
        try {
          const [idRow] = (await blocker.query(
            target.dialect === 'postgres' ? 'SELECT pg_backend_pid() AS id' : 'SELECT CONNECTION_ID() AS id',
          )) as Array<{ id: unknown }>;
          const blockerId = Number(idRow?.id);
          await blocker.query('BEGIN');
          // Ballast makes the blocker the heavier transaction, so that InnoDB picks the item's as the victim.
          await blocker.query(
            `INSERT INTO ballast (id) SELECT n FROM (${Array.from({ length: 200 }, (_, i) => `SELECT ${i + 1} AS n`).join(' UNION ALL ')}) AS s`,
          );
          await blocker.query('SELECT id FROM notes WHERE id = 2 FOR UPDATE');

          const erased = item.erase!(eraseContext([1], 'delete', dryRun));
          const settled = erased.then(
            () => 'done',
            () => 'failed',
          );
          await until(() => itemIsBlocked(db, watcher, blockerId), 'the item waits for note 2');

          // The item holds note 1 and waits for note 2; asking for note 1 closes the cycle.
          await blocker.query('SELECT id FROM notes WHERE id = 1 FOR UPDATE');
          // The blocker got note 1: the item's transaction was the victim and rolled back. Its retry now waits
          // for the blocker again, and can't finish before the blocker ends.
          await Promise.race([
            until(async () => retries.length > 0, 'the item runs again'),
            erased.then(() => {
              throw new Error('The erase finished without being run again.');
            }),
          ]);
          expect(isDeadlock(retries[0])).toBe(true);
          await sleep(50);
          expect(await Promise.race([settled, sleep(50).then(() => 'waiting')])).toBe('waiting');
          await blocker.query('COMMIT');

          const result = await erased;
          expect(Object.fromEntries(result)).toEqual({ '1': { status: 'success', count: 2 } });
          expect(retries).toHaveLength(1);
          expect(await notes(connection)).toEqual(
            dryRun
              ? [
                  [1, 'first'],
                  [2, 'second'],
                  [3, 'third'],
                ]
              : [[3, 'third']],
          );
        } finally {
          await blocker.query('ROLLBACK').catch(() => undefined);
          await blocker.close();
          await watcher.close();
        }
      });
    }

    it('does not run a transaction again after an error that is not a deadlock', async () => {
      let runs = 0;
      await expect(
        connection.transaction(async (tx) => {
          runs++;
          await tx.execute('INSERT INTO notes (id, author_id, subject_user_id, body) VALUES (1, 2, 1, ?)', [
            'duplicate key',
          ]);
        }),
      ).rejects.toThrow();
      expect(runs).toBe(1);
      expect(retries).toHaveLength(0);
    });
  });
}

describe('SQLite cannot deadlock: a purge waits for another writer, and is not run again', () => {
  let db: TestDatabase;
  let connection: SqlConnection;
  let item: Item;
  const retries: unknown[] = [];
  beforeAll(async () => {
    ({ db, connection, item } = await openNotes({ dialect: 'sqlite' }, retries));
    await seed(connection);
  });
  afterAll(async () => {
    await connection?.close();
    await db?.drop();
  });

  it('erases once the other writer commits', async () => {
    // Another writer, in a thread of its own, holds the write lock for 300 ms.
    const other = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require('better-sqlite3');
       const db = new Database(workerData);
       db.exec('BEGIN IMMEDIATE');
       db.prepare("UPDATE notes SET body = 'edited' WHERE id = 3").run();
       parentPort.postMessage('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       db.exec('COMMIT');
       db.close();`,
      { eval: true, workerData: db.url.slice('sqlite:'.length) },
    );
    try {
      await once(other, 'message');
      const started = Date.now();
      const result = await item.erase!(eraseContext([1], 'delete'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(Object.fromEntries(result)).toEqual({ '1': { status: 'success', count: 2 } });
      expect(await notes(connection)).toEqual([[3, 'edited']]);
      expect(retries).toHaveLength(0);
    } finally {
      await other.terminate();
    }
  });
});
