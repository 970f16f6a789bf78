import { sql } from 'kysely';
import { isoNow } from '../../../store/index.js';
import { recordAudit } from '../../audit/index.js';
import type { Actor, Engine } from '../../engine.js';
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
 * row; `suspended` and `deleted` stay). One transaction per subject, audited as `subject.anonymise`. Idempotent:
 * subjects already marked are left alone. With `subjectIds`, only those are looked at. The CLI calls it after
 * `--wait`, and `anonymiseSupportUsers` calls it for the subjects it is given; a worker hook or a scheduled job may
 * call it for all.
 */
export async function markAnonymisedSupportUsers(
  engine: Engine,
  actor: Actor,
  options: { subjectIds?: readonly string[]; itemKey?: string } = {},
): Promise<MarkedSubject[]> {
  const key = options.itemKey ?? supportUserItemKey;
  if (options.subjectIds && options.subjectIds.length === 0) return [];
  let query = engine.db
    .selectFrom('subjects as s')
    .innerJoin('requests as r', 'r.subject_id', 's.id')
    .innerJoin('request_items as ri', 'ri.request_id', 'r.id')
    .select([
      's.id',
      's.status',
      's.username',
      's.email',
      's.full_name',
      sql<number>`max(r.id)`.as('request_id'),
    ])
    .where('s.kind', '=', supportKind)
    .where('s.anonymous', '=', 0)
    .where('r.kind', '=', 'purge')
    .where('r.dry_run', '=', 0)
    .where('r.status', '=', 'succeeded')
    .where('ri.item_key', '=', key)
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
    .groupBy(['s.id', 's.status', 's.username', 's.email', 's.full_name']);
  if (options.subjectIds) query = query.where('s.id', 'in', [...options.subjectIds]);
  const rows = await query.execute();
  const marked: MarkedSubject[] = [];
  for (const row of rows) {
    const to = row.status === 'active' ? 'suspended' : row.status;
    await engine.db.transaction().execute(async (trx) => {
      const now = isoNow();
      await trx
        .updateTable('subjects')
        .set({
          full_name: anonymisedName,
          username: anonymisedUsername(row.id),
          email: '',
          updated_at: now,
          ...(to !== row.status ? { status: to, status_changed_at: now } : {}),
        })
        .where('id', '=', row.id)
        .execute();
      if (to !== row.status) {
        await trx
          .insertInto('subject_status_changes')
          .values({ subject_id: row.id, from_status: row.status, to_status: to, changed_at: now, actor })
          .execute();
      }
      await recordAudit(trx, engine.store.dialect, {
        actor,
        action: 'subject.anonymise',
        targetType: 'subject',
        targetId: row.id,
        details: { request: Number(row.request_id), from: row.status, to, item: key },
      });
    });
    marked.push({ subjectId: row.id, requestId: Number(row.request_id), from: row.status, to });
  }
  return marked;
}
