// `npm run bench`: builds, then runs every benchmark and prints its figures. PostgreSQL figures need LETHE_TEST_PG
// (for example postgres://postgres@127.0.0.1:5432/postgres); without it they are skipped and say so.
import { benchAnonymiseSupport } from './anonymise-support.js';
import type { BenchFigure } from './bench-figure.js';
import { benchDatasetErase } from './dataset-erase.js';
import { benchExportRss } from './export-rss.js';
import { benchPurgeBatch } from './purge-batch.js';
import { benchSubjectImport } from './subjects-import.js';

const benches: Array<[string, () => Promise<BenchFigure | BenchFigure[]>]> = [
  ['subject import', () => benchSubjectImport()],
  ['automatic purge of 2,000 deleted campus subjects (issue 3)', () => benchPurgeBatch()],
  ['export memory (issue 3)', () => benchExportRss()],
  ['dataset erase and export memory (issue 5)', () => benchDatasetErase()],
  ['anonymise one support user among 1,000,000 emails (issue 4)', () => benchAnonymiseSupport()],
];

const only = process.argv.slice(2);
let failed = false;
for (const [title, run] of benches) {
  if (only.length > 0 && !only.some((word) => title.includes(word))) continue;
  process.stdout.write(`\n== ${title}\n`);
  try {
    const figures = [await run()].flat();
    for (const f of figures) {
      const value = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(2);
      process.stdout.write(`${f.name.padEnd(60)} ${value.padStart(12)} ${f.unit}\n`);
    }
  } catch (error) {
    failed = true;
    process.stdout.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
if (!process.env['LETHE_TEST_PG'])
  process.stdout.write('\n(PostgreSQL figures skipped: set LETHE_TEST_PG)\n');
process.exitCode = failed ? 1 : 0;
