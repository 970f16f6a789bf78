import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { ItemKey, ItemRunResult } from '../../items/index.js';
import { isoNow } from '../../store/index.js';
import type { Engine } from '../engine.js';
import { writeExportPackage } from '../exports/index.js';
import type { RequestRow, RequestStep } from '../requests/index.js';
import { getAnonymousUser, readSettings } from '../settings/index.js';
import { findSubject, toSubjectRef } from '../subjects/index.js';
import { exportTypeItems, readExportType } from '../types/index.js';
import { type Finished, finishRequests } from './finish-requests.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { WorkerContext } from './worker-events.js';
import { writeItemResults } from './write-results.js';

const dayMs = 24 * 60 * 60 * 1000;

class Stop extends Error {
  constructor(
    readonly reason: 'cancelled' | 'lost',
    message: string,
  ) {
    super(message);
  }
}

/** The package's file name: the same for every attempt of a request, so that a new attempt resumes the last one. */
export function packageFileName(requestId: number): string {
  return `export-request-${requestId}`;
}

/**
 * Runs one export request: writes its package with writeExportPackage into the files folder (a new attempt reuses
 * the items an interrupted one finished), writing each item's result row as soon as the item finishes. A cancel is
 * seen after each item: the package is abandoned and the remaining items are cancelled. On success the request
 * records the package's path, size, sha256, expiry (now + exportRetentionDays) and an unguessable download token.
 * A request with a failed item ends `failed` and its package is removed.
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
    let type: Awaited<ReturnType<typeof readExportType>>;
    try {
      type = await readExportType(engine.db, engine.items, Number(row.export_type_id));
    } catch {
      return finishRequests(engine, ctx.workerId, [
        { row, status: 'failed', error: `Export type ${String(row.export_type_id)} no longer exists.` },
      ]);
    }
    const keys = exportTypeItems(engine, type);
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
        exportType: { idnumber: type.idnumber, name: type.name, includeFiles: type.includeFiles },
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
