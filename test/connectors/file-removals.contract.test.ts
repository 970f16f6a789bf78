import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FileRemovals, removalsDir } from '../../src/items/index.js';
import { eraseContext } from './support/contract-context.js';
import { dialectTargets } from './support/test-databases.js';
import { useContract } from './support/use-contract.js';

/**
 * A dataset item that deletes rows naming files removes the files once the deletion is committed. A worker killed
 * between the two (the killed-workers fault test found it, with pictures left on disk) leaves its record of them;
 * the next run of the item removes them, though it has no row left to delete.
 */
for (const target of dialectTargets()) {
  describe(`SQL connector: files removed after their rows, even after a killed run [${target.dialect}]`, () => {
    const c = useContract(target, { files: true });
    /** The item's own records: named after its key, files/private (see dataset-item.ts). */
    const owner = 'files_private';
    const onDisk = (path: string) => existsSync(join(c.filesRoot, path));
    const records = () =>
      existsSync(removalsDir(c.filesRoot))
        ? readdirSync(removalsDir(c.filesRoot)).filter((n) => n.startsWith(`${owner}.`))
        : [];

    beforeEach(async () => {
      rmSync(removalsDir(c.filesRoot), { recursive: true, force: true });
    });

    it('removes the files a killed run deleted the rows of, and keeps those whose deletion rolled back', async () => {
      // Killed after its commit: user 1's cv.txt row is gone, the file and the record are not.
      await c.connection.execute('DELETE FROM user_files WHERE id = ?', [1]);
      new FileRemovals(c.filesRoot, owner).record(['u1/cv.txt']);
      // Killed before its commit: user 2's photo.txt row is still there.
      new FileRemovals(c.filesRoot, owner).record(['u2/photo.txt']);

      // The next run, for user 1 (whose other row still has to go).
      const result = await c.item('files/private').erase!(eraseContext([1], 'delete'));
      expect(result.get('1')).toMatchObject({ status: 'success', count: 1 });
      expect(onDisk('u1/cv.txt')).toBe(false);
      expect(onDisk('u2/photo.txt')).toBe(true);
      expect(records()).toHaveLength(1);

      // Once user 2's rows are deleted, the record left for photo.txt goes as well.
      await c.item('files/private').erase!(eraseContext([2], 'delete'));
      expect(onDisk('u2/photo.txt')).toBe(false);
      expect(records()).toEqual([]);
    });

    it('keeps a file that another row still names', async () => {
      await c.connection.execute('INSERT INTO user_files (id, user_id, path) VALUES (?, ?, ?)', [
        4,
        2,
        'u1/cv.txt',
      ]);
      await c.item('files/private').erase!(eraseContext([1], 'delete'));
      expect(onDisk('u1/cv.txt')).toBe(true);
      await c.item('files/private').erase!(eraseContext([2], 'delete'));
      expect(onDisk('u1/cv.txt')).toBe(false);
      expect(records()).toEqual([]);
    });
  });
}
