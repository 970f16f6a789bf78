import { isoNow, type SubjectsTable } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { defaultAnonymousSubjectId, findSubject, type Subject } from '../subjects/index.js';
import { readSettings } from './read-settings.js';
import { markAnonymous } from './update-settings.js';

/**
 * The anonymous user that anonymised content is attributed to: the configured subject, or, when none is
 * configured, the subject `lethe-anonymous` ("Anonymous", kind `system`), created on first use, stored in the
 * settings and audited. Idempotent, and safe when called concurrently.
 */
export async function getAnonymousUser(engine: Engine, actor: Actor): Promise<Subject> {
  const configured = (await readSettings(engine.db)).anonymousUserId;
  if (configured !== null) {
    const subject = await findSubject(engine.db, configured);
    if (subject) return subject;
  }
  await engine.db.transaction().execute(async (trx) => {
    // Another caller may have configured one since we looked.
    const current = (await readSettings(trx)).anonymousUserId;
    if (current !== null && current !== configured && (await findSubject(trx, current))) return;
    const now = isoNow();
    const row: SubjectsTable = {
      id: defaultAnonymousSubjectId,
      username: 'anonymous',
      email: '',
      full_name: 'Anonymous',
      kind: 'system',
      status: 'active',
      status_changed_at: now,
      suspended_purge_type_id: null,
      deleted_purge_type_id: null,
      legacy: 0,
      anonymous: 1,
      created_at: now,
      updated_at: now,
    };
    const inserted = await trx
      .insertInto('subjects')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      await trx
        .insertInto('subject_status_changes')
        .values({ subject_id: row.id, from_status: null, to_status: 'active', changed_at: now, actor })
        .execute();
      await recordAudit(trx, engine.store.dialect, {
        actor,
        action: 'subject.create',
        targetType: 'subject',
        targetId: row.id,
        details: { username: row.username, kind: row.kind, status: row.status, anonymous: true },
      });
    } else {
      // A subject with this id exists already (made by an earlier call): make sure it is marked.
      await markAnonymous(trx, engine, actor, row.id);
    }
    // Re-read: on PostgreSQL a concurrent caller's insert made ours wait, and it has committed the setting since.
    const latest = (await readSettings(trx)).anonymousUserId;
    if (latest !== row.id) {
      await trx
        .insertInto('settings')
        .values({ key: 'anonymousUserId', value: JSON.stringify(row.id), updated_at: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      await recordAudit(trx, engine.store.dialect, {
        actor,
        action: 'settings.update',
        targetType: 'settings',
        targetId: 'anonymousUserId',
        details: { changes: { anonymousUserId: { from: latest, to: row.id } } },
      });
    }
  });
  const settings = await readSettings(engine.db);
  const subject =
    settings.anonymousUserId === null ? undefined : await findSubject(engine.db, settings.anonymousUserId);
  if (!subject) throw new Error('The anonymous user could not be created.');
  return subject;
}
