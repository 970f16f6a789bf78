import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigInput, configSchema } from '../../src/config/index.js';
import type { Config } from '../../src/config/load-config.js';
import type { Engine } from '../../src/engine/engine.js';
import { type Item, ItemRegistry } from '../../src/items/index.js';
import type { Store } from '../../src/store/index.js';

/** An engine over a test store, with the given items and configuration (files go to a fresh temp folder). */
export function testEngine(store: Store, items: Item[] = [], input: ConfigInput = {}): Engine {
  // Inside the run's folder (see temp-root.ts), removed when the run ends.
  const baseDir = mkdtempSync(join(process.env['LETHE_TEST_TMP'] || tmpdir(), 'lethe-test-'));
  const values = configSchema.parse({ store: store.url, ...input });
  const config: Config = { ...values, baseDir, file: undefined, filesDir: join(baseDir, values.files) };
  return { store, db: store.db, items: new ItemRegistry().registerAll(items), config };
}
