import { rm } from 'node:fs/promises';
import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit } from '../audit/index.js';
import { type Actor, type Db, type Engine, effectiveActor } from '../engine.js';
import { readSettings } from '../settings/index.js';
import { getExportType } from '../types/index.js';
import { getRequest } from './get-request.js';
import { insertRequest } from './insert-request.js';
import { refuseAnonymous, requireSubject } from './purge-request-guards.js';
import { type ExportPlanStep, isUniqueViolation, type LetheRequest } from './request-model.js';
import { resolveExportItems } from './resolve-export-items.js';

export interface RequestExportInput {
  subjectId: string;
  /** The export type's idnumber or id; or else `items`. */
  type?: string | number;
  /**
   * Instead of a type: the components (`forum`) and items (`forum/posts`) to export, for this export only. Not for
   * `self` exports.
   */
  items?: readonly string[];
  /** `self` when the subject asks for their own data. */
  origin: 'self' | 'admin' | 'api';
}

/** What the package's manifest and report show as the type of an export by chosen items. */
export const selectedItemsType = { idnumber: 'selected-items', name: 'Selected items' } as const;

function exportOpenError(subjectId: string, requestId?: number, status?: string): LetheError {
  const what =
    status === 'succeeded' ? 'an export package that is still available' : 'an export pending or running';
  return new LetheError(
    'LETHE_E_EXPORT_OPEN',
    `Subject '${subjectId}' already has ${what}${requestId ? ` (request ${requestId})` : ''}. One export at a time: wait for it, or delete the available package first.`,
    { subjectId, ...(requestId ? { requestId } : {}), ...(status ? { status } : {}) },
  );
}

/** Marks an export's package expired inside the caller's transaction; the caller removes the file after commit. */
export async function markPackageGone(
  trx: Db,
  engine: Engine,
  actor: Actor,
  id: number,
  action: 'export.expire' | 'export.delete',
): Promise<void> {
  await trx
    .updateTable('requests')
    .set({ status: 'expired', file_path: null, download_token: null })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, engine.store.dialect, {
    actor,
    action,
    targetType: 'request',
    targetId: String(id),
  });
}

/**
 * Queues an export of one subject's data by an export type, or by a choice of components and items (Liferay's
 * "choose applications"; the request then carries a plan of `export` steps and no type). Refusals:
 * LETHE_E_INVALID_INPUT (origin; neither or both of type and items; see resolveExportItems), LETHE_E_ITEM_UNKNOWN,
 * LETHE_E_SUBJECT_UNKNOWN, LETHE_E_SUBJECT_PROTECTED, LETHE_E_TYPE_UNKNOWN; for `self`: LETHE_E_FORBIDDEN (another
 * subject asking), LETHE_E_SELF_EXPORT_DISABLED, LETHE_E_TYPE_NOT_SELF (also for a choice of items: subjects use a
 * type offered to them); LETHE_E_EXPORT_OPEN while another export is pending or running or its package is still
 * available (a package past its expiry is expired on the spot).
 */
export async function requestExport(
  engine: Engine,
  actor: Actor,
  input: RequestExportInput,
): Promise<LetheRequest> {
  if (!['self', 'admin', 'api'].includes(input.origin)) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `An export's origin is self, admin or api, not '${String(input.origin)}'.`,
      {
        field: 'origin',
      },
    );
  }
  const byType = input.type !== undefined && input.type !== null;
  const byItems = input.items !== undefined && input.items !== null;
  if (byType === byItems) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      byType
        ? 'Export by an export type or by chosen items, not both.'
        : 'Give an export type, or the components and items to export.',
      { field: byType ? 'items' : 'type' },
    );
  }
  const subject = await requireSubject(engine.db, input.subjectId);
  const settings = await readSettings(engine.db);
  refuseAnonymous(subject, settings, 'export');
  if (input.origin === 'self' && !byType) {
    throw new LetheError(
      'LETHE_E_TYPE_NOT_SELF',
      'Subjects export their own data by an export type offered to them, not by chosen items.',
      { field: 'items' },
    );
  }
  const plan: ExportPlanStep[] | null = byItems ? resolveExportItems(engine.items, input.items) : null;
  const type = input.type !== undefined && plan === null ? await getExportType(engine, input.type) : null;
  if (input.origin === 'self' && type) {
    const actingFor = effectiveActor(actor); // `account:1 as subject:ann` counts as ann
    if (actingFor.startsWith('subject:') && actingFor !== `subject:${subject.id}`) {
      throw new LetheError('LETHE_E_FORBIDDEN', 'A subject can only export their own data.', {
        subjectId: subject.id,
      });
    }
    if (!settings.allowSelfExport) {
      throw new LetheError(
        'LETHE_E_SELF_EXPORT_DISABLED',
        'Subjects may not export their own data here.',
        {},
      );
    }
    if (!type.allowSelf) {
      throw new LetheError(
        'LETHE_E_TYPE_NOT_SELF',
        `Export type '${type.idnumber}' is not offered to subjects for their own data.`,
        { type: type.idnumber },
      );
    }
  }
  const stale: string[] = [];
  let id: number;
  try {
    id = await engine.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('requests')
        .select(['id', 'status', 'expires_at', 'file_path'])
        .where('subject_id', '=', subject.id)
        .where('kind', '=', 'export')
        .where('status', 'in', ['pending', 'running', 'succeeded'])
        .executeTakeFirst();
      if (open) {
        const expired =
          open.status === 'succeeded' && (open.expires_at === null || open.expires_at <= isoNow());
        if (!expired) throw exportOpenError(subject.id, Number(open.id), open.status);
        await markPackageGone(trx, engine, 'system', Number(open.id), 'export.expire');
        if (open.file_path) stale.push(open.file_path);
      }
      return insertRequest(trx, engine, actor, {
        kind: 'export',
        subjectId: subject.id,
        origin: input.origin,
        subjectStatus: subject.status,
        ...(type
          ? { exportTypeId: type.id, details: { type: type.idnumber } }
          : { plan, details: { items: (plan ?? []).map((s) => s.key) } }),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exportOpenError(subject.id);
    throw error;
  }
  for (const path of stale) await rm(path, { force: true });
  return getRequest(engine, id);
}
