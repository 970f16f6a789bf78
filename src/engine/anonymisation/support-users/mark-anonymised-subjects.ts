import { sql } from 'kysely';
import { idList, isoNow, textList } from '../../../store/index.js';
import { recordAuditEach } from '../../audit/index.js';
import type { Actor, Db, Engine } from '../../engine.js';
import { supportKind, supportUserItemKey } from './support-constants.js';

/** How an anonymised support user looks in Lethe, as in the helpdesk: renamed, without email, inactive. */
export const anonymisedName = 'Anonymized';

export function anonymisedUsername(id: string): string {
  return `anonymized-${id}`;
}

export interface MarkedSubject {
  subjectId: string;
  /** The request whose "Anonymize user" item succeeded. */
  requestId: number;
  /** The status before: `active` subjects become `suspended`. */
  from: string;
  to: string;
}

/**
 * Lethe's side of "Anonymize user", once the host has done its part: for each support subject whose anonymisation
 * request succeeded and who still looks like themselves, it renames the subject "Anonymized" (username
 * `anonymized-<id>`), blanks the email, and inactivates them (`active` becomes `suspended`, with a status history
 * row; `suspended` and `deleted` stay). Set-based: one transaction and a few statements for all of them, audited
 * as `subject.anonymise` (one event each, or one listing them all above 100). Idempotent: subjects already marked
 * are left alone. With `subjectIds`, only those are looked at; with `requestIds` (the worker, after a batch), only
 * the subjects of those requests. The CLI calls it after `--wait`, and `anonymiseSupportUsers` calls it for the
 * subjects it is given. With `trx`, it works inside that transaction (the worker's, which ends the requests: so
 * that a worker killed after the requests ended cannot leave this undone), else in one of its own.
 */
export async function markAnonymisedSupportUsers(
  engine: Engine,
  actor: Actor,
  options: { subjectIds?: readonly string[]; requestIds?: readonly number[]; itemKey?: string } = {},
  trx?: Db,
): Promise<MarkedSubject[]> {
  const key = options.itemKey ?? supportUserItemKey;
  if (options.subjectIds?.length === 0 || options.requestIds?.length === 0) return [];
  const dialect = engine.store.dialect;
  let query = (trx ?? engine.db)
    .selectFrom('subjects as s')
    .innerJoin('requests as r', 'r.subject_id', 's.id')
    .innerJoin('request_items as ri', (join) =>
      join.onRef('ri.request_id', '=', 'r.id').on('ri.item_key', '=', key),
    )
    .select(['s.id', 's.status', sql<number>`max(r.id)`.as('request_id')])
    .where('s.kind', '=', supportKind)
    .where('s.anonymous', '=', 0)
    .where('r.kind', '=', 'purge')
    .where('r.dry_run', '=', 0)
    .where('r.status', '=', 'succeeded')
    .where('ri.mode', '=', 'anonymise')
    .where('ri.status', '=', 'success')
    .where((eb) =>
      eb.or([
        eb('s.full_name', '<>', anonymisedName),
        eb('s.email', '<>', ''),
        eb('s.status', '=', 'active'),
        eb('s.username', '<>', sql<string>`'anonymized-' || s.id`),
      ]),
    )
    .groupBy(['s.id', 's.status']);
  if (options.subjectIds) query = query.where('s.id', 'in', textList(dialect, options.subjectIds));
  if (options.requestIds) query = query.where('r.id', 'in', idList(dialect, options.requestIds));
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const marked: MarkedSubject[] = rows.map((row) => ({
    subjectId: row.id,
    requestId: Number(row.request_id),
    from: row.status,
    to: row.status === 'active' ? 'suspended' : row.status,
  }));
  const write = async (trx: Db) => {
    const now = isoNow();
    const activated = marked.filter((m) => m.from !== m.to).map((m) => m.subjectId);
    if (activated.length > 0) {
      await trx
        .updateTable('subjects')
        .set({ status: 'suspended', status_changed_at: now })
        .where('id', 'in', textList(dialect, activated))
        .where('status', '=', 'active')
        .execute();
      await trx
        .insertInto('subject_status_changes')
        .values(
          activated.map((id) => ({
            subject_id: id,
            from_status: 'active',
            to_status: 'suspended',
            changed_at: now,
            actor,
          })),
        )
        .execute();
    }
    await trx
      .updateTable('subjects')
      .set({
        full_name: anonymisedName,
        username: sql<string>`'anonymized-' || id`,
        email: '',
        updated_at: now,
      })
      .where(
        'id',
        'in',
        textList(
          dialect,
          marked.map((m) => m.subjectId),
        ),
      )
      .execute();
    const details = (m: MarkedSubject) => ({ request: m.requestId, from: m.from, to: m.to, item: key });
    await recordAuditEach(
      trx,
      dialect,
      marked,
      (m) => ({
        actor,
        action: 'subject.anonymise',
        targetType: 'subject',
        targetId: m.subjectId,
        details: details(m),
      }),
      (all) => ({
        actor,
        action: 'subject.anonymise',
        targetType: 'subjects',
        targetId: 'bulk',
        details: { count: all.length, subjects: all.map((m) => ({ subject: m.subjectId, ...details(m) })) },
      }),
    );
  };
  if (trx) await write(trx);
  else await engine.db.transaction().execute(write);
  return marked;
}
