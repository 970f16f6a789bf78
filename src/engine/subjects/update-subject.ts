import { isoNow, type SubjectsTable } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { unknownSubjects } from './find-subjects.js';
import { rowToSubject, type Subject } from './subject.js';
import { parseInput, type SubjectPatch, updateSubjectSchema } from './subject-input.js';

const columns = {
  username: 'username',
  email: 'email',
  fullName: 'full_name',
  kind: 'kind',
  legacy: 'legacy',
} as const;

/**
 * Changes a subject's username, email, full name, kind or legacy flag. Status changes go through changeStatus.
 * LETHE_E_SUBJECT_UNKNOWN if no subject has this id; LETHE_E_INVALID_INPUT naming a bad or unknown field.
 */
export async function updateSubject(
  engine: Engine,
  actor: Actor,
  id: string,
  patch: SubjectPatch,
): Promise<Subject> {
  const values = parseInput(updateSubjectSchema, patch, 'The subject update');
  return engine.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('subjects')
      .selectAll()
      .where('id', '=', id)
      .$if(engine.store.dialect === 'postgres', (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!row) throw unknownSubjects([id]);
    const set: Partial<SubjectsTable> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, column] of Object.entries(columns) as [
      keyof typeof columns,
      (typeof columns)[keyof typeof columns],
    ][]) {
      const next = values[field];
      if (next === undefined) continue;
      const stored = field === 'legacy' ? (next === true ? 1 : 0) : next;
      if (row[column] === stored) continue;
      changes[field] = { from: field === 'legacy' ? row[column] === 1 : row[column], to: next };
      Object.assign(set, { [column]: stored });
    }
    if (Object.keys(changes).length === 0) return rowToSubject(row);
    set.updated_at = isoNow();
    await trx.updateTable('subjects').set(set).where('id', '=', id).execute();
    await recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'subject.update',
      targetType: 'subject',
      targetId: id,
      details: { changes },
    });
    return rowToSubject({ ...row, ...set });
  });
}
