import type { Selectable } from 'kysely';
import type { OutboxTable } from '../../store/index.js';
import type { OutboxMessage, OutboxStatus } from './message.js';

/** Sent once SMTP accepted it; queued while it has a next try; failed once it has none left. */
export function outboxStatusOf(
  row: Pick<Selectable<OutboxTable>, 'sent_at' | 'next_attempt_at'>,
): OutboxStatus {
  return row.sent_at ? 'sent' : row.next_attempt_at !== null ? 'queued' : 'failed';
}

export function outboxMessageOf(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: Number(row.id),
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    error: row.error,
    status: outboxStatusOf(row),
    attempts: Number(row.attempts),
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.next_attempt_at,
  };
}
