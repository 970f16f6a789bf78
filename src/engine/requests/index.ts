export { cancelRemainingItems, cancelRequest, closeRemainingItems } from './cancel-request.js';
export {
  type DownloadInfo,
  deleteExportPackage,
  expireExportPackages,
  recordDownload,
} from './export-package.js';
export { getRequest } from './get-request.js';
export { insertRequest, type NewRequest } from './insert-request.js';
export { listRequests, type RequestFilters, type RequestSummary } from './list-requests.js';
export { openPurgeId, purgeOpenError, refuseAnonymous, requireSubject } from './purge-request-guards.js';
export {
  checkPlan,
  createPurgeRequest,
  type NewPurgeRequest,
  type RequestEraseInput,
  requestErase,
} from './request-erase.js';
export {
  markPackageGone,
  type RequestExportInput,
  requestExport,
  selectedItemsType,
} from './request-export.js';
export {
  type ExportPackage,
  type ExportPlanStep,
  finishedStatuses,
  isOpenStatus,
  isUniqueViolation,
  type LetheRequest,
  type PlanStep,
  parsePlan,
  type RequestItemResult,
  type RequestItemRow,
  type RequestKind,
  type RequestOrigin,
  type RequestPlanStep,
  type RequestProgress,
  type RequestRow,
  type RequestStatus,
  requestId,
  requestKinds,
  requestOrigins,
  requestStatuses,
  toRequest,
  unknownRequest,
} from './request-model.js';
export {
  catalogueOrder,
  exportTypeSteps,
  purgeTypeSteps,
  type RequestStep,
  requestSteps,
  stepsKey,
} from './request-plan.js';
export { countItemResults, progressReader } from './request-progress.js';
export { maxExportSelectors, resolveExportItems } from './resolve-export-items.js';
