export { type RequestPurgeInput, requestPurge } from './request-purge.js';
export {
  type DuePurge,
  type DuePurges,
  dueAutomaticPurges,
  type ScanResult,
  scanAutomaticPurges,
  scanInputsChangedSince,
} from './scan-automatic-purges.js';
