import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import type { BulkChangeResult } from './change-status.js';
import { auditPerSubjectLimit } from './change-status.js';
import { findPurgeTypeByRef } from './find-purge-type.js';
import {
  chunks,
  idChunkSize,
  loadSubjectRows,
  protectedSubject,
  uniqueIds,
  unknownSubjects,
} from './find-subjects.js';

export type DeactivatedStatus = 'suspended' | 'deleted';

/**
 * Assigns the purge type that applies to these subjects when they are `status` (suspended or deleted), in place of
 * the settings' default; null clears the assignment. The type is given by idnumber or id and must exist
 * (LETHE_E_TYPE_UNKNOWN) and be for that status (LETHE_E_TYPE_STATUS_MISMATCH). All or nothing: unknown ids
 * (LETHE_E_SUBJECT_UNKNOWN) or the anonymous user (LETHE_E_SUBJECT_PROTECTED) change nothing.
 */
export async function assignPurgeType(
  engine: Engine,
  actor: Actor,
  ids: string[],
  status: DeactivatedStatus,
  purgeTypeRef: string | number | null,
): Promise<BulkChangeResult> {
  if (status !== 'suspended' && status !== 'deleted') {
    throw new LetheError(
      'LETHE_E_STATUS_INVALID',
      `Purge types are assigned for the status suspended or deleted, not '${String(status)}'.`,
      { status },
    );
  }
  const unique = uniqueIds(ids);
  const column = status === 'suspended' ? 'suspended_purge_type_id' : 'deleted_purge_type_id';
  return engine.db.transaction().execute(async (trx) => {
    let typeId: number | null = null;
    let typeIdnumber: string | null = null;
    if (purgeTypeRef !== null) {
      const type = await findPurgeTypeByRef(trx, purgeTypeRef);
      if (type.status !== status) {
        throw new LetheError(
          'LETHE_E_TYPE_STATUS_MISMATCH',
          `Purge type '${type.idnumber}' is for ${type.status} subjects, so it cannot be assigned for ${status} subjects.`,
          { type: type.idnumber, typeStatus: type.status, status },
        );
      }
      typeId = type.id;
      typeIdnumber = type.idnumber;
    }
    const rows = await loadSubjectRows(trx, engine.store.dialect, unique, true);
    const missing = unique.filter((id) => !rows.has(id));
    if (missing.length > 0) throw unknownSubjects(missing);
    const changes: { id: string; from: number | null }[] = [];
    for (const id of unique) {
      const row = rows.get(id);
      if (!row) continue;
      const current = row[column] === null ? null : Number(row[column]);
      if (current === typeId) continue;
      if (Number(row.anonymous) === 1) throw protectedSubject(id, 'purge type');
      changes.push({ id, from: current });
    }
    const now = isoNow();
    for (const chunk of chunks(changes, idChunkSize)) {
      await trx
        .updateTable('subjects')
        .set({ [column]: typeId, updated_at: now })
        .where(
          'id',
          'in',
          chunk.map((c) => c.id),
        )
        .execute();
    }
    const base = { status, typeId, type: typeIdnumber };
    if (changes.length > auditPerSubjectLimit) {
      await recordAudit(trx, engine.store.dialect, {
        actor,
        action: 'subject.assign-purge-type',
        targetType: 'subjects',
        targetId: 'bulk',
        details: { ...base, count: changes.length, changes },
      });
    } else {
      for (const change of changes) {
        await recordAudit(trx, engine.store.dialect, {
          actor,
          action: 'subject.assign-purge-type',
          targetType: 'subject',
          targetId: change.id,
          details: { ...base, fromTypeId: change.from },
        });
      }
    }
    return { changed: changes.length, unchanged: unique.length - changes.length };
  });
}
