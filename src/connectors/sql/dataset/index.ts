export * from './dataset.js';
export { type DatasetProblem, formatProblems } from './dataset-problem.js';
export {
  type DatasetFile,
  datasetFileSchema,
  datasetJsonSchema,
  hopPattern,
  identifierPattern,
} from './dataset-schema.js';
export {
  datasetLabel,
  type LoadDatasetOptions,
  loadDataset,
  type ParseDatasetOptions,
  parseDataset,
} from './load-dataset.js';
