import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRemovals, type Item, itemKey, type SubjectRef } from '../../../src/items/index.js';
import { anonymousRef, eraseContext, subjectRefs } from '../campus-test-support.js';
import { generateCampus } from '../generate.js';
import { closeItems, createItems } from './index.js';

/**
 * The code items' files on disk go once their rows are deleted for good, even when the run that deleted the rows
 * was killed before it removed them (as the SQL connector's do; see src/items/file-removals.ts).
 */
describe('campus files items: contents on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lethe-campus-files-'));
  const database = join(dir, 'campus.db');
  const filesDir = join(dir, 'campus-files');
  let item: Item;
  let withFiles: SubjectRef[];
  let anonymous: SubjectRef;

  /** The storage paths of a subject's private files. */
  function pathsOf(subject: SubjectRef): string[] {
    const db = new Database(database, { readonly: true });
    try {
      return (
        db
          .prepare("SELECT DISTINCT storage_path FROM files WHERE user_id = ? AND area = 'private'")
          .all(Number(subject.id)) as Array<{ storage_path: string }>
      ).map((r) => r.storage_path);
    } finally {
      db.close();
    }
  }
  const onDisk = (path: string) => existsSync(join(filesDir, path));

  beforeAll(async () => {
    await generateCampus(database, { users: 30, seed: 5, filesDir });
    const items = createItems({ database: `sqlite:${database}`, filesDir });
    const found = items.find((i) => itemKey(i) === 'files/private');
    if (!found) throw new Error('no files/private item');
    item = found;
    withFiles = subjectRefs(database)
      .map((s) => ({ ...s, status: 'deleted' as const }))
      .filter((s) => pathsOf(s).length > 0);
    anonymous = anonymousRef(database);
  });
  afterAll(() => {
    closeItems();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps them on a dry run and removes them with their rows', async () => {
    const subject = withFiles.at(-1);
    if (!subject) throw new Error('nobody has private files');
    const paths = pathsOf(subject);
    await item.erase?.(eraseContext([subject], anonymous, 'delete', true));
    expect(paths.map(onDisk)).toEqual(paths.map(() => true));
    await item.erase?.(eraseContext([subject], anonymous, 'delete', false));
    expect(pathsOf(subject)).toEqual([]);
    expect(paths.map(onDisk)).toEqual(paths.map(() => false));
  });

  it('removes the files of rows a killed run deleted, at the next run', async () => {
    const [killed, next] = withFiles;
    if (!killed || !next) throw new Error('too few people with private files');
    const paths = pathsOf(killed);
    // The killed run: its deletion committed, its record written, its files not yet removed.
    const db = new Database(database);
    try {
      db.prepare("DELETE FROM files WHERE user_id = ? AND area = 'private'").run(Number(killed.id));
    } finally {
      db.close();
    }
    new FileRemovals(filesDir, 'files_private').record(paths);
    expect(paths.map(onDisk)).toEqual(paths.map(() => true));

    await item.erase?.(eraseContext([next], anonymous, 'delete', false));
    expect(paths.map(onDisk)).toEqual(paths.map(() => false));
  });
});
