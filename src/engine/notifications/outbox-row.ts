import type { Selectable } from 'kysely';
import type { OutboxTable } from '../../store/index.js';
import type { OutboxMessage } from './message.js';

export function outboxMessageOf(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: Number(row.id),
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    error: row.error,
    status: row.sent_at ? 'sent' : row.error ? 'failed' : 'queued',
  };
}
