import type { Engine } from '../engine.js';
import type { AuditEvent } from './audit-event.js';

export interface AuditQuery {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

/** The newest events first, filtered. */
export async function listAudit(
  engine: Engine,
  query: AuditQuery = {},
): Promise<{ total: number; events: AuditEvent[] }> {
  let base = engine.db.selectFrom('audit_events');
  if (query.actor) base = base.where('actor', '=', query.actor);
  if (query.action) base = base.where('action', '=', query.action);
  if (query.targetType) base = base.where('target_type', '=', query.targetType);
  if (query.targetId) base = base.where('target_id', '=', query.targetId);
  if (query.since) base = base.where('at', '>=', query.since);
  if (query.until) base = base.where('at', '<', query.until);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(query.limit ?? 50)
    .offset(query.offset ?? 0)
    .execute();
  return {
    total: Number(total?.n ?? 0),
    events: rows.map((r) => ({
      id: Number(r.id),
      seq: Number(r.seq),
      at: r.at,
      actor: r.actor,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: JSON.parse(r.details) as Record<string, unknown>,
      prevHash: r.prev_hash,
      hash: r.hash,
    })),
  };
}
