/** An email to one person. */
export interface Message {
  to: string;
  subject: string;
  body: string;
}

/** A message's subject and body, for a caller that picks the recipients. */
export type MessageContent = Omit<Message, 'to'>;

export const outboxStatuses = ['queued', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/** A row of the outbox: every notification, sent or not. */
export interface OutboxMessage {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  createdAt: string;
  /** When SMTP accepted it; null while it is only in the outbox. */
  sentAt: string | null;
  /** Why the last try failed, if it did. */
  error: string | null;
  /**
   * `sent`; `queued` (waiting for SMTP to be configured, or for its next try after a failure); or `failed` (the
   * server refused it for good, or every try failed).
   */
  status: OutboxStatus;
  /** How many times SMTP was tried. */
  attempts: number;
  lastAttemptAt: string | null;
  /** When it may be tried (again); null once it is sent or failed. */
  nextAttemptAt: string | null;
}
