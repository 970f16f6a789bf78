import nodemailer from 'nodemailer';
import type { Config } from '../../config/index.js';
import { LetheError, messageOf } from '../../errors/index.js';
import { isoNow } from '../../store/time.js';
import type { Engine } from '../engine.js';
import type { Message, OutboxMessage } from './message.js';
import { outboxMessageOf } from './outbox-row.js';

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

async function sendSmtp(smtp: NonNullable<Config['smtp']>, message: Message): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: message.to,
      subject: message.subject,
      text: message.body,
    });
    if (info.rejected.length > 0) {
      const refused = info.rejected.map((a) => (typeof a === 'string' ? a : a.address));
      throw new Error(`The SMTP server refused ${refused.join(', ')}.`);
    }
  } finally {
    transport.close();
  }
}

/**
 * Sends a notification. It is always recorded in the outbox first; with SMTP configured it is then sent, and the
 * row gets `sent_at`, or `error` when sending failed (which does not throw: the caller's work is done either way).
 * Without SMTP it stays in the outbox, unsent, for the CLI to list.
 */
export async function notify(engine: Engine, message: Message): Promise<OutboxMessage> {
  const m = clean(message);
  const createdAt = isoNow();
  const inserted = await engine.db
    .insertInto('outbox')
    .values({
      recipient: m.to,
      subject: m.subject,
      body: m.body,
      created_at: createdAt,
      sent_at: null,
      error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(inserted.id);
  const smtp = engine.config.smtp;
  let sentAt: string | null = null;
  let error: string | null = null;
  if (smtp) {
    try {
      await sendSmtp(smtp, m);
      sentAt = isoNow();
    } catch (failure) {
      error = messageOf(failure) || 'The mail could not be sent.';
    }
    await engine.db.updateTable('outbox').set({ sent_at: sentAt, error }).where('id', '=', id).execute();
  }
  return outboxMessageOf({
    id,
    recipient: m.to,
    subject: m.subject,
    body: m.body,
    created_at: createdAt,
    sent_at: sentAt,
    error,
  });
}
