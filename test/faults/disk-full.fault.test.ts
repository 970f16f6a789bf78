import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it, type TestContext } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { getRequest, requestExport } from '../../src/engine/requests/index.js';
import { registerSubject } from '../../src/engine/subjects/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import type { Item } from '../../src/items/index.js';
import type { Store } from '../../src/store/index.js';
import { testEngine } from '../support/engine.js';
import { describeEachStore } from '../support/stores.js';

/**
 * Issue 8, "disk full": export packages go to a small file system (a 2 MB tmpfs) that fills up. The export fails
 * with LETHE_E_DISK_FULL in its report, leaves nothing of its package behind, and the next export succeeds once
 * there is room. Mounting needs root (as CI runs): without it the test fails under CI=true, and is skipped, saying
 * why, elsewhere.
 */
const kb = 1024;
const bigRecords = 600; // 600 records of 1000 characters: ~600 KB staged, more than the room left
const fileBytes = 200 * kb; // incompressible: staged, then as much again in the ZIP
const room = 300 * kb;

let mountPoint: string | undefined;
let mountProblem: string | undefined;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'lethe-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    mountPoint = dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    mountProblem = `cannot mount a 2 MB tmpfs to fill up (this needs root; uid ${process.getuid?.()}): ${stderr || String(error)}`;
  }
});

afterAll(() => {
  if (!mountPoint) return;
  execFileSync('umount', [mountPoint], { stdio: 'pipe' });
  rmSync(mountPoint, { recursive: true, force: true });
});

/** The mounted folder; under CI a missing mount fails the test, elsewhere it skips it with the reason. */
function smallDisk(context: TestContext): string {
  if (mountPoint) return mountPoint;
  if (process.env['CI'] === 'true') throw new Error(`The disk-full test ${mountProblem}`);
  console.warn(`Skipped: the disk-full test ${mountProblem}`);
  context.skip(`${mountProblem}`);
  throw new Error('unreachable');
}

function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

function diskItems(file: Buffer): Item[] {
  const item = (name: string, sortOrder: number, extra: Partial<Item>): Item => ({
    component: 'disk',
    name,
    group: 'Disk',
    title: name,
    help: '',
    sortOrder,
    modes: {},
    ...extra,
  });
  return [
    item('notes', 0, {
      export: {
        async *records() {
          yield { note: 'first' };
          yield { note: 'second' };
        },
      },
    }),
    item('big', 1, {
      export: {
        async *records() {
          for (let i = 0; i < bigRecords; i++) yield { i, text: randomBytes(500).toString('hex') };
        },
      },
    }),
    item('files', 2, {
      export: {
        async *records() {
          yield { file: 'scan.bin' };
        },
        async *files() {
          yield { name: 'scan.bin', size: file.length, open: () => Readable.from([file]) };
        },
      },
    }),
  ];
}

describeEachStore('an export to a disk that fills up', ({ store, target }) => {
  let filesDir: string | undefined;
  afterAll(() => {
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  it('fails with LETHE_E_DISK_FULL and leaves nothing behind; the next export succeeds once there is room', async (context) => {
    const disk = smallDisk(context);
    filesDir = join(disk, `files-${target.dialect}`);
    mkdirSync(filesDir);
    const filler = join(disk, `filler-${target.dialect}`);
    const base = testEngine(store() as Store, diskItems(randomBytes(fileBytes)), {
      worker: { itemTimeLimitMs: 20_000 },
    });
    const engine: Engine = { ...base, config: { ...base.config, filesDir } };
    await registerSubject(engine, 'cli', {
      id: 'ann',
      username: 'ann',
      email: 'ann@example.org',
      fullName: 'Ann',
    });
    const exportOf = async (items: string[]) => {
      const queued = await requestExport(engine, 'cli', { subjectId: 'ann', origin: 'admin', items });
      await runWorker(engine, { once: true, jobs: 'none', onExportReady: async () => undefined });
      return getRequest(engine, queued.id);
    };

    // Fill the disk up to `room`: less than the big item stages, and less than the file takes twice.
    const before = freeBytes(disk);
    writeFileSync(filler, Buffer.alloc(before - room));
    expect(freeBytes(disk)).toBeLessThanOrEqual(room + 8 * kb);
    const roomLeft = freeBytes(disk);

    // The disk fills up while an item is staged.
    const staging = await exportOf(['disk/notes', 'disk/big']);
    expect(staging).toMatchObject({ status: 'failed', attempts: 1, package: { path: null } });
    expect(staging.error).toMatch(/^LETHE_E_DISK_FULL: The disk for export packages is full/);
    expect(staging.items.map((i) => [i.itemKey, i.status])).toEqual([['disk/notes', 'success']]);
    expect(readdirSync(filesDir)).toEqual([]);
    expect(freeBytes(disk)).toBe(roomLeft);

    // Every item fits when staged, but the disk fills up while the ZIP is written.
    const zipping = await exportOf(['disk/notes', 'disk/files']);
    expect(zipping).toMatchObject({ status: 'failed', attempts: 1, package: { path: null } });
    expect(zipping.error).toMatch(/^LETHE_E_DISK_FULL: The disk for export packages is full/);
    expect(zipping.items.map((i) => [i.itemKey, i.status])).toEqual([
      ['disk/notes', 'success'],
      ['disk/files', 'success'],
    ]);
    expect(readdirSync(filesDir)).toEqual([]);
    expect(freeBytes(disk)).toBe(roomLeft);

    // Room again: the next export of everything succeeds.
    rmSync(filler);
    const done = await exportOf(['disk/notes', 'disk/big', 'disk/files']);
    expect(done).toMatchObject({ status: 'succeeded', error: null });
    expect(done.items.map((i) => i.status)).toEqual(['success', 'success', 'success']);
    const path = done.package?.path ?? '';
    expect(readdirSync(filesDir)).toEqual([path.split('/').pop()]);
    expect(statSync(path).size).toBe(done.package?.size);
  });
});
