import { type RawBuilder, sql } from 'kysely';
import { isoNow } from '../../store/index.js';
import { recordAuditEach } from '../audit/index.js';
import type { Actor, Engine } from '../engine.js';
import { readSettings } from '../settings/index.js';

export interface ScanResult {
  /** How many subjects were enqueued. */
  enqueued: number;
  /** The new requests, in queue order. */
  requests: { id: number; subjectId: string }[];
}

/** The settings the due rule reads. */
type DueSettings = Awaited<ReturnType<typeof readSettings>>;

/**
 * The rule, as SQL: `from subjects s join purge_types t ... where ...`, one row per subject due an automatic purge,
 * with `t` its effective purge type. Shared by the scan (which enqueues them) and dueAutomaticPurges (which lists
 * them), so the two never disagree.
 */
function dueFrom(settings: DueSettings): RawBuilder<unknown> {
  return sql`
      from subjects s
      join purge_types t on t.id = case
        when s.status = 'suspended' then coalesce(s.suspended_purge_type_id, ${settings.defaultSuspendedPurgeTypeId})
        else coalesce(s.deleted_purge_type_id, ${settings.defaultDeletedPurgeTypeId}) end
      where s.status in ('suspended', 'deleted')
        and s.legacy = 0
        and s.anonymous = 0
        and s.id <> ${settings.anonymousUserId ?? ''}
        and t.allow_automatic = 1
        and t.status = s.status
        and not exists (
          select 1 from requests r
          where r.subject_id = s.id and r.kind = 'purge' and r.dry_run = 0 and r.status in ('pending', 'running'))
        and not exists (
          select 1 from requests r
          where r.subject_id = s.id and r.kind = 'purge' and r.dry_run = 0 and r.purge_type_id = t.id
            and r.status in ('succeeded', 'cancelled')
            -- coalesce (created_at is never null) keeps SQLite off the (kind, created_at) index here: with it, each
            -- subject read every purge made since its status changed, a time that grew with the square of the
            -- deleted subjects. Looked up by subject (requests_subject_finished), it stays linear.
            and coalesce(r.created_at, '') >= case
              when t.reapplied_at is not null and t.reapplied_at > s.status_changed_at then t.reapplied_at
              else s.status_changed_at end)`;
}

/** A subject the next scan will enqueue. */
export interface DuePurge {
  subjectId: string;
  fullName: string;
  status: 'suspended' | 'deleted';
  /** The effective purge type. */
  typeId: number;
  typeIdnumber: string;
  /** When the subject's status last changed. */
  since: string;
}

export interface DuePurges {
  /** How many subjects are due. */
  total: number;
  /** The first `limit` of them, in the order the scan enqueues them (longest waiting first). */
  subjects: DuePurge[];
}

/**
 * The subjects due an automatic purge (the scan's rule, see scanAutomaticPurges), without enqueuing anything:
 * their number and the first `limit` (50 by default, at most 1000).
 */
export async function dueAutomaticPurges(
  engine: Engine,
  options: { limit?: number } = {},
): Promise<DuePurges> {
  const limit = Math.max(0, Math.min(1000, Math.trunc(options.limit ?? 50)));
  const settings = await readSettings(engine.db);
  const from = dueFrom(settings);
  const counted = await sql<{ n: number | string }>`select count(*) as n ${from}`.execute(engine.db);
  const total = Number(counted.rows[0]?.n ?? 0);
  if (total === 0 || limit === 0) return { total, subjects: [] };
  const rows = await sql<{
    id: string;
    full_name: string;
    status: string;
    type_id: number | string;
    type_idnumber: string;
    since: string;
  }>`select s.id, s.full_name, s.status, t.id as type_id, t.idnumber as type_idnumber, s.status_changed_at as since
      ${from}
      order by s.status_changed_at, s.id
      limit ${limit}`.execute(engine.db);
  return {
    total,
    subjects: rows.rows.map((r) => ({
      subjectId: r.id,
      fullName: r.full_name,
      status: r.status as DuePurge['status'],
      typeId: Number(r.type_id),
      typeIdnumber: r.type_idnumber,
      since: r.since,
    })),
  };
}

/**
 * The automatic purge scan. A subject is due when all of these hold: its status is `suspended` or `deleted`; it is
 * neither legacy nor the anonymous user; its effective purge type (its own assignment for that status, else the
 * settings' default) allows automatic use and has the subject's status; no purge of it is pending or running; and it
 * has not been purged by that type since the later of its last status change and the type's last reapply ("purged"
 * means a request of that type that succeeded, or was cancelled by someone; one that failed or timed out is tried
 * again). Each due subject is enqueued once, with origin `automatic:<status>`, by one set-based INSERT ... SELECT.
 */
export async function scanAutomaticPurges(engine: Engine, actor: Actor = 'system'): Promise<ScanResult> {
  const settings = await readSettings(engine.db);
  const now = isoNow();
  const rows = await engine.db.transaction().execute(async (trx) => {
    const inserted = await sql<{ id: number; subject_id: string }>`
      insert into requests (kind, subject_id, origin, status, purge_type_id, dry_run, requested_by, created_at,
        attempts, max_attempts, subject_status)
      select 'purge', s.id, 'automatic:' || s.status, 'pending', t.id, 0, ${actor}, ${now},
        0, cast(${engine.config.worker.maxAttempts} as integer), s.status
      ${dueFrom(settings)}
      order by s.status_changed_at, s.id
      on conflict do nothing
      returning id, subject_id`.execute(trx);
    const made = inserted.rows
      .map((r) => ({ id: Number(r.id), subjectId: r.subject_id }))
      .sort((a, b) => a.id - b.id);
    await recordAuditEach(
      trx,
      engine.store.dialect,
      made,
      (r) => ({
        actor,
        action: 'request.create',
        targetType: 'request',
        targetId: String(r.id),
        details: { kind: 'purge', subject: r.subjectId, origin: 'automatic' },
      }),
      (all) => ({
        actor,
        action: 'request.create',
        targetType: 'requests',
        targetId: 'bulk',
        details: { kind: 'purge', origin: 'automatic', count: all.length, requests: all },
      }),
    );
    return made;
  });
  return { enqueued: rows.length, requests: rows };
}

/**
 * True when something the scan depends on changed since `since`: a subject (status, assignment), a purge type
 * (saved or reapplied), or a setting. `worker --once` scans when this holds, even inside the interval.
 */
export async function scanInputsChangedSince(engine: Engine, since: string): Promise<boolean> {
  const subject = await engine.db
    .selectFrom('subjects')
    .select('id')
    .where('updated_at', '>', since)
    .limit(1)
    .executeTakeFirst();
  if (subject) return true;
  const type = await engine.db
    .selectFrom('purge_types')
    .select('id')
    .where((eb) => eb.or([eb('updated_at', '>', since), eb('reapplied_at', '>', since)]))
    .limit(1)
    .executeTakeFirst();
  if (type) return true;
  const setting = await engine.db
    .selectFrom('settings')
    .select('key')
    .where('updated_at', '>', since)
    .limit(1)
    .executeTakeFirst();
  return setting !== undefined;
}
