import { LetheError } from '../../errors/index.js';
import { recordAuditEach } from '../audit/index.js';
import type { Actor, Db, Engine } from '../engine.js';

/** The largest id the outbox's integer id column holds. */
const maxOutboxId = 2_147_483_647;

/** How many ids go into one `in (...)` list. */
const idChunkSize = 500;

/** Which failed messages to put back in the queue: these ids, or every failed message. */
export type OutboxRequeueTarget = { ids: readonly number[] } | { allFailed: true };

/** What a requeue did. */
export interface OutboxRequeue {
  /** The messages put back in the queue: due now, with a fresh set of tries (attempts counted again from 0). */
  requeued: number[];
  /** Messages named that were still queued (waiting for SMTP or for their next try): left as they were. */
  alreadyQueued: number[];
}

interface FailedRow {
  id: number;
  attempts: number;
  lastAttemptAt: string | null;
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** Validates the ids: at least one, each a positive whole number the store can hold; duplicates are dropped. */
function outboxIds(ids: unknown): number[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Give at least one outbox message id, or all failed.', {
      field: 'ids',
    });
  }
  for (const id of ids) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1 || id > maxOutboxId) {
      throw new LetheError('LETHE_E_INVALID_INPUT', `'${String(id)}' is not an outbox message id.`, {
        field: 'ids',
        id: String(id),
      });
    }
  }
  return [...new Set(ids as number[])];
}

function listed(ids: readonly number[]): string {
  const shown = ids.slice(0, 20).join(', ');
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
}

/** The failed rows among `ids`, after refusing unknown and sent ones; the rest are still queued. */
async function failedAmong(
  trx: Db,
  lock: boolean,
  ids: readonly number[],
): Promise<{ failed: FailedRow[]; alreadyQueued: number[] }> {
  const rows = new Map<number, { sent: boolean; queued: boolean; row: FailedRow }>();
  for (const chunk of chunks(ids, idChunkSize)) {
    const found = await trx
      .selectFrom('outbox')
      .select(['id', 'sent_at', 'next_attempt_at', 'attempts', 'last_attempt_at'])
      .where('id', 'in', chunk)
      .$if(lock, (qb) => qb.forUpdate())
      .execute();
    for (const r of found) {
      const id = Number(r.id);
      rows.set(id, {
        sent: r.sent_at !== null,
        queued: r.sent_at === null && r.next_attempt_at !== null,
        row: { id, attempts: Number(r.attempts), lastAttemptAt: r.last_attempt_at },
      });
    }
  }
  const missing = ids.filter((id) => !rows.has(id));
  if (missing.length > 0) {
    throw new LetheError(
      'LETHE_E_NOT_FOUND',
      missing.length === 1
        ? `No outbox message has the id ${missing[0]}.`
        : `No outbox messages have the ids ${listed(missing)}.`,
      { ids: missing },
    );
  }
  const sent = ids.filter((id) => rows.get(id)?.sent);
  if (sent.length > 0) {
    throw new LetheError(
      'LETHE_E_OUTBOX_SENT',
      sent.length === 1
        ? `Outbox message ${sent[0]} has already been sent: there is nothing to retry.`
        : `Outbox messages ${listed(sent)} have already been sent: there is nothing to retry.`,
      { ids: sent },
    );
  }
  const failed: FailedRow[] = [];
  const alreadyQueued: number[] = [];
  for (const id of ids) {
    const entry = rows.get(id);
    if (!entry) continue;
    if (entry.queued) alreadyQueued.push(id);
    else failed.push(entry.row);
  }
  return { failed, alreadyQueued };
}

/**
 * Puts failed messages (no tries left, or refused for good by the server) back in the queue: the ones named, or
 * every failed message. Each gets a fresh set of tries: `attempts` counts again from 0 (the audit event keeps the
 * count before), and it is due now, so the outbox-retry job sends it at its next run once SMTP is configured. Its
 * last error and last try stay until the next try replaces them.
 *
 * With ids it is all or nothing: an unknown id (LETHE_E_NOT_FOUND) or a message already sent
 * (LETHE_E_OUTBOX_SENT) changes nothing. A message still queued is left as it is and reported in
 * `alreadyQueued`. Each requeued message is audited as `outbox.requeue` (one event for them all above
 * auditEachLimit), with its previous attempts; neither the recipient nor the error is recorded, as
 * the audit trail cannot be purged.
 */
export async function requeueOutbox(
  engine: Engine,
  actor: Actor,
  target: OutboxRequeueTarget,
): Promise<OutboxRequeue> {
  const allFailed = 'allFailed' in target && target.allFailed === true;
  const ids = allFailed ? [] : outboxIds((target as { ids?: unknown }).ids);
  const lock = engine.store.dialect === 'postgres';
  return engine.db.transaction().execute(async (trx) => {
    let failed: FailedRow[];
    let alreadyQueued: number[] = [];
    if (allFailed) {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'attempts', 'last_attempt_at'])
        .where('sent_at', 'is', null)
        .where('next_attempt_at', 'is', null)
        .orderBy('id')
        .$if(lock, (qb) => qb.forUpdate())
        .execute();
      failed = rows.map((r) => ({
        id: Number(r.id),
        attempts: Number(r.attempts),
        lastAttemptAt: r.last_attempt_at,
      }));
    } else {
      ({ failed, alreadyQueued } = await failedAmong(trx, lock, ids));
    }
    const now = new Date().toISOString();
    for (const chunk of chunks(failed, idChunkSize)) {
      await trx
        .updateTable('outbox')
        .set({ attempts: 0, next_attempt_at: now })
        .where(
          'id',
          'in',
          chunk.map((r) => r.id),
        )
        .where('sent_at', 'is', null)
        .where('next_attempt_at', 'is', null)
        .execute();
    }
    const scope = allFailed ? 'all-failed' : 'ids';
    await recordAuditEach(
      trx,
      engine.store.dialect,
      failed,
      (r) => ({
        actor,
        action: 'outbox.requeue',
        targetType: 'outbox-message',
        targetId: String(r.id),
        details: { scope, previousAttempts: r.attempts, lastAttemptAt: r.lastAttemptAt, dueAt: now },
      }),
      (all) => ({
        actor,
        action: 'outbox.requeue',
        targetType: 'outbox',
        targetId: 'bulk',
        details: {
          scope,
          count: all.length,
          messages: all.map((r) => ({ id: r.id, previousAttempts: r.attempts })),
        },
      }),
    );
    return { requeued: failed.map((r) => r.id), alreadyQueued };
  });
}
