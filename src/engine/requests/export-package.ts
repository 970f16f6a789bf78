import { rm } from 'node:fs/promises';
import { LetheError } from '../../errors/index.js';
import { isoNow } from '../../store/index.js';
import { recordAudit, recordAuditEach } from '../audit/index.js';
import { type Actor, type Engine, effectiveActor } from '../engine.js';
import { markPackageGone } from './request-export.js';
import { type RequestRow, requestId, unknownRequest } from './request-model.js';

async function availableExport(
  engine: Engine,
  actor: Actor,
  id: number | string,
): Promise<RequestRow & { file_path: string }> {
  const key = requestId(id);
  const row = await engine.db.selectFrom('requests').selectAll().where('id', '=', key).executeTakeFirst();
  if (!row) throw unknownRequest(key);
  if (row.kind !== 'export') {
    throw new LetheError('LETHE_E_INVALID_INPUT', `Request ${key} is a ${row.kind}, not an export.`, {
      id: key,
    });
  }
  const actingFor = effectiveActor(actor); // `account:1 as subject:ann` counts as ann
  if (actingFor.startsWith('subject:') && actingFor !== `subject:${row.subject_id}`) {
    throw new LetheError('LETHE_E_FORBIDDEN', 'A subject can only reach their own export.', { id: key });
  }
  if (
    row.status !== 'succeeded' ||
    row.file_path === null ||
    (row.expires_at !== null && row.expires_at <= isoNow())
  ) {
    throw new LetheError(
      'LETHE_E_EXPORT_UNAVAILABLE',
      `The package of request ${key} is not available (the request is ${row.status}).`,
      { id: key, status: row.status },
    );
  }
  return row as RequestRow & { file_path: string };
}

/**
 * Removes an available export package at its owner's (or an administrator's) wish, so that a new export can be
 * made: the file is deleted and the request becomes `expired`. LETHE_E_REQUEST_UNKNOWN, LETHE_E_FORBIDDEN (another
 * subject), LETHE_E_EXPORT_UNAVAILABLE (nothing to delete).
 */
export async function deleteExportPackage(engine: Engine, actor: Actor, id: number | string): Promise<void> {
  const row = await availableExport(engine, actor, id);
  await engine.db
    .transaction()
    .execute((trx) => markPackageGone(trx, engine, actor, Number(row.id), 'export.delete'));
  await rm(row.file_path, { force: true });
}

export interface DownloadInfo {
  requestId: number;
  subjectId: string;
  path: string;
  size: number;
  sha256: string;
  /** A file name to offer the browser. */
  fileName: string;
}

/**
 * Records a download of an export package (an `export.download` audit event) and says where the package is.
 * With `token`, it must be the request's download token (LETHE_E_NOT_FOUND otherwise, so tokens cannot be probed).
 */
export async function recordDownload(
  engine: Engine,
  actor: Actor,
  id: number | string,
  options: { token?: string } = {},
): Promise<DownloadInfo> {
  const row = await availableExport(engine, actor, id);
  if (options.token !== undefined && options.token !== row.download_token) {
    throw new LetheError('LETHE_E_NOT_FOUND', 'There is no such download.', {});
  }
  await engine.db.transaction().execute((trx) =>
    recordAudit(trx, engine.store.dialect, {
      actor,
      action: 'export.download',
      targetType: 'request',
      targetId: String(row.id),
      details: { subject: row.subject_id },
    }),
  );
  return {
    requestId: Number(row.id),
    subjectId: row.subject_id,
    path: row.file_path,
    size: Number(row.file_size ?? 0),
    sha256: row.file_sha256 ?? '',
    fileName: `export-${row.subject_id.replace(/[^A-Za-z0-9_.-]/g, '_')}-${Number(row.id)}.zip`,
  };
}

/**
 * The scheduled clean-up: deletes every package past its expiry and marks its request `expired`. Returns how many.
 */
export async function expireExportPackages(engine: Engine, now: string = isoNow()): Promise<number> {
  const rows = await engine.db
    .selectFrom('requests')
    .select(['id', 'file_path'])
    .where('kind', '=', 'export')
    .where('status', '=', 'succeeded')
    .where('expires_at', '<=', now)
    .execute();
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => Number(r.id));
  await engine.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('requests')
      .set({ status: 'expired', file_path: null, download_token: null })
      .where('id', 'in', ids)
      .where('status', '=', 'succeeded')
      .execute();
    await recordAuditEach(
      trx,
      engine.store.dialect,
      ids,
      (id) => ({ actor: 'system', action: 'export.expire', targetType: 'request', targetId: String(id) }),
      (all) => ({
        actor: 'system',
        action: 'export.expire',
        targetType: 'requests',
        targetId: 'bulk',
        details: { count: all.length, requests: all },
      }),
    );
  });
  for (const row of rows) if (row.file_path) await rm(row.file_path, { force: true });
  return ids.length;
}
