import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { type Config, configSchema } from '../src/config/index.js';
import { openEngine } from '../src/engine/open-engine.js';
import { importSubjects } from '../src/engine/subjects/index.js';
import type { BenchFigure } from './bench-figure.js';
import { measured } from './bench-stats.js';
import { figureLine } from './results-report.js';

export interface BenchSubjectImportOptions {
  /** How many subjects to import (default 50,000). */
  subjects?: number;
  /** The store to import into; a fresh SQLite file in a temp folder by default. */
  store?: string;
  /** Runs (each into a fresh store); 3 by default. */
  runs?: number;
}

function* jsonl(n: number): Generator<string> {
  for (let i = 0; i < n; i++) {
    yield JSON.stringify({
      id: `bench-${i}`,
      username: `user${i}`,
      email: `user${i}@bench.example`,
      fullName: `Bench User ${i}`,
      kind: i % 20 === 0 ? 'staff' : 'learner',
      status: i % 10 === 0 ? 'suspended' : 'active',
    });
  }
}

/** Imports `n` subjects from JSONL into a fresh store in `dir`; returns subjects per second. */
async function importOnce(
  n: number,
  dir: string,
  store: string | undefined,
): Promise<{ rate: number; dialect: string }> {
  const values = configSchema.parse({ store: store ?? `sqlite:${join(dir, 'lethe.db')}` });
  const config: Config = { ...values, baseDir: dir, file: undefined, filesDir: join(dir, values.files) };
  const { engine, close } = await openEngine(config);
  try {
    const start = performance.now();
    const result = await importSubjects(engine, 'bench', jsonl(n));
    const seconds = (performance.now() - start) / 1000;
    if (result.created !== n || result.errors.length > 0) {
      throw new Error(
        `The import created ${result.created} of ${n} subjects (${result.errors.length} errors).`,
      );
    }
    return { rate: n / seconds, dialect: engine.store.dialect };
  } finally {
    await close();
  }
}

/**
 * Imports subjects from JSONL into a fresh store, `runs` times (3 by default), and reports the rate in subjects per
 * second. A `store` given is used by one run only (it is not emptied between runs).
 */
export async function benchSubjectImport(options: BenchSubjectImportOptions = {}): Promise<BenchFigure> {
  const n = options.subjects ?? 50_000;
  const runs = options.store ? 1 : (options.runs ?? 3);
  const rates: number[] = [];
  let dialect = '';
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-import-'));
    try {
      const run = await importOnce(n, dir, options.store);
      rates.push(run.rate);
      dialect = run.dialect;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return measured(`subject import, ${n} subjects from JSONL (${dialect})`, 'subjects/s', rates);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(figureLine(await benchSubjectImport()));
}
