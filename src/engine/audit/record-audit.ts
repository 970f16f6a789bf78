import { sql } from 'kysely';
import { isoNow, type StoreDialect } from '../../store/index.js';
import type { Db } from '../engine.js';
import { type AuditEventInput, hashEvent } from './audit-event.js';

/**
 * Appends an event to the hash chain. Call it inside the transaction that makes the change, so that the change
 * and its record commit together. The head row is locked on PostgreSQL, so concurrent writers chain in order.
 */
export async function recordAudit(db: Db, dialect: StoreDialect, event: AuditEventInput): Promise<void> {
  const head =
    dialect === 'postgres'
      ? (
          await sql<{
            seq: number;
            hash: string;
          }>`select seq, hash from audit_head where id = 1 for update`.execute(db)
        ).rows[0]
      : await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (!head) throw new Error('The audit head row is missing: the store was not migrated.');
  const row = {
    seq: Number(head.seq) + 1,
    at: isoNow(),
    actor: event.actor,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    details: JSON.stringify(event.details ?? {}),
    prev_hash: head.hash,
  };
  const hash = hashEvent(row);
  await db
    .insertInto('audit_events')
    .values({ ...row, hash })
    .execute();
  await db.updateTable('audit_head').set({ seq: row.seq, hash }).where('id', '=', 1).execute();
}
