import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatasetItems,
  type Dataset,
  openConnection,
  parseDataset,
  type SqlConnection,
} from '../../../src/connectors/sql/index.js';
import type {
  BatchContext,
  EraseContext,
  EraseMode,
  Item,
  SubjectContext,
  SubjectRef,
} from '../../../src/items/index.js';
import { testTempDir } from '../../support/temp-root.js';
import { anonymousId, fixtureDataset, fixtureDdl } from './fixture.js';
import { fixtureSubject } from './fixture-data.js';
import { createTestDatabase, type DialectTarget, type TestDatabase } from './test-databases.js';

export const testHashKey = 'contract-suite-hash-key-0123456789';

export interface ContractContext {
  db: TestDatabase;
  connection: SqlConnection;
  dataset: Dataset;
  items: Item[];
  /** The folder that path files are relative to. */
  filesRoot: string;
  item(key: string): Item;
  close(): Promise<void>;
}

/** A fresh database with the fixture schema, its dataset loaded, and its items built. */
export async function openContract(
  target: DialectTarget,
  yaml: string = fixtureDataset,
): Promise<ContractContext> {
  const db = await createTestDatabase(target);
  for (const ddl of fixtureDdl(target.dialect)) await db.exec(ddl);
  const filesRoot = testTempDir('lethe-files-');
  const connection = await openConnection(db.url);
  const dataset = parseDataset(yaml, {
    file: 'fixture.yaml',
    baseDir: filesRoot,
    databaseOverride: db.url,
    hashKey: testHashKey,
  });
  const items = await createDatasetItems(dataset, connection);
  return {
    db,
    connection,
    dataset,
    items,
    filesRoot,
    item(key) {
      const found = items.find((i) => `${i.component}/${i.name}` === key);
      if (!found) throw new Error(`no item ${key}`);
      return found;
    },
    async close() {
      await connection.close();
      await db.drop();
    },
  };
}

export function writeFixtureFiles(root: string): void {
  mkdirSync(join(root, 'u1'), { recursive: true });
  mkdirSync(join(root, 'u2'), { recursive: true });
  writeFileSync(join(root, 'u1', 'cv.txt'), 'curriculum vitae');
  writeFileSync(join(root, 'u2', 'photo.txt'), 'a photo');
}

function runContext() {
  return {
    anonymousUser: fixtureSubject(anonymousId),
    signal: new AbortController().signal,
    timeLimitMs: 60_000,
    deadline: Date.now() + 60_000,
  };
}

export function batch(ids: readonly number[]): BatchContext {
  return { ...runContext(), subjects: ids.map(fixtureSubject) };
}

export function eraseContext(ids: readonly number[], mode: EraseMode, dryRun = false): EraseContext {
  return { ...batch(ids), mode, dryRun };
}

export function subjectContext(id: number): SubjectContext {
  return { ...runContext(), subject: fixtureSubject(id) };
}

/** Erases in every item that supports the mode, in sort order (children first), as a purge would. */
export async function purge(items: readonly Item[], ids: readonly number[], mode: EraseMode, dryRun = false) {
  const results = new Map<string, Map<string, unknown>>();
  for (const item of [...items].sort((a, b) => a.sortOrder - b.sortOrder)) {
    if (!item.erase || !item.modes[mode]) continue;
    const result = await item.erase(eraseContext(ids, mode, dryRun));
    results.set(`${item.component}/${item.name}`, new Map(result));
  }
  return results;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

export type { SubjectRef };
