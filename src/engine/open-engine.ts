import type { Config } from '../config/index.js';
import { datasetSourceLoader } from '../connectors/sql/index.js';
import { ItemRegistry } from '../items/index.js';
import { openStore } from '../store/index.js';
import type { Engine } from './engine.js';
import { type DatasetLoader, loadItemSources } from './load-item-sources.js';

export interface OpenEngine {
  engine: Engine;
  close(): Promise<void>;
}

/** Opens the store (migrating it) and loads the item catalogue named in the configuration. */
export async function openEngine(
  config: Config,
  options: { datasetLoader?: DatasetLoader } = {},
): Promise<OpenEngine> {
  const store = await openStore(config.store, { baseDir: config.baseDir });
  try {
    const loaded = await loadItemSources(
      config.items,
      config.baseDir,
      options.datasetLoader ?? datasetSourceLoader(config.hashKey ? { hashKey: config.hashKey } : {}),
    );
    const items = new ItemRegistry().registerAll(loaded.items);
    const engine: Engine = { store, db: store.db, items, config };
    return {
      engine,
      close: async () => {
        await loaded.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
