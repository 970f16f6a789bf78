import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isLetheError } from '../../errors/index.js';
import type { ItemKey, ItemRunResult } from '../../items/index.js';
import { isoNow } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { type ExportTypeRef, writeExportPackage } from '../exports/index.js';
import { parsePlan, type RequestRow, type RequestStep, selectedItemsType } from '../requests/index.js';
import { getAnonymousUser, readSettings } from '../settings/index.js';
import { findSubject, toSubjectRef } from '../subjects/index.js';
import { exportTypeItems, readExportType } from '../types/index.js';
import { type Finished, finishRequests } from './finish-requests.js';
import { LeaseKeeper } from './lease-keeper.js';
import { packageFileName } from './remove-partial-package.js';
import type { WorkerContext } from './worker-events.js';
import { writeItemResults } from './write-results.js';

export { packageFileName };

const dayMs = 24 * 60 * 60 * 1000;

class Stop extends Error {
  constructor(
    readonly reason: 'cancelled' | 'lost',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What an export request exports: its type's items, or the registered items of its plan (an export by chosen
 * items, shown as "Selected items" and including files). A message when its type no longer exists.
 */
async function exportContents(
  engine: Engine,
  row: RequestRow,
): Promise<{ type: ExportTypeRef; keys: ItemKey[] } | string> {
  const plan = parsePlan(row.plan);
  if (plan) {
    const chosen = new Set(plan.map((step) => step.key));
    return {
      type: { ...selectedItemsType, includeFiles: true },
      keys: engine.items.keys().filter((key) => chosen.has(key)),
    };
  }
  try {
    const type = await readExportType(engine.db, engine.items, Number(row.export_type_id));
    return {
      type: { idnumber: type.idnumber, name: type.name, includeFiles: type.includeFiles },
      keys: exportTypeItems(engine, type),
    };
  } catch {
    return `Export type ${String(row.export_type_id)} no longer exists.`;
  }
}

/**
 * Runs one export request: writes its package with writeExportPackage into the files folder (a new attempt reuses
 * the items an interrupted one finished), writing each item's result row as soon as the item finishes. A cancel is
 * seen after each item: the package is abandoned and the remaining items are cancelled. On success the request
 * records the package's path, size, sha256, expiry (now + exportRetentionDays) and an unguessable download token.
 * A request with a failed item ends `failed` and its package is removed. When the disk is full the request ends
 * `failed` at once with LETHE_E_DISK_FULL, and nothing of its package is left.
 */
export async function runExport(
  engine: Engine,
  ctx: WorkerContext,
  row: RequestRow,
  onReady?: (finished: Finished, row: RequestRow) => Promise<void>,
): Promise<Finished[]> {
  const id = Number(row.id);
  const lease = new LeaseKeeper(engine, ctx.workerId, [id]);
  try {
    const subject = await findSubject(engine.db, row.subject_id);
    if (!subject) {
      return finishRequests(engine, ctx.workerId, [
        { row, stopped: `Subject '${row.subject_id}' no longer exists.` },
      ]);
    }
    const what = await exportContents(engine, row);
    if (typeof what === 'string') {
      return finishRequests(engine, ctx.workerId, [{ row, status: 'failed', error: what }]);
    }
    const { type, keys } = what;
    const steps: RequestStep[] = keys.map((key) => ({ key, mode: 'export' }));
    const anonymousUser = toSubjectRef(await getAnonymousUser(engine, 'system'));
    const controller = new AbortController();
    let last = performance.now();
    let lastAt = isoNow();
    const onItem = async (key: ItemKey, result: ItemRunResult) => {
      const now = performance.now();
      const finishedAt = isoNow();
      const owned = await writeItemResults(engine, ctx.workerId, [
        {
          requestId: id,
          key,
          mode: 'export',
          result,
          startedAt: lastAt,
          finishedAt,
          durationMs: Math.round(now - last),
        },
      ]);
      last = now;
      lastAt = finishedAt;
      ctx.emit({
        type: 'item',
        requestIds: [id],
        itemKey: key,
        index: keys.indexOf(key) + 1,
        total: keys.length,
        status: { [result.status]: 1 },
      });
      if (!owned.has(id)) {
        controller.abort(new Stop('lost', 'This worker no longer holds the request.'));
        return;
      }
      const current = await engine.db
        .selectFrom('requests')
        .select(['status', 'error'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (current?.status === 'cancelled') {
        controller.abort(new Stop('cancelled', current.error ?? 'Cancelled.'));
      }
    };
    let pkg: Awaited<ReturnType<typeof writeExportPackage>>;
    try {
      pkg = await writeExportPackage({
        subject: toSubjectRef(subject),
        exportType: type,
        items: keys.map((key) => engine.items.get(key)),
        ctxBase: { anonymousUser, timeLimitMs: engine.config.worker.itemTimeLimitMs },
        outDir: engine.config.filesDir,
        fileName: packageFileName(id),
        signal: controller.signal,
        onItem,
        resume: true,
      });
    } catch (error) {
      const reason = controller.signal.reason;
      if (reason instanceof Stop) {
        if (reason.reason === 'lost') return [];
        return finishRequests(engine, ctx.workerId, [{ row, steps, stopped: reason.message }]);
      }
      if (isLetheError(error) && error.code === 'LETHE_E_DISK_FULL') {
        // Another attempt now would fill the disk again: the export fails, saying why; a new one can follow.
        return finishRequests(engine, ctx.workerId, [
          { row, steps, status: 'failed', error: `${error.code}: ${error.message}` },
        ]);
      }
      throw error;
    }
    const failed = [...pkg.results.values()].some((r) => r.status === 'error' || r.status === 'timed-out');
    if (failed) {
      await rm(pkg.path, { force: true });
      return finishRequests(engine, ctx.workerId, [{ row, steps }]);
    }
    const settings = await readSettings(engine.db);
    const finished = await finishRequests(engine, ctx.workerId, [
      {
        row,
        steps,
        extra: {
          file_path: pkg.path,
          file_size: pkg.size,
          file_sha256: pkg.sha256,
          expires_at: new Date(Date.now() + settings.exportRetentionDays * dayMs).toISOString(),
          download_token: randomBytes(32).toString('hex'),
        },
      },
    ]);
    const done = finished[0];
    if (!done) {
      // Taken over by another worker meanwhile: its run writes its own package.
      return finished;
    }
    if (done.status !== 'succeeded') await rm(pkg.path, { force: true });
    else if (onReady) await onReady(done, row);
    return finished;
  } finally {
    lease.stop();
  }
}
