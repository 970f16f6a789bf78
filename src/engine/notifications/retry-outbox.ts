import type { Engine } from '../engine.js';
import { attemptOutcome, secondsAfter, sendingHoldSeconds } from './outbox-attempts.js';
import { isServerDown, sendSmtp } from './send-smtp.js';

/** At most this many messages are tried in one run; the rest wait for the next. */
export const outboxBatchSize = 100;

export interface RetryOutboxOptions {
  /** The time to run at (the current time by default): messages due by then are tried. */
  now?: Date;
  limit?: number;
}

/** What one run of the outbox retry did. */
export interface OutboxRun {
  /** False when no SMTP server is configured: nothing is tried and queued messages stay queued. */
  smtp: boolean;
  /** Messages tried in this run, and how each try ended: sent, queued for another try, or failed for good. */
  tried: number;
  sent: number;
  retrying: number;
  failed: number;
  /** Messages still queued after the run (due later, or waiting for SMTP). */
  queued: number;
  /** Why the run stopped before trying every due message (the SMTP server could not be reached). */
  stopped?: string;
}

async function queuedCount(engine: Engine): Promise<number> {
  const row = await engine.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sent_at', 'is', null)
    .where('next_attempt_at', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** True when SMTP is configured and a queued message is due: `worker --once` then runs the job. */
export async function outboxDue(engine: Engine, now: Date = new Date()): Promise<boolean> {
  if (!engine.config.smtp) return false;
  const row = await engine.db
    .selectFrom('outbox')
    .select('id')
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now.toISOString())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The outbox retry (a scheduled job): with SMTP configured, sends the queued messages that are due, oldest due
 * first: those queued while SMTP was off, and those whose last try failed for a reason that may pass. Each try is
 * counted and its error kept; a failed try is retried after retrySeconds, then twice as long each time, until
 * maxAttempts tries have failed, when the message is marked failed. Each message is taken with a compare-and-set
 * on its attempt count, so two senders never send it twice. When the server cannot be reached, the run stops after
 * that message. Without SMTP nothing is tried and messages stay queued.
 */
export async function retryOutbox(engine: Engine, options: RetryOutboxOptions = {}): Promise<OutboxRun> {
  const smtp = engine.config.smtp;
  const run: OutboxRun = { smtp: smtp !== undefined, tried: 0, sent: 0, retrying: 0, failed: 0, queued: 0 };
  if (!smtp) {
    run.queued = await queuedCount(engine);
    return run;
  }
  const now = options.now ?? new Date();
  const clock = () => (options.now ? new Date(options.now.getTime()) : new Date());
  const due = await engine.db
    .selectFrom('outbox')
    .select(['id', 'recipient', 'subject', 'body', 'attempts'])
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit ?? outboxBatchSize)
    .execute();
  for (const message of due) {
    const attempts = Number(message.attempts) + 1;
    const startedAt = clock();
    const taken = await engine.db
      .updateTable('outbox')
      .set({
        attempts,
        last_attempt_at: startedAt.toISOString(),
        next_attempt_at: secondsAfter(startedAt, sendingHoldSeconds),
      })
      .where('id', '=', message.id)
      .where('attempts', '=', attempts - 1)
      .where('sent_at', 'is', null)
      .where('next_attempt_at', 'is not', null)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) continue;
    run.tried++;
    let failure: { error: unknown } | undefined;
    try {
      await sendSmtp(smtp, { to: message.recipient, subject: message.subject, body: message.body });
    } catch (error) {
      failure = { error };
    }
    const outcome = attemptOutcome(smtp, attempts, clock(), failure);
    await engine.db
      .updateTable('outbox')
      .set(outcome)
      .where('id', '=', message.id)
      .where('attempts', '=', attempts)
      .execute();
    if (outcome.sent_at) run.sent++;
    else if (outcome.next_attempt_at) run.retrying++;
    else run.failed++;
    if (failure && isServerDown(failure.error)) {
      run.stopped = outcome.error ?? 'The SMTP server could not be reached.';
      break;
    }
  }
  run.queued = await queuedCount(engine);
  return run;
}
