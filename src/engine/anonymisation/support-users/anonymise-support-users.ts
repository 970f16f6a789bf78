import { LetheError } from '../../../errors/index.js';
import type { SubjectStatus } from '../../../items/index.js';
import type { Actor, Engine } from '../../engine.js';
import { getRequest, type LetheRequest, parsePlan, requestErase } from '../../requests/index.js';
import { readSettings } from '../../settings/index.js';
import { loadSubjectRows } from '../../subjects/index.js';
import { markAnonymisedSupportUsers } from './mark-anonymised-subjects.js';
import { supportKind, supportUserItemKey } from './support-constants.js';

export interface AnonymiseSupportInput {
  /** One or many support subjects. */
  subjectIds: readonly string[];
  /** The action is irreversible: it must be confirmed explicitly. */
  confirm: boolean;
  /** An administrator (default) or a host application through the API. */
  origin?: 'admin' | 'api';
  /** The host item that applies the rules; `helpdesk/anonymize-user` by default. */
  itemKey?: string;
}

/**
 * - `queued`: a new request will apply the rules;
 * - `already-queued`: an earlier anonymisation of the subject is still pending or running;
 * - `already-anonymised`: it succeeded before, so nothing runs again (the subject is marked, if it was not yet).
 */
export type SupportOutcome = 'queued' | 'already-queued' | 'already-anonymised';

export interface SupportAnonymisationResult {
  subjectId: string;
  outcome: SupportOutcome;
  /** The request that anonymises (or anonymised) the subject. */
  request: LetheRequest;
}

const maxSubjects = 10_000;

