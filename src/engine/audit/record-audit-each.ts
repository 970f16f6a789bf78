import type { StoreDialect } from '../../store/index.js';
import type { Db } from '../engine.js';
import type { AuditEventInput } from './audit-event.js';
import { recordAudit } from './record-audit.js';

/** Above this many events of one action at once, one event lists them all. */
export const auditEachLimit = 100;

/**
 * Records one audit event per entry (`each`) or, above auditEachLimit entries, ONE event that lists them all
 * (`bulk`), so that a batch of thousands adds one link to the chain, not thousands.
 */
export async function recordAuditEach<T>(
  db: Db,
  dialect: StoreDialect,
  entries: readonly T[],
  each: (entry: T) => AuditEventInput,
  bulk: (all: readonly T[]) => AuditEventInput,
): Promise<void> {
  if (entries.length > auditEachLimit) {
    await recordAudit(db, dialect, bulk(entries));
    return;
  }
  for (const entry of entries) await recordAudit(db, dialect, each(entry));
}
