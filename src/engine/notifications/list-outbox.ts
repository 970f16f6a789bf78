import { LetheError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import type { OutboxMessage } from './message.js';
import { outboxMessageOf } from './outbox-row.js';

export interface OutboxQuery {
  /** 1 to 1000; 50 by default. */
  limit?: number;
  offset?: number;
}

/** The outbox, newest first, with the total number of messages in it. */
export async function listOutbox(
  engine: Engine,
  query: OutboxQuery = {},
): Promise<{ total: number; messages: OutboxMessage[] }> {
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
  const total = await engine.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const rows = await engine.db
    .selectFrom('outbox')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return { total: Number(total?.n ?? 0), messages: rows.map(outboxMessageOf) };
}
