import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './bench-figure.js';
import { measured } from './bench-stats.js';

interface ChildReport {
  peakRssMb: number;
  seconds: number;
  packageBytes: number;
  fileBytes: number;
}

const MB = 1024 * 1024;

/** Runs one export in a fresh `node --expose-gc` process (the built child script) and reads its peak RSS. */
function runChild(totalBytes: number, fileCount: number): Promise<ChildReport> {
  const child = fileURLToPath(new URL('./export-rss-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', child, String(totalBytes), String(fileCount)],
      { timeout: 120_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`export benchmark child failed: ${error.message}\n${stderr}`));
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolve(JSON.parse(last) as ChildReport);
        } catch {
          reject(new Error(`export benchmark child printed no result: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/**
 * The peak RSS of an export whose files total 1 GB, and of one of 10 MB, each run in its own process, `runs` times
 * (3 by default). The target (issue 3) is under 150 MB for both: the package is streamed, so memory must not
 * follow the size of the data.
 */
export async function benchExportRss(options: { runs?: number } = {}): Promise<BenchFigure[]> {
  const runs = options.runs ?? 3;
  const small: ChildReport[] = [];
  const large: ChildReport[] = [];
  for (let i = 0; i < runs; i++) {
    small.push(await runChild(10 * MB, 4));
    large.push(await runChild(1024 * MB, 8));
  }
  const target = { op: '<' as const, value: 150, source: 'issue 3' };
  return [
    measured(
      'export peak RSS, files 10 MB',
      'MB',
      small.map((r) => r.peakRssMb),
      { digits: 1, target },
    ),
    measured(
      'export peak RSS, files 1 GB',
      'MB',
      large.map((r) => r.peakRssMb),
      { digits: 1, target },
    ),
    measured(
      'export time, files 1 GB',
      's',
      large.map((r) => r.seconds),
      { digits: 1 },
    ),
  ];
}
