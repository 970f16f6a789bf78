/** An email to one person. */
export interface Message {
  to: string;
  subject: string;
  body: string;
}

/** A message's subject and body, for a caller that picks the recipients. */
export type MessageContent = Omit<Message, 'to'>;

export type OutboxStatus = 'sent' | 'queued' | 'failed';

/** A row of the outbox: every notification, sent or not. */
export interface OutboxMessage {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  createdAt: string;
  /** When SMTP accepted it; null while it is only in the outbox. */
  sentAt: string | null;
  /** Why sending failed, if it did. */
  error: string | null;
  /** `sent`, `failed`, or `queued` (no SMTP configured). */
  status: OutboxStatus;
}
