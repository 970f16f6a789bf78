import nodemailer from 'nodemailer';
import type { Config } from '../../config/index.js';
import type { Message } from './message.js';

export type SmtpConfig = NonNullable<Config['smtp']>;

/** Sends one message through the configured SMTP server; throws nodemailer's error when it is not accepted. */
export async function sendSmtp(smtp: SmtpConfig, message: Message): Promise<void> {
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
      const error = new Error(`The SMTP server refused ${info.rejected.join(', ')}.`);
      const code = (info as { rejectedErrors?: { responseCode?: number }[] }).rejectedErrors?.[0]
        ?.responseCode;
      throw code === undefined ? error : Object.assign(error, { responseCode: code });
    }
  } finally {
    transport.close();
  }
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * True when the server refused the message for good (a 5xx reply, such as "mailbox unavailable"): trying again
 * would get the same answer. A 4xx reply, a timeout or a connection that fails may work later, and so may a refused
 * login (535): that is Lethe's SMTP settings, not the message, and mail must wait until they are put right.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (field(error, 'code') === 'EAUTH') return false;
  const code = field(error, 'responseCode');
  return typeof code === 'number' && code >= 500 && code <= 599;
}

const serverDownCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH']);

/**
 * True when the failure is the server's, not the message's (it cannot be reached, times out, or refuses the
 * login): the other messages would fail the same way, so a batch stops there.
 */
export function isServerDown(error: unknown): boolean {
  if (field(error, 'responseCode') !== undefined && field(error, 'code') !== 'EAUTH') return false;
  const code = field(error, 'code');
  return typeof code === 'string' && serverDownCodes.has(code);
}
