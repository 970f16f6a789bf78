import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRemovals, removalsDir } from './file-removals.js';

describe('FileRemovals', () => {
  let root: string;
  /** The stored paths that rows still name, as the database would say. */
  let rows: Set<string>;
  const inUse = (path: string) => rows.has(path);
  const remove = (path: string) => rmSync(join(root, path), { force: true });
  const onDisk = (path: string) => existsSync(join(root, path));
  const records = () => (existsSync(removalsDir(root)) ? readdirSync(removalsDir(root)) : []);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lethe-removals-'));
    mkdirSync(join(root, 'a'));
    for (const path of ['a/one', 'a/two', 'a/three']) writeFileSync(join(root, path), path);
    rows = new Set(['a/one', 'a/two', 'a/three']);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes the recorded files after the commit, except those a row still names, and its record', async () => {
    const removals = new FileRemovals(root, 'files_private');
    removals.record(['a/one', 'a/two', 'a/one']);
    expect(records()).toHaveLength(1);
    rows.delete('a/one'); // committed; a/two is still named by another row
    await removals.complete(inUse, remove);
    expect([onDisk('a/one'), onDisk('a/two'), onDisk('a/three')]).toEqual([false, true, true]);
    expect(records()).toEqual([]);
  });

  it('keeps the files of a rolled-back deletion, and drops its record', () => {
    const removals = new FileRemovals(root, 'files_private');
    removals.record(['a/one']);
    removals.discard();
    expect(onDisk('a/one')).toBe(true);
    expect(records()).toEqual([]);
  });

  it('settles what killed runs left: removes what no row names, keeps the rest and its record', async () => {
    // Killed after its commit: its rows are gone, its files are not.
    new FileRemovals(root, 'files_private').record(['a/one', 'a/two']);
    rows.delete('a/one');
    rows.delete('a/two');
    // Killed before its commit (or still running): its rows are still there.
    new FileRemovals(root, 'files_private').record(['a/three']);
    // Another item's record is not this item's to settle.
    new FileRemovals(root, 'files_picture').record(['a/one']);
    expect(records()).toHaveLength(3);

    await FileRemovals.settle(root, 'files_private', inUse, remove);
    expect([onDisk('a/one'), onDisk('a/two'), onDisk('a/three')]).toEqual([false, false, true]);
    expect(records().filter((n) => n.startsWith('files_private.'))).toHaveLength(1);
    expect(records().filter((n) => n.startsWith('files_picture.'))).toHaveLength(1);

    // Once a later run deleted its rows, the record still left goes too.
    rows.delete('a/three');
    await FileRemovals.settle(root, 'files_private', inUse, remove);
    expect(onDisk('a/three')).toBe(false);
    expect(records().filter((n) => n.startsWith('files_private.'))).toEqual([]);
  });

  it('writes nothing when there is nothing to remove, and settles an empty root', async () => {
    const removals = new FileRemovals(root, 'files_private');
    removals.record([]);
    await removals.complete(inUse, remove);
    await FileRemovals.settle(root, 'files_private', inUse, remove);
    expect(existsSync(removalsDir(root))).toBe(false);
  });

  it('clears a partial record left by a writer that died mid-write, and keeps one still being written', async () => {
    const dir = removalsDir(root);
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const partial = (pid: number, host: string) => `files_private.1.ab.json.${pid}@${host}.tmp`;
    // Killed between creating the record and writing it: empty, of a process that has exited.
    writeFileSync(join(dir, partial(dead, hostname())), '');
    // Still being written by a live process on this host.
    writeFileSync(join(dir, partial(process.pid, hostname())), '["a/one"]');
    // Written on another host sharing the folder: kept for a day, then cleared.
    writeFileSync(join(dir, partial(7, 'other-host.example')), '');
    const old = Date.now() / 1000 - 2 * 24 * 3600;
    writeFileSync(join(dir, partial(8, 'other-host.example')), '');
    utimesSync(join(dir, partial(8, 'other-host.example')), old, old);

    await FileRemovals.settle(root, 'files_private', inUse, remove);
    expect(records().sort()).toEqual(
      [partial(process.pid, hostname()), partial(7, 'other-host.example')].sort(),
    );
    expect([onDisk('a/one'), onDisk('a/two'), onDisk('a/three')]).toEqual([true, true, true]);
  });

  it('leaves only the complete record behind while waiting for its commit', () => {
    new FileRemovals(root, 'files_private').record(['a/one']);
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatch(/^files_private\.\d+\.[0-9a-f]{8}\.json$/);
  });
});
