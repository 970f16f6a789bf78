import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Db, Engine } from '../engine.js';
import type { RequestKind, RequestOrigin, RequestPlanStep } from './request-model.js';

export interface NewRequest {
  kind: RequestKind;
  subjectId: string;
  origin: RequestOrigin;
  subjectStatus: string;
  exportTypeId?: number | null;
  purgeTypeId?: number | null;
  plan?: readonly RequestPlanStep[] | null;
  dryRun?: boolean;
  /** Extra audit details. */
  details?: Record<string, unknown>;
}

/**
 * Adds a pending request to the queue and records `request.create`, inside the caller's transaction. The store's
 * partial unique indexes refuse a second open purge or export for the subject (the caller maps that error).
 */
export async function insertRequest(
  trx: Db,
  engine: Engine,
  actor: Actor,
  values: NewRequest,
): Promise<number> {
  const row = await trx
    .insertInto('requests')
    .values({
      kind: values.kind,
      subject_id: values.subjectId,
      origin: values.origin,
      status: 'pending',
      export_type_id: values.exportTypeId ?? null,
      purge_type_id: values.purgeTypeId ?? null,
      plan: values.plan ? JSON.stringify(values.plan) : null,
      dry_run: values.dryRun ? 1 : 0,
      requested_by: actor,
      created_at: isoNow(),
      attempts: 0,
      max_attempts: engine.config.worker.maxAttempts,
      subject_status: values.subjectStatus,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await recordAudit(trx, engine.store.dialect, {
    actor,
    action: 'request.create',
    targetType: 'request',
    targetId: String(id),
    details: {
      kind: values.kind,
      subject: values.subjectId,
      origin: values.origin,
      ...(values.dryRun ? { dryRun: true } : {}),
      ...values.details,
    },
  });
  return id;
}
