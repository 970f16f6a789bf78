export { type ExportReadyRequest, exportReadyMessage } from './export-ready-message.js';
export { listOutbox, type OutboxPage, type OutboxQuery } from './list-outbox.js';
export {
  type Message,
  type MessageContent,
  type OutboxMessage,
  type OutboxStatus,
  outboxStatuses,
} from './message.js';
export { type NewItemNotice, newItemsMessage } from './new-items-message.js';
export { notify } from './notify.js';
export {
  type OutboxRequeue,
  type OutboxRequeueTarget,
  requeueOutbox,
} from './requeue-outbox.js';
export {
  type OutboxRun,
  outboxBatchSize,
  outboxDue,
  type RetryOutboxOptions,
  retryOutbox,
} from './retry-outbox.js';
