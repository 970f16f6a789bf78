import { LetheError } from '../../errors/index.js';
import type { Actor, Engine } from '../engine.js';
import {
  createPurgeRequest,
  getRequest,
  type LetheRequest,
  refuseAnonymous,
  requireSubject,
} from '../requests/index.js';
import { readSettings } from '../settings/index.js';
import { getPurgeType } from '../types/index.js';

export interface RequestPurgeInput {
  subjectId: string;
  /** The purge type's idnumber or id. */
  type: string | number;
  /** Who is asking: an administrator (default) or a host application through the API. */
  origin?: 'admin' | 'api';
  /** Report what would be erased, item by item, and change nothing. */
  dryRun?: boolean;
  /** Purging an active subject is risky: it needs this. */
  confirmActive?: boolean;
}

/**
 * Queues a manual purge (or a dry run) of one subject by a purge type. Refusals, in this order:
 * LETHE_E_SUBJECT_UNKNOWN, LETHE_E_SUBJECT_PROTECTED (the anonymous user), LETHE_E_TYPE_UNKNOWN,
 * LETHE_E_TYPE_NOT_MANUAL, LETHE_E_TYPE_STATUS_MISMATCH, LETHE_E_CONFIRM_REQUIRED (an active subject without
 * confirmActive; a dry run needs none), LETHE_E_PURGE_OPEN (a purge is pending or running; dry runs are not counted).
 * Legacy subjects may be purged this way.
 */
export async function requestPurge(
  engine: Engine,
  actor: Actor,
  input: RequestPurgeInput,
): Promise<LetheRequest> {
  const origin = input.origin ?? 'admin';
  if (origin !== 'admin' && origin !== 'api') {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `A manual purge's origin is admin or api, not '${String(origin)}'.`,
      {
        field: 'origin',
      },
    );
  }
  const subject = await requireSubject(engine.db, input.subjectId);
  refuseAnonymous(subject, await readSettings(engine.db), 'purge');
  const type = await getPurgeType(engine, input.type);
  if (!type.allowManual) {
    throw new LetheError(
      'LETHE_E_TYPE_NOT_MANUAL',
      `Purge type '${type.idnumber}' does not allow manual use: only automatic purges use it.`,
      { type: type.idnumber },
    );
  }
  if (type.status !== subject.status) {
    throw new LetheError(
      'LETHE_E_TYPE_STATUS_MISMATCH',
      `Purge type '${type.idnumber}' is for ${type.status} subjects, but subject '${subject.id}' is ${subject.status}.`,
      { type: type.idnumber, typeStatus: type.status, subjectId: subject.id, subjectStatus: subject.status },
    );
  }
  const dryRun = input.dryRun === true;
  if (subject.status === 'active' && !dryRun && input.confirmActive !== true) {
    throw new LetheError(
      'LETHE_E_CONFIRM_REQUIRED',
      `Subject '${subject.id}' is active: purging an active subject needs explicit confirmation (--confirm-active).`,
      { subjectId: subject.id, confirm: 'confirmActive' },
    );
  }
  const id = await createPurgeRequest(engine, actor, {
    subjectId: subject.id,
    subjectStatus: subject.status,
    origin,
    purgeTypeId: type.id,
    dryRun,
    details: { type: type.idnumber, ...(subject.legacy ? { legacy: true } : {}) },
  });
  return getRequest(engine, id);
}
