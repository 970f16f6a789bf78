import { LetheError } from '../../errors/index.js';
import type { SubjectStatus } from '../../items/index.js';
import { isoNow, type SubjectStatusChangesTable } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import {
  chunks,
  idChunkSize,
  loadSubjectRows,
  protectedSubject,
  uniqueIds,
  unknownSubjects,
} from './find-subjects.js';
import { statusError, statusSchema } from './subject-input.js';

export interface ChangeStatusOptions {
  /** When the change happened (ISO-8601); now by default. For subjects deactivated before Lethe knew. */
  at?: string;
  /** Recorded in the audit event. */
  reason?: string;
}

export interface BulkChangeResult {
  /** Subjects that were changed. */
  changed: number;
  /** Subjects that already had the value. */
  unchanged: number;
}

/** Above this many changed subjects, one audit event lists them all instead of one event per subject. */
export const auditPerSubjectLimit = 100;

/**
 * Sets the status of one or many subjects. Only subjects whose status differs change; each change sets
 * status_changed_at and adds a row to the status history. All or nothing: unknown ids (LETHE_E_SUBJECT_UNKNOWN,
 * listing them) or the anonymous user among them (LETHE_E_SUBJECT_PROTECTED) change nothing.
 */
export async function changeStatus(
  engine: Engine,
  actor: Actor,
  ids: string[],
  status: SubjectStatus,
  options: ChangeStatusOptions = {},
): Promise<BulkChangeResult> {
  if (!statusSchema.safeParse(status).success) throw statusError(status);
  const unique = uniqueIds(ids);
  const at = options.at === undefined ? isoNow() : parseTimestamp(options.at);
  return engine.db.transaction().execute(async (trx) => {
    const rows = await loadSubjectRows(trx, engine.store.dialect, unique, true);
    const missing = unique.filter((id) => !rows.has(id));
    if (missing.length > 0) throw unknownSubjects(missing);
    const changes: { id: string; from: string }[] = [];
    for (const id of unique) {
      const row = rows.get(id);
      if (!row || row.status === status) continue;
      if (Number(row.anonymous) === 1) throw protectedSubject(id, 'status');
      changes.push({ id, from: row.status });
    }
    const now = isoNow();
    for (const chunk of chunks(changes, idChunkSize)) {
      await trx
        .updateTable('subjects')
        .set({ status, status_changed_at: at, updated_at: now })
        .where(
          'id',
          'in',
          chunk.map((c) => c.id),
        )
        .execute();
      const history: Omit<SubjectStatusChangesTable, 'id'>[] = chunk.map((c) => ({
        subject_id: c.id,
        from_status: c.from,
        to_status: status,
        changed_at: at,
        actor,
      }));
      await trx.insertInto('subject_status_changes').values(history).execute();
    }
    const extra = options.reason === undefined ? {} : { reason: options.reason };
    if (changes.length > auditPerSubjectLimit) {
      await recordAudit(trx, engine.store.dialect, {
        actor,
        action: 'subject.status',
        targetType: 'subjects',
        targetId: 'bulk',
        details: { to: status, at, count: changes.length, changes, ...extra },
      });
    } else {
      for (const change of changes) {
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'subject.status',
          targetType: 'subject',
          targetId: change.id,
          details: { from: change.from, to: status, at, ...extra },
        });
      }
    }
    return { changed: changes.length, unchanged: unique.length - changes.length };
  });
}

function parseTimestamp(value: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `'at' must be an ISO-8601 date, not '${String(value)}'.`, {
      field: 'at',
    });
  }
  return new Date(value).toISOString();
}
