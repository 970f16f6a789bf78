/**
 * Child process of the export RSS benchmark: exports one subject whose files total the given number of bytes
 * (sparse files, streamed through the package like any other) and prints its peak RSS as JSON.
 * Usage: node --expose-gc dist/bench/export-rss-child.js <total bytes> <file count>
 */
import {
  closeSync,
  createReadStream,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeExportPackage } from '../src/engine/exports/index.js';
import type { ExportFile, ExportRecord, Item, SubjectRef } from '../src/items/index.js';

function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  if (match?.[1]) return Number(match[1]) / 1024;
  return process.memoryUsage().rss / (1024 * 1024);
}

async function main(): Promise<void> {
  const totalBytes = Number(process.argv[2]);
  const fileCount = Math.max(1, Number(process.argv[3] ?? 8));
  if (!Number.isFinite(totalBytes) || totalBytes <= 0)
    throw new Error('usage: export-rss-child <bytes> [files]');
  const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-export-'));
  try {
    const sourceDir = join(dir, 'source');
    const files: Array<{ name: string; path: string; size: number }> = [];
    mkdirSync(sourceDir);
    const each = Math.floor(totalBytes / fileCount);
    for (let i = 0; i < fileCount; i++) {
      const size = i === fileCount - 1 ? totalBytes - each * (fileCount - 1) : each;
      // Half the files are of a kind stored as is, half are deflated.
      const name = i % 2 === 0 ? `recording-${i + 1}.mp4` : `archive-${i + 1}.dat`;
      const path = join(sourceDir, name);
      const fd = openSync(path, 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
      files.push({ name, path, size });
    }
    const subject: SubjectRef = {
      id: 'bench',
      username: 'bench',
      email: 'bench@example.test',
      fullName: 'Bench Subject',
      kind: 'learner',
      status: 'active',
    };
    const item: Item = {
      component: 'files',
      name: 'private',
      group: 'Files',
      title: 'Private files',
      help: '',
      sortOrder: 0,
      modes: {},
      export: {
        records: async function* (): AsyncGenerator<ExportRecord> {
          for (const f of files) yield { name: f.name, size: f.size };
        },
        files: async function* (): AsyncGenerator<ExportFile> {
          for (const f of files) yield { name: f.name, size: f.size, open: () => createReadStream(f.path) };
        },
      },
    };
    const started = Date.now();
    const result = await writeExportPackage({
      subject,
      exportType: { idnumber: 'bench', name: 'Bench', includeFiles: true },
      items: [item],
      ctxBase: { anonymousUser: subject, timeLimitMs: 600_000 },
      outDir: join(dir, 'out'),
    });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${JSON.stringify({ peakRssMb: peakRssMb(), seconds, packageBytes: result.size, fileBytes: totalBytes })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
