import { resolve } from 'node:path';
import type { Item } from '../../items/index.js';
import { openConnection } from './connection/index.js';
import { loadDataset } from './dataset/index.js';
import { createDatasetItems } from './items/index.js';

export interface DatasetSourceOptions {
  /** The configuration's `hashKey`, for `hash` anonymisation. */
  hashKey?: string;
}

/**
 * The loader for `{ dataset, database? }` item sources in the configuration (pass it to `loadItemSources`): reads
 * the dataset file (relative to the config's folder), opens its database, checks it and builds its items.
 * `close()` closes the database connection.
 */
export function datasetSourceLoader(options: DatasetSourceOptions = {}) {
  return async (
    source: { dataset: string; database?: string },
    baseDir: string,
  ): Promise<{ items: Item[]; close(): Promise<void> }> => {
    const dataset = loadDataset(resolve(baseDir, source.dataset), {
      ...(options.hashKey ? { hashKey: options.hashKey } : {}),
      ...(source.database ? { databaseOverride: source.database } : {}),
    });
    const connection = await openConnection(dataset.database, { baseDir });
    try {
      const items = await createDatasetItems(dataset, connection);
      return { items, close: () => connection.close() };
    } catch (error) {
      await connection.close();
      throw error;
    }
  };
}
