import { messageOf } from '../../errors/index.js';
import { isPermanentFailure, type SmtpConfig } from './send-smtp.js';

/** The longest wait between two tries of a message. */
export const maxRetryDelaySeconds = 86_400;

/**
 * How long a message being sent is held, so that no other sender takes it meanwhile; longer than a send can take.
 * If the sender dies, the message is tried again after this.
 */
export const sendingHoldSeconds = 300;

export function secondsAfter(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

/** How long to wait after the `attempts`-th failed try: retrySeconds, then twice as long each time, at most a day. */
export function retryDelaySeconds(smtp: SmtpConfig, attempts: number): number {
  return Math.min(smtp.retrySeconds * 2 ** Math.max(0, attempts - 1), maxRetryDelaySeconds);
}

/** What an outbox row records after a try. */
export interface AttemptOutcome {
  sent_at: string | null;
  error: string | null;
  next_attempt_at: string | null;
}

/**
 * The outcome of a message's `attempts`-th try: sent (no `failure`); or its error and when to try again, with no
 * next try (failed for good) when the server refused it for good or the tries ran out.
 */
export function attemptOutcome(
  smtp: SmtpConfig,
  attempts: number,
  now: Date,
  failure?: { error: unknown },
): AttemptOutcome {
  if (!failure) return { sent_at: now.toISOString(), error: null, next_attempt_at: null };
  const error = messageOf(failure.error) || 'The mail could not be sent.';
  const last = isPermanentFailure(failure.error) || attempts >= smtp.maxAttempts;
  return {
    sent_at: null,
    error,
    next_attempt_at: last ? null : secondsAfter(now, retryDelaySeconds(smtp, attempts)),
  };
}
