import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { SqlDialectName } from '../../../src/connectors/sql/index.js';

/** A fresh, empty database (a SQLite file, a PostgreSQL schema or a MySQL database) and how to reach it. */
export interface TestDatabase {
  dialect: SqlDialectName;
  url: string;
  /** Runs one administrative statement (DDL) on it. */
  exec(sql: string): Promise<void>;
  /** Drops it. */
  drop(): Promise<void>;
}

export interface DialectTarget {
  dialect: SqlDialectName;
  /** The server URL (PostgreSQL and MySQL). */
  server?: string;
}

/**
 * SQLite always; PostgreSQL when LETHE_TEST_PG is set and MySQL/MariaDB when LETHE_TEST_MYSQL is set. A variable
 * that is set must point at a reachable server: then the tests fail rather than skip.
 */
export function dialectTargets(): DialectTarget[] {
  const targets: DialectTarget[] = [{ dialect: 'sqlite' }];
  const pgUrl = process.env['LETHE_TEST_PG'];
  if (pgUrl) targets.push({ dialect: 'postgres', server: pgUrl });
  const myUrl = process.env['LETHE_TEST_MYSQL'];
  if (myUrl) targets.push({ dialect: 'mysql', server: myUrl });
  return targets;
}

function uniqueName(): string {
  return `lethe_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function createTestDatabase(target: DialectTarget): Promise<TestDatabase> {
  if (target.dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-host-'));
    const file = join(dir, 'host.db');
    const db = new SqliteDatabase(file);
    db.pragma('foreign_keys = ON');
    return {
      dialect: 'sqlite',
      url: `sqlite:${file}`,
      exec: async (sql) => {
        db.exec(sql);
      },
      drop: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server = target.server ?? '';
  const name = uniqueName();
  if (target.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(`CREATE SCHEMA ${name}`);
    await client.query(`SET search_path = ${name}`);
    const url = new URL(server);
    url.searchParams.set('schema', name);
    return {
      dialect: 'postgres',
      url: url.toString(),
      exec: async (sql) => {
        await client.query(sql);
      },
      drop: async () => {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
        await client.end();
      },
    };
  }
  const admin = await mysql.createConnection({ uri: server });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`USE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    dialect: 'mysql',
    url: url.toString(),
    exec: async (sql) => {
      await admin.query(sql);
    },
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
