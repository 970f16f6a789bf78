export { type CheckOptions, type CheckResult, type ColumnReport, checkDataset } from './check-dataset.js';
export { isEmail, looksLikeEmail, nameWords, personalByName, sampleable } from './personal-columns.js';
export { type ColumnSample, sampleSize, sampleTable } from './sample-columns.js';
