import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { ExportRecord, Item, SubjectRef } from '../../items/index.js';
import { writeExportPackage } from './index.js';

const subject: SubjectRef = {
  id: 's1',
  username: 's1',
  email: 's1@example.test',
  fullName: 'S One',
  kind: 'learner',
  status: 'active',
};

/** Runs `work` while sampling the process's RSS; gives back how far the peak rose above the start, in MB. */
async function peakRssGrowthMb(work: () => Promise<void>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - start) / (1024 * 1024);
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Each entry's name, size and SHA-256, streaming, nothing kept; and the manifest parsed. */
function summarise(path: string): Promise<{ sizes: Map<string, [number, string]>; manifest: unknown }> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const sizes = new Map<string, [number, string]>();
      let manifest: unknown;
      zip.on('error', reject);
      zip.on('end', () => resolve({ sizes, manifest }));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const hash = createHash('sha256');
          const keep: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            size += chunk.length;
            if (entry.fileName === 'manifest.json') keep.push(chunk);
          });
          stream.on('end', () => {
            sizes.set(entry.fileName, [size, hash.digest('hex')]);
            if (entry.fileName === 'manifest.json')
              manifest = JSON.parse(Buffer.concat(keep).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function item(spec: Partial<Item> & Pick<Item, 'component' | 'name' | 'export'>): Item {
  return { group: 'G', title: spec.name, help: '', sortOrder: 0, modes: {}, ...spec };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lethe-export-mem-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('export package memory', () => {
  it('stays flat while exporting 200,000 records', async () => {
    const total = 200_000;
    const records = async function* (): AsyncGenerator<ExportRecord> {
      for (let i = 0; i < total; i++) {
        yield {
          id: i,
          title: `Post number ${i}`,
          body: 'Lorem ipsum dolor sit amet, consectetur.',
          ok: i % 2 === 0,
        };
      }
    };
    let path = '';
    const growth = await peakRssGrowthMb(async () => {
      const result = await writeExportPackage({
        subject,
        exportType: { idnumber: 't', name: 'T', includeFiles: false },
        items: [item({ component: 'forum', name: 'posts', export: { records } })],
        ctxBase: { anonymousUser: subject, timeLimitMs: 120_000 },
        outDir: join(dir, 'out'),
      });
      path = result.path;
      expect(result.results.get('forum/posts')).toEqual({ status: 'success', count: total });
    });
    expect(growth, `peak RSS growth ${growth.toFixed(1)} MB`).toBeLessThan(100);
    const { sizes, manifest } = await summarise(path);
    expect((manifest as { items: Array<{ count: number }> }).items[0]?.count).toBe(total);
    expect(sizes.get('data.json')?.[0]).toBeGreaterThan(total * 80);
    expect(sizes.get('csv/forum-posts.csv')?.[0]).toBeGreaterThan(total * 60);
  });

  it('streams a 50 MB file into the package', async () => {
    const source = join(dir, 'video.bin');
    const block = randomBytes(1024 * 1024);
    writeFileSync(source, Buffer.alloc(0));
    for (let i = 0; i < 50; i++) writeFileSync(source, block, { flag: 'a' });
    const expected = await sha256File(source);
    let path = '';
    const growth = await peakRssGrowthMb(async () => {
      const result = await writeExportPackage({
        subject,
        exportType: { idnumber: 't', name: 'T', includeFiles: true },
        items: [
          item({
            component: 'files',
            name: 'private',
            export: {
              records: async function* () {
                yield { name: 'video.bin' };
              },
              files: async function* () {
                yield { name: 'video.bin', size: 50 * 1024 * 1024, open: () => createReadStream(source) };
              },
            },
          }),
        ],
        ctxBase: { anonymousUser: subject, timeLimitMs: 120_000 },
        outDir: join(dir, 'out'),
      });
      path = result.path;
    });
    expect(growth, `peak RSS growth ${growth.toFixed(1)} MB`).toBeLessThan(100);
    const { sizes, manifest } = await summarise(path);
    expect(sizes.get('files/files-private/video.bin')).toEqual([50 * 1024 * 1024, expected]);
    const listed = (manifest as { files: Array<{ path: string; sha256: string }> }).files.find(
      (f) => f.path === 'files/files-private/video.bin',
    );
    expect(listed?.sha256).toBe(expected);
  });
});
