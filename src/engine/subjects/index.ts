export { assignPurgeType, type DeactivatedStatus } from './assign-purge-type.js';
export {
  auditPerSubjectLimit,
  type BulkChangeResult,
  type ChangeStatusOptions,
  changeStatus,
} from './change-status.js';
export { findPurgeTypeByRef, type PurgeTypeSummary } from './find-purge-type.js';
export { findSubject, getSubject, loadSubjectRows } from './find-subjects.js';
export {
  type ImportLineError,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  importSubjects,
} from './import-subjects.js';
export {
  escapeLike,
  listLegacySubjects,
  listSubjects,
  maxListLimit,
  type SubjectPage,
  type SubjectQuery,
} from './list-subjects.js';
export { registerSubject } from './register-subject.js';
export { type StatusChange, statusHistory } from './status-history.js';
export { defaultAnonymousSubjectId, rowToSubject, type Subject, toSubjectRef } from './subject.js';
export type { RegisterSubjectInput, SubjectPatch } from './subject-input.js';
export { updateSubject } from './update-subject.js';
