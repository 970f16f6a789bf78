import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { type Config, configSchema } from '../src/config/index.js';
import { openEngine } from '../src/engine/open-engine.js';
import { importSubjects } from '../src/engine/subjects/index.js';

export interface BenchSubjectImportOptions {
  /** How many subjects to import (default 50,000). */
  subjects?: number;
  /** The store to import into; a fresh SQLite file in a temp folder by default. */
  store?: string;
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

/** Imports subjects from JSONL into a fresh store and reports the rate, in subjects per second. */
export async function benchSubjectImport(
  options: BenchSubjectImportOptions = {},
): Promise<{ name: string; value: number; unit: string }> {
  const n = options.subjects ?? 50_000;
  const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-import-'));
  const values = configSchema.parse({ store: options.store ?? `sqlite:${join(dir, 'lethe.db')}` });
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
    return {
      name: `subject import, ${n} subjects from JSONL (${engine.store.dialect})`,
      value: Math.round(n / seconds),
      unit: 'subjects/s',
    };
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchSubjectImport();
  console.log(`${result.name}: ${result.value} ${result.unit}`);
}
