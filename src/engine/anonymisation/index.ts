export { type CleanDeletion, deleteSubjectIfClean } from './erase/delete-subject-if-clean.js';
export {
  type ErasureInput,
  type ErasureResult,
  refuseActive,
  requestErasure,
} from './erase/request-erasure.js';
export {
  type ResolvedErasure,
  resolveErasureItems,
  type SkippedItem,
} from './erase/resolve-erasure-items.js';
export {
  findMentions,
  type MentionOptions,
  type MentionReport,
  type MentionsResult,
} from './mentions/find-mentions.js';
export { type DoneMark, latestErasures } from './summary/latest-erasures.js';
export {
  type ModeState,
  type PersonalDataSummary,
  personalDataSummary,
  type SummaryComponent,
  type SummaryItem,
  type SummaryItemState,
} from './summary/personal-data-summary.js';
export {
  type AnonymiseSupportInput,
  anonymiseSupportUsers,
  type SupportAnonymisationResult,
  type SupportOutcome,
} from './support-users/anonymise-support-users.js';
export {
  anonymisedName,
  anonymisedUsername,
  type MarkedSubject,
  markAnonymisedSupportUsers,
} from './support-users/mark-anonymised-subjects.js';
export { supportKind, supportUserItemKey } from './support-users/support-constants.js';
export { type WaitOptions, type WaitResult, waitForRequests } from './wait/wait-for-requests.js';
