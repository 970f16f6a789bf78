import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ItemSourceConfig } from '../config/index.js';
import { LetheError, messageOf } from '../errors/index.js';
import type { Item } from '../items/index.js';

export interface LoadedItems {
  items: Item[];
  /** Closes whatever the sources opened (database connections). */
  close(): Promise<void>;
}

interface CodeItemModule {
  createItems?: (options: Record<string, unknown>) => Item[] | Promise<Item[]>;
  closeItems?: () => Promise<void> | void;
}

/** A loader for dataset-file sources; the SQL connector provides it, so that this layer does not depend on it. */
export type DatasetLoader = (
  source: { dataset: string; database?: string },
  baseDir: string,
) => Promise<{ items: Item[]; close(): Promise<void> }>;

/** Loads every item source named in the configuration, in order. */
export async function loadItemSources(
  sources: readonly ItemSourceConfig[],
  baseDir: string,
  datasetLoader?: DatasetLoader,
): Promise<LoadedItems> {
  const items: Item[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    for (const source of sources) {
      if ('module' in source) {
        const path = resolve(baseDir, source.module);
        let mod: CodeItemModule;
        try {
          mod = (await import(pathToFileURL(path).href)) as CodeItemModule;
        } catch (error) {
          throw new LetheError(
            'LETHE_E_ITEM_SOURCE',
            `Cannot load the item module ${path}: ${messageOf(error)}`,
            {
              source: source.module,
            },
          );
        }
        if (typeof mod.createItems !== 'function') {
          throw new LetheError(
            'LETHE_E_ITEM_SOURCE',
            `The item module ${path} does not export createItems().`,
            {
              source: source.module,
            },
          );
        }
        items.push(...(await mod.createItems(source.options)));
        if (typeof mod.closeItems === 'function') closers.push(mod.closeItems);
      } else {
        if (!datasetLoader) {
          throw new LetheError(
            'LETHE_E_ITEM_SOURCE',
            `Dataset sources are not supported here: ${source.dataset}`,
            {
              source: source.dataset,
            },
          );
        }
        const loaded = await datasetLoader(source, baseDir);
        items.push(...loaded.items);
        closers.push(loaded.close);
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { items, close: closeAll };
}
