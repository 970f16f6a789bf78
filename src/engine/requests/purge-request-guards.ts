import { LetheError } from '../../errors/index.js';
import type { Db } from '../engine.js';
import type { Settings } from '../settings/index.js';
import type { Subject } from '../subjects/index.js';
import { findSubject } from '../subjects/index.js';

/** The subject, or LETHE_E_SUBJECT_UNKNOWN. */
export async function requireSubject(db: Db, id: unknown): Promise<Subject> {
  if (typeof id !== 'string' || id === '') {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Give the subject id.', { field: 'subjectId' });
  }
  const subject = await findSubject(db, id);
  if (!subject) throw new LetheError('LETHE_E_SUBJECT_UNKNOWN', `No subject has the id '${id}'.`, { id });
  return subject;
}

/** LETHE_E_SUBJECT_PROTECTED for the anonymous user, whose data is never exported or purged. */
export function refuseAnonymous(subject: Subject, settings: Settings, what: 'export' | 'purge'): void {
  if (subject.anonymous || subject.id === settings.anonymousUserId) {
    throw new LetheError(
      'LETHE_E_SUBJECT_PROTECTED',
      `Subject '${subject.id}' is the anonymous user: it cannot be ${what === 'export' ? 'exported' : 'purged'}.`,
      { id: subject.id },
    );
  }
}

export function purgeOpenError(subjectId: string, requestId?: number): LetheError {
  return new LetheError(
    'LETHE_E_PURGE_OPEN',
    `Subject '${subjectId}' already has a purge pending or running${requestId ? ` (request ${requestId})` : ''}.`,
    { subjectId, ...(requestId ? { requestId } : {}) },
  );
}

/** The open (pending or running, not dry-run) purge of a subject, if any. */
export async function openPurgeId(db: Db, subjectId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('requests')
    .select('id')
    .where('subject_id', '=', subjectId)
    .where('kind', '=', 'purge')
    .where('dry_run', '=', 0)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}