function checkIds(ids: unknown): string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Give at least one subject id.', { field: 'subjectIds' });
  }
  if (ids.length > maxSubjects) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `Give at most ${maxSubjects} subjects at once.`, {
      field: 'subjectIds',
    });
  }
  for (const id of ids) {
    if (typeof id !== 'string' || id === '' || id.length > 255) {
      throw new LetheError('LETHE_E_INVALID_INPUT', `'${String(id)}' is not a subject id.`, {
        field: 'subjectIds',
      });
    }
  }
  return [...new Set(ids as string[])];
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).map((id) => `'${id}'`);
  return `${shown.join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

/** Per subject, the latest request that anonymised them with the item and succeeded. */
async function succeededRuns(
  engine: Engine,
  ids: readonly string[],
  key: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await engine.db
      .selectFrom('requests as r')
      .innerJoin('request_items as ri', 'ri.request_id', 'r.id')
      .select(['r.subject_id', 'r.id'])
      .where('r.subject_id', 'in', ids.slice(i, i + 500))
      .where('r.kind', '=', 'purge')
      .where('r.dry_run', '=', 0)
      .where('r.status', '=', 'succeeded')
      .where('ri.item_key', '=', key)
      .where('ri.mode', '=', 'anonymise')
      .where('ri.status', '=', 'success')
      .execute();
    for (const row of rows) out.set(row.subject_id, Math.max(out.get(row.subject_id) ?? 0, Number(row.id)));
  }
  return out;
}

/** Per subject, its open (pending or running) purge, with whether it runs the item. */
async function openPurges(
  engine: Engine,
  ids: readonly string[],
  key: string,
): Promise<Map<string, { id: number; anonymises: boolean }>> {
  const out = new Map<string, { id: number; anonymises: boolean }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await engine.db
      .selectFrom('requests')
      .select(['id', 'subject_id', 'plan'])
      .where('subject_id', 'in', ids.slice(i, i + 500))
      .where('kind', '=', 'purge')
      .where('dry_run', '=', 0)
      .where('status', 'in', ['pending', 'running'])
      .execute();
    for (const row of rows) {
      const plan = parsePlan(row.plan) ?? [];
      out.set(row.subject_id, {
        id: Number(row.id),
        anonymises: plan.some((s) => s.key === key && s.mode === 'anonymise'),
      });
    }
  }
  return out;
}

/**
 * The helpdesk "Anonymize user" action, for one or many support users. The host item (`helpdesk/anonymize-user`)
 * applies the rules: rename "Anonymized", blank every other personal field but keep the company, blank the emails
 * they sent or received and system emails quoting their address (with issue descriptions made from their emails),
 * remove their address from other emails' CC and BCC, and inactivate them. Lethe runs it as a purge request (origin
 * `admin`, a plan with that item in `anonymise` mode) so it is recorded and reported; when it has succeeded,
 * `markAnonymisedSupportUsers` renames the Lethe subject too.
 *
 * All or nothing: every subject is checked before any request is made. Refusals, in this order:
 * LETHE_E_INVALID_INPUT, LETHE_E_CONFIRM_REQUIRED (no `confirm: true`), LETHE_E_ITEM_UNKNOWN (the item is not
 * registered), LETHE_E_MODE_UNSUPPORTED, LETHE_E_SUBJECT_UNKNOWN, LETHE_E_SUBJECT_PROTECTED (the anonymous user),
 * LETHE_E_SUBJECT_NOT_SUPPORT (kind is not `support`; all such subjects are named), LETHE_E_PURGE_OPEN (another
 * purge is open), LETHE_E_STATUS_NOT_ALLOWED. Idempotent: a subject already anonymised, or being anonymised, gets no
 * second request. The capability `userdata:anonymise` is checked by the API, not here.
 */
export async function anonymiseSupportUsers(
  engine: Engine,
  actor: Actor,
  input: AnonymiseSupportInput,
): Promise<SupportAnonymisationResult[]> {
  const origin = input.origin ?? 'admin';
  if (origin !== 'admin' && origin !== 'api') {
    throw new LetheError('LETHE_E_INVALID_INPUT', `The origin is admin or api, not '${String(origin)}'.`, {
      field: 'origin',
    });
  }
  const ids = checkIds(input.subjectIds);
  if (input.confirm !== true) {
    throw new LetheError(
      'LETHE_E_CONFIRM_REQUIRED',
      `"Anonymize user" is irreversible: confirm it explicitly (--confirm, or "confirm": true) to anonymise ${listed(ids)}.`,
      { subjectIds: ids, confirm: 'confirm' },
    );
  }
  const key = input.itemKey ?? supportUserItemKey;
  if (!engine.items.has(key)) {
    throw new LetheError(
      'LETHE_E_ITEM_UNKNOWN',
      `There is no item "${key}": "Anonymize user" needs the host's item that applies the helpdesk rules.`,
      { item: key },
    );
  }
  const capability = engine.items.get(key).modes.anonymise;
  if (!capability) {
    throw new LetheError('LETHE_E_MODE_UNSUPPORTED', `Item "${key}" can't be erased in mode "anonymise".`, {
      item: key,
      mode: 'anonymise',
    });
  }
  const rows = await loadSubjectRows(engine.db, engine.store.dialect, ids);
  const missing = ids.filter((id) => !rows.has(id));
  if (missing.length > 0) {
    throw new LetheError(
      'LETHE_E_SUBJECT_UNKNOWN',
      missing.length === 1
        ? `No subject has the id '${missing[0]}'.`
        : `No subjects have the ids ${listed(missing)}.`,
      { ids: missing },
    );
  }
  const settings = await readSettings(engine.db);
  const anonymous = ids.filter(
    (id) => Number(rows.get(id)?.anonymous) === 1 || id === settings.anonymousUserId,
  );
  if (anonymous.length > 0) {
    throw new LetheError(
      'LETHE_E_SUBJECT_PROTECTED',
      `Subject '${anonymous[0]}' is the anonymous user: it cannot be anonymised.`,
      { id: anonymous[0] },
    );
  }
  const notSupport = ids.filter((id) => rows.get(id)?.kind !== supportKind);
  if (notSupport.length > 0) {
    throw new LetheError(
      'LETHE_E_SUBJECT_NOT_SUPPORT',
      `"Anonymize user" applies to support users (kind '${supportKind}') only; not to ${listed(notSupport)}.`,
      { ids: notSupport },
    );
  }
  const done = await succeededRuns(engine, ids, key);
  const open = await openPurges(engine, ids, key);
  const blocked = ids.filter((id) => !done.has(id) && open.has(id) && !open.get(id)?.anonymises);
  if (blocked.length > 0) {
    const first = blocked[0] as string;
    throw new LetheError(
      'LETHE_E_PURGE_OPEN',
      `Another purge of ${listed(blocked)} is pending or running (request ${open.get(first)?.id}): wait for it, or cancel it.`,
      { subjectIds: blocked, requestId: open.get(first)?.id },
    );
  }
  const toQueue = ids.filter((id) => !done.has(id) && !open.has(id));
  const disallowed = toQueue.filter(
    (id) => !capability.statuses.includes(rows.get(id)?.status as SubjectStatus),
  );
  if (disallowed.length > 0) {
    const status = rows.get(disallowed[0] as string)?.status;
    throw new LetheError(
      'LETHE_E_STATUS_NOT_ALLOWED',
      `Item "${key}" does not allow mode "anonymise" for ${status} subjects (${listed(disallowed)}).`,
      { item: key, mode: 'anonymise', status, subjectIds: disallowed },
    );
  }

  const alreadyDone = ids.filter((id) => done.has(id));
  if (alreadyDone.length > 0)
    await markAnonymisedSupportUsers(engine, actor, { subjectIds: alreadyDone, itemKey: key });
  const results: SupportAnonymisationResult[] = [];
  for (const id of ids) {
    const previous = done.get(id);
    const pending = open.get(id);
    if (previous !== undefined) {
      results.push({
        subjectId: id,
        outcome: 'already-anonymised',
        request: await getRequest(engine, previous),
      });
    } else if (pending !== undefined) {
      results.push({
        subjectId: id,
        outcome: 'already-queued',
        request: await getRequest(engine, pending.id),
      });
    } else {
      const request = await requestErase(engine, actor, {
        subjectId: id,
        plan: [{ key, mode: 'anonymise' }],
        origin,
        details: { action: 'anonymise-support-user' },
      });
      results.push({ subjectId: id, outcome: 'queued', request });
    }
  }
  return results;
}
