export { type CreateDatasetItemsOptions, createDatasetItems } from './create-dataset-items.js';
export { createDatasetItem, type DatasetItemOptions } from './dataset-item.js';
export { deleteOrder } from './delete-order.js';
export { type Assignment, ItemSql } from './item-sql.js';
export { readSubjects } from './read-subjects.js';
export type { Statement } from './statement.js';
