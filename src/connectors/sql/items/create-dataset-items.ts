import { LetheError } from '../../../errors/index.js';
import type { Item } from '../../../items/index.js';
import type { DbSchema, SqlConnection } from '../connection/index.js';
import { type Dataset, formatProblems } from '../dataset/index.js';
import { resolveDataset } from '../resolve/index.js';
import { DatasetCountGroup } from './dataset-count-group.js';
import { createDatasetItem } from './dataset-item.js';
import { deleteOrder } from './delete-order.js';

export interface CreateDatasetItemsOptions {
  /** A schema already introspected from this connection. */
  schema?: DbSchema;
}

/**
 * Builds the items a dataset describes, over an open connection. Every table and column is checked against the
 * live schema first: any problem throws `LETHE_E_DATASET_SCHEMA` naming the file, line and problem. Items are
 * ordered children first (`sortOrder`), so that a purge deletes child rows before their parents. They share one
 * count group (`DatasetCountGroup`), so that one subject's counts take one statement.
 */
export async function createDatasetItems(
  dataset: Dataset,
  connection: SqlConnection,
  options: CreateDatasetItemsOptions = {},
): Promise<Item[]> {
  const usesHash = dataset.items.some((i) => i.strategies.some((s) => s.strategy.kind === 'hash'));
  if (usesHash && !dataset.hashKey) {
    throw new LetheError(
      'LETHE_E_CONFIG_INVALID',
      `${dataset.file}: the dataset anonymises with hash, which needs hashKey in the configuration.`,
      { file: dataset.file },
    );
  }
  const schema = options.schema ?? (await connection.introspect());
  const resolved = resolveDataset(dataset, schema);
  if (resolved.problems.length > 0) {
    throw new LetheError('LETHE_E_DATASET_SCHEMA', formatProblems(dataset.file, resolved.problems), {
      file: dataset.file,
      problems: resolved.problems,
    });
  }
  // The dataset's items count together for one subject (the personal data summary): see DatasetCountGroup.
  const countGroup = new DatasetCountGroup(connection);
  return deleteOrder(resolved.items).map((item, i) =>
    createDatasetItem(item, connection, {
      sortOrder: (i + 1) * 10,
      countGroup,
      ...(dataset.hashKey ? { hashKey: dataset.hashKey } : {}),
    }),
  );
}
