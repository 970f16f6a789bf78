import { join } from 'node:path';
import { type ConfigInput, configSchema } from '../../src/config/index.js';
import type { Config } from '../../src/config/load-config.js';
import type { Engine } from '../../src/engine/engine.js';
import { type Item, ItemRegistry } from '../../src/items/index.js';
import type { Store } from '../../src/store/index.js';
import { testTempDir } from './temp-root.js';

/** An engine over a test store, with the given items and configuration (files go to a fresh temp folder). */
export function testEngine(store: Store, items: Item[] = [], input: ConfigInput = {}): Engine {
  const baseDir = testTempDir('lethe-test-');
  const values = configSchema.parse({ store: store.url, ...input });
  const config: Config = { ...values, baseDir, file: undefined, filesDir: join(baseDir, values.files) };
  return { store, db: store.db, items: new ItemRegistry().registerAll(items), config };
}
