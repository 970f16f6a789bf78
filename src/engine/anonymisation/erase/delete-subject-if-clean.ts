import { LetheError } from '../../../errors/index.js';
import type { Actor, Engine } from '../../engine.js';
import { openPurgeId, purgeOpenError, refuseAnonymous, requireSubject } from '../../requests/index.js';
import { readSettings } from '../../settings/index.js';
import { changeStatus, getSubject, type Subject } from '../../subjects/index.js';
import { personalDataSummary } from '../summary/personal-data-summary.js';
import { refuseActive } from './request-erasure.js';

export interface CleanDeletion {
  subject: Subject;
  /** False when the subject was already deleted. */
  changed: boolean;
  /**
   * Items that still hold data but that no mode may erase while the subject is not deleted (such as names and the
   * email address): deleting the subject is what lets a purge for deleted subjects erase them.
   */
  remaining: { key: string; count: number }[];
}

/**
 * The last step of "Delete Personal Data": once the summary shows nothing left, the admin deletes the subject. The
 * subject's status becomes `deleted` (recorded in its status history and audited as `subject.status` with the
 * reason); the subject itself stays, as the record of who was erased. "Nothing left" means no item that could be
 * erased now holds data: data that no mode may erase under the current status (names and email addresses, which
 * only deleted subjects may lose) is reported as `remaining`, not held against it, and items that cannot count are
 * ignored. Refusals: LETHE_E_SUBJECT_UNKNOWN, LETHE_E_SUBJECT_PROTECTED, LETHE_E_SUBJECT_ACTIVE, LETHE_E_PURGE_OPEN
 * (a purge is still pending or running), and LETHE_E_DATA_LEFT naming the items that still hold data or could not
 * count it.
 */
export async function deleteSubjectIfClean(engine: Engine, actor: Actor, id: string): Promise<CleanDeletion> {
  const subject = await requireSubject(engine.db, id);
  refuseAnonymous(subject, await readSettings(engine.db), 'purge');
  refuseActive(subject, 'delete them');
  const open = await openPurgeId(engine.db, subject.id);
  if (open !== undefined) throw purgeOpenError(subject.id, open);
  const summary = await personalDataSummary(engine, subject.id);
  const items = summary.components.flatMap((c) => c.items);
  const holding = items.filter((i) => (i.count ?? 0) > 0);
  const erasableNow = (i: (typeof items)[number]) => Object.values(i.modes).some((m) => m?.allowed);
  const left = holding.filter(erasableNow).map((i) => ({ key: i.key, count: i.count ?? 0 }));
  const remaining = holding.filter((i) => !erasableNow(i)).map((i) => ({ key: i.key, count: i.count ?? 0 }));
  const failed = items
    .filter((i) => i.error !== undefined)
    .map((i) => ({ key: i.key, error: i.error ?? '' }));
  if (left.length > 0 || failed.length > 0) {
    const parts = [
      ...(left.length > 0 ? [`data is left in ${left.map((l) => `${l.key} (${l.count})`).join(', ')}`] : []),
      ...(failed.length > 0 ? [`${failed.map((f) => f.key).join(', ')} could not be counted`] : []),
    ];
    throw new LetheError(
      'LETHE_E_DATA_LEFT',
      `Subject '${subject.id}' cannot be deleted yet: ${parts.join('; ')}. Erase it first.`,
      { subjectId: subject.id, left, failed },
    );
  }
  if (subject.status === 'deleted') return { subject, changed: false, remaining };
  const result = await changeStatus(engine, actor, [subject.id], 'deleted', {
    reason: 'Delete Personal Data: no personal data left',
  });
  return { subject: await getSubject(engine, subject.id), changed: result.changed > 0, remaining };
}
