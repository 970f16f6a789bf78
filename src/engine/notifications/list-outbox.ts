import { LetheError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import { type OutboxMessage, type OutboxStatus, outboxStatuses } from './message.js';
import { outboxMessageOf } from './outbox-row.js';

export interface OutboxQuery {
  /** 1 to 1000; 50 by default. */
  limit?: number;
  offset?: number;
  /** Only the messages in this state. */
  status?: OutboxStatus;
}

export interface OutboxPage {
  /** How many messages match the query. */
  total: number;
  /** How many messages of the whole outbox are in each state. */
  counts: Record<OutboxStatus, number>;
  messages: OutboxMessage[];
}

/** The outbox, newest first, with the number of messages that match and how many are in each state. */
export async function listOutbox(engine: Engine, query: OutboxQuery = {}): Promise<OutboxPage> {
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'The limit must be a whole number from 1 to 1000.', {
      limit,
    });
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'The offset must be a whole number, 0 or more.', {
      offset,
    });
  }
  const status = query.status;
  if (status !== undefined && !outboxStatuses.includes(status)) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `An outbox status is ${outboxStatuses.join(', ')}, not "${String(status)}".`,
      { field: 'status' },
    );
  }
  const grouped = await engine.db
    .selectFrom('outbox')
    .select((eb) => [
      eb
        .case()
        .when('sent_at', 'is not', null)
        .then('sent')
        .when('next_attempt_at', 'is not', null)
        .then('queued')
        .else('failed')
        .end()
        .as('status'),
      eb.fn.countAll<number>().as('n'),
    ])
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = { queued: 0, sent: 0, failed: 0 };
  for (const g of grouped) counts[g.status as OutboxStatus] = Number(g.n);
  let rows = engine.db.selectFrom('outbox').selectAll();
  if (status === 'sent') rows = rows.where('sent_at', 'is not', null);
  else if (status === 'queued')
    rows = rows.where('sent_at', 'is', null).where('next_attempt_at', 'is not', null);
  else if (status === 'failed') rows = rows.where('sent_at', 'is', null).where('next_attempt_at', 'is', null);
  const page = await rows.orderBy('id', 'desc').limit(limit).offset(offset).execute();
  const total = status ? counts[status] : counts.queued + counts.sent + counts.failed;
  return { total, counts, messages: page.map(outboxMessageOf) };
}
