import { LetheError } from '../../errors/index.js';
import { isoNow, type SubjectsTable } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { rowToSubject, type Subject } from './subject.js';
import { parseInput, type RegisterSubjectInput, registerSubjectSchema } from './subject-input.js';

/**
 * Registers one subject. Its first status is recorded in its status history.
 * LETHE_E_SUBJECT_EXISTS for a duplicate id, LETHE_E_STATUS_INVALID for a bad status, LETHE_E_INVALID_INPUT
 * naming any other bad field.
 */
export async function registerSubject(
  engine: Engine,
  actor: Actor,
  input: RegisterSubjectInput,
): Promise<Subject> {
  const values = parseInput(registerSubjectSchema, input, 'The subject');
  const now = isoNow();
  const row: SubjectsTable = {
    id: values.id,
    username: values.username,
    email: values.email,
    full_name: values.fullName,
    kind: values.kind,
    status: values.status,
    status_changed_at: values.statusChangedAt ?? now,
    suspended_purge_type_id: null,
    deleted_purge_type_id: null,
    legacy: values.legacy ? 1 : 0,
    anonymous: 0,
    created_at: now,
    updated_at: now,
  };
  await engine.db.transaction().execute(async (trx) => {
    const result = await trx
      .insertInto('subjects')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw new LetheError('LETHE_E_SUBJECT_EXISTS', `A subject with the id '${values.id}' already exists.`, {
        id: values.id,
      });
    }
    await trx
      .insertInto('subject_status_changes')
      .values({
        subject_id: row.id,
        from_status: null,
        to_status: row.status,
        changed_at: row.status_changed_at,
        actor,
      })
      .execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'subject.create',
      targetType: 'subject',
      targetId: row.id,
      details: {
        username: row.username,
        kind: row.kind,
        status: row.status,
        legacy: values.legacy,
      },
    });
  });
  return rowToSubject(row);
}
