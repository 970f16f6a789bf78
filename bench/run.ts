// `npm run bench`: builds, then runs every benchmark, prints its figures, and writes bench/RESULTS.md (the commit,
// the date, the machine, and one table per benchmark with each figure's median, spread, runs and target).
// PostgreSQL figures need LETHE_TEST_PG (for example postgres://postgres@127.0.0.1:5432/postgres); without it they
// are skipped, and RESULTS.md says so.
// Words after `--` run only the benchmarks whose titles contain one of them (`npm run bench -- purge`). Such a
// partial run prints its figures but leaves bench/RESULTS.md alone: that file always holds a complete run.
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchAnonymiseSupport } from './anonymise-support.js';
import type { BenchFigure } from './bench-figure.js';
import { benchDatasetErase } from './dataset-erase.js';
import { benchExportRss } from './export-rss.js';
import { benchLoad } from './load.js';
import { describeMachine } from './machine.js';
import { benchPurgeBatch } from './purge-batch.js';
import { figureLine, formatDuration, type ReportSection, renderResults } from './results-report.js';
import { benchSubjectImport } from './subjects-import.js';
import { benchWorkerScaling } from './worker-scaling.js';

interface Bench {
  title: string;
  run: () => Promise<BenchFigure | BenchFigure[]>;
  /** Runs only with a PostgreSQL server (LETHE_TEST_PG). */
  postgresOnly?: boolean;
}

const benches: Bench[] = [
  { title: 'subject import', run: () => benchSubjectImport() },
  {
    title: 'automatic purge of 2,000 deleted campus subjects vs the raw-SQL floor (issue 3)',
    run: () => benchPurgeBatch(),
  },
  { title: 'export memory (issue 3)', run: () => benchExportRss() },
  {
    title: 'dataset erase vs the raw-SQL floor, and dataset export memory (issue 5)',
    run: () => benchDatasetErase(),
  },
  {
    title: 'anonymise one support user among 1,000,000 emails vs the raw-SQL floor (issue 4)',
    run: () => benchAnonymiseSupport(),
  },
  { title: 'load latencies: the console and API under load (issue 8)', run: () => benchLoad() },
  {
    title: 'automatic purges per second with 1, 2 and 4 worker processes on PostgreSQL (issue 8)',
    run: () => benchWorkerScaling(),
    postgresOnly: true,
  },
];

/** The limit on the whole run. */
const totalLimitSeconds = 15 * 60;

/** The repository: the nearest folder above this file with a package.json (from bench/ or dist/bench/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench/run: no package.json above this file');
    dir = up;
  }
  return dir;
}

const startedAt = new Date();
const started = performance.now();
const only = process.argv.slice(2);
const pgUrl = process.env['LETHE_TEST_PG'];
// Taken first, so that the commit is the one measured; a full run only.
const machine = only.length === 0 ? await describeMachine(repoRoot(), startedAt, pgUrl) : undefined;
const loadAtStart = loadavg();
const sections: ReportSection[] = [];
let failed = false;
for (const bench of benches) {
  if (only.length > 0 && !only.some((word) => bench.title.includes(word))) continue;
  process.stdout.write(`\n== ${bench.title}\n`);
  const t0 = performance.now();
  const section: ReportSection = { title: bench.title, figures: [], seconds: 0 };
  if (bench.postgresOnly && !pgUrl) {
    section.skipped = 'needs a PostgreSQL server: set LETHE_TEST_PG';
    process.stdout.write(`skipped: ${section.skipped}\n`);
  } else {
    try {
      section.figures = [await bench.run()].flat();
      for (const f of section.figures) process.stdout.write(`${figureLine(f)}\n`);
    } catch (error) {
      failed = true;
      section.error = error instanceof Error ? error.message : String(error);
      process.stdout.write(`failed: ${section.error}\n`);
      if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    }
  }
  section.seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`(${formatDuration(section.seconds)})\n`);
  sections.push(section);
}
const totalSeconds = (performance.now() - started) / 1000;
if (!pgUrl) process.stdout.write('\n(PostgreSQL figures skipped: set LETHE_TEST_PG)\n');
process.stdout.write(`\nTotal: ${formatDuration(totalSeconds)}\n`);
if (machine) {
  const load = (l: number[]) => l.map((n) => n.toFixed(1)).join(', ');
  machine.load = `${load(loadAtStart)} at the start; ${load(loadavg())} at the end (1, 5 and 15 minutes)`;
  const file = join(repoRoot(), 'bench', 'RESULTS.md');
  writeFileSync(file, renderResults({ machine, sections, totalSeconds, totalLimitSeconds }));
  process.stdout.write(`Wrote ${file}\n`);
} else {
  process.stdout.write('(a partial run: bench/RESULTS.md is written by a full run only)\n');
}
process.exitCode = failed ? 1 : 0;
