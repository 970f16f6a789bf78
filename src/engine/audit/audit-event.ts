import { createHash } from 'node:crypto';

export interface AuditEventInput {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: number;
  seq: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const genesisHash = '0'.repeat(64);

/** The hash of an event: every stored field but its own hash, chained to the hash before it. */
export function hashEvent(fields: {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  details: string;
  prev_hash: string;
}): string {
  const canonical = JSON.stringify([
    fields.seq,
    fields.at,
    fields.actor,
    fields.action,
    fields.target_type,
    fields.target_id,
    fields.details,
    fields.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
