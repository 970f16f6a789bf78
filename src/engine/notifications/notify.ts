import { LetheError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import type { Message, OutboxMessage } from './message.js';
import { attemptOutcome, secondsAfter, sendingHoldSeconds } from './outbox-attempts.js';
import { outboxMessageOf } from './outbox-row.js';
import { sendSmtp } from './send-smtp.js';

const addressPattern = /^[^\s@<>,;"()[\]\\]+@[^\s@<>,;"()[\]\\]+$/;
const maxSubject = 255;

function clean(message: Message): Message {
  const to = typeof message?.to === 'string' ? message.to.trim() : '';
  if (to.length > 320 || !addressPattern.test(to)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `"${String(message?.to)}" is not an email address.`, {
      field: 'to',
    });
  }
  // One line, so that no header can be smuggled in; at most what the outbox column holds.
  const subject = (typeof message.subject === 'string' ? message.subject : '')
    .replace(/[\r\n]+/g, ' ')
    .trim();
  if (subject === '') {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'A notification needs a subject.', { field: 'subject' });
  }
  if (typeof message.body !== 'string') {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'A notification needs a body.', { field: 'body' });
  }
  return { to, subject: subject.slice(0, maxSubject), body: message.body };
}

/**
 * Sends a notification. It is always recorded in the outbox first. With SMTP configured it is then sent: the row
 * gets `sent_at`, or else the error, and when it may be tried again (the outbox retry job does), unless the server
 * refused it for good. A failure does not throw: the caller's work is done either way. Without SMTP it stays queued
 * in the outbox, and the retry job sends it once SMTP is configured.
 */
export async function notify(engine: Engine, message: Message): Promise<OutboxMessage> {
  const m = clean(message);
  const smtp = engine.config.smtp;
  const created = new Date();
  const createdAt = created.toISOString();
  const row = {
    recipient: m.to,
    subject: m.subject,
    body: m.body,
    created_at: createdAt,
    sent_at: null,
    error: null,
    // With SMTP this is the first try, held while it is sent; without, it waits for SMTP.
    attempts: smtp ? 1 : 0,
    last_attempt_at: smtp ? createdAt : null,
    next_attempt_at: smtp ? secondsAfter(created, sendingHoldSeconds) : createdAt,
  };
  const inserted = await engine.db.insertInto('outbox').values(row).returning('id').executeTakeFirstOrThrow();
  const id = Number(inserted.id);
  if (!smtp) return outboxMessageOf({ id, ...row });
  let failure: { error: unknown } | undefined;
  try {
    await sendSmtp(smtp, m);
  } catch (error) {
    failure = { error };
  }
  const outcome = attemptOutcome(smtp, 1, new Date(), failure);
  await engine.db.updateTable('outbox').set(outcome).where('id', '=', id).execute();
  return outboxMessageOf({ id, ...row, ...outcome });
}
