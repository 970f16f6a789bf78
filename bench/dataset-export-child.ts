/**
 * Child process of the dataset benchmark: exports one subject's rows through a dataset item, streaming, and prints
 * its peak RSS (VmHWM) as JSON. The database is prepared by the parent, so that only the export is measured.
 * Usage: node dist/bench/dataset-export-child.js <database URL>
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createDatasetItems, openConnection, parseDataset } from '../src/connectors/sql/index.js';

/** The dataset of the export benchmark: one table of events, each owned by a user. */
export const exportBenchDataset = `subjects:
  table: bench_users
  id: id
  email: email
components:
  activity:
    items:
      events:
        table: bench_events
        via: user_id
`;

function peakRssMb(): number {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] ? Number(match[1]) / 1024 : process.memoryUsage().rss / (1024 * 1024);
}

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: dataset-export-child <database URL>');
  const dataset = parseDataset(exportBenchDataset, {
    file: 'bench.yaml',
    baseDir: tmpdir(),
    databaseOverride: url,
  });
  const connection = await openConnection(url);
  try {
    const [item] = await createDatasetItems(dataset, connection);
    if (!item?.export) throw new Error('the benchmark item cannot export');
    const subject = {
      id: '1',
      username: 'u1',
      email: 'u1@bench.test',
      fullName: 'U 1',
      kind: 'learner',
      status: 'deleted',
    } as const;
    const started = performance.now();
    let rows = 0;
    let bytes = 0;
    for await (const record of item.export.records({
      subject,
      anonymousUser: subject,
      signal: new AbortController().signal,
      timeLimitMs: 600_000,
      deadline: Date.now() + 600_000,
    })) {
      rows++;
      bytes += JSON.stringify(record).length;
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ peakRssMb: peakRssMb(), rows, bytes, seconds })}\n`);
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
