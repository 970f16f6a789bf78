import type { SubjectStatus } from '../../items/index.js';
import type { Engine } from '../engine.js';
import { findSubject, unknownSubjects } from './find-subjects.js';

export interface StatusChange {
  /** null for the status the subject was registered with. */
  from: SubjectStatus | null;
  to: SubjectStatus;
  at: string;
  actor: string;
}

/** Every status a subject has had, oldest first. LETHE_E_SUBJECT_UNKNOWN if no subject has this id. */
export async function statusHistory(engine: Engine, id: string): Promise<StatusChange[]> {
  if (!(await findSubject(engine.db, id))) throw unknownSubjects([id]);
  const rows = await engine.db
    .selectFrom('subject_status_changes')
    .selectAll()
    .where('subject_id', '=', id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    from: r.from_status as SubjectStatus | null,
    to: r.to_status as SubjectStatus,
    at: r.changed_at,
    actor: r.actor,
  }));
}
