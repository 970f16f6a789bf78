export { type RequestPurgeInput, requestPurge } from './request-purge.js';
export { type ScanResult, scanAutomaticPurges, scanInputsChangedSince } from './scan-automatic-purges.js';
