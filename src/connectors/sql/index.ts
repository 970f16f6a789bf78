export * from './check/index.js';
export * from './connection/index.js';
export * from './dataset/index.js';
export { type DatasetSourceOptions, datasetSourceLoader } from './dataset-source.js';
export * from './items/index.js';
export * from './resolve/index.js';
export * from './scan/index.js';
