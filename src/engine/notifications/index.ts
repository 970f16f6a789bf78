export { type ExportReadyRequest, exportReadyMessage } from './export-ready-message.js';
export { listOutbox, type OutboxQuery } from './list-outbox.js';
export type { Message, MessageContent, OutboxMessage, OutboxStatus } from './message.js';
export { type NewItemNotice, newItemsMessage } from './new-items-message.js';
export { notify } from './notify.js';
