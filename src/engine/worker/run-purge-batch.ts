import type { Item, ItemRunResult, SubjectRef, SubjectStatus } from '../../items/index.js';
import { resultsPerSubject, runWithLimit, sameForAll } from '../../items/index.js';
import { idList, isoNow, type SubjectsTable } from '../../store/index.js';
import type { Engine } from '../engine.js';
import {
  catalogueOrder,
  type RequestRow,
  type RequestStep,
  requestSteps,
  stepsKey,
} from '../requests/index.js';
import { getAnonymousUser } from '../settings/index.js';
import { loadSubjectRows, rowToSubject, toSubjectRef } from '../subjects/index.js';
import { type Finish, type Finished, finishRequests } from './finish-requests.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { WorkerContext } from './worker-events.js';
import { type ItemResultRow, writeItemResults } from './write-results.js';

interface Job {
  row: RequestRow;
  id: number;
  steps: RequestStep[];
  done: Set<string>;
  stopped?: string;
  lost?: boolean;
}

async function loadDone(engine: Engine, ids: number[]): Promise<Map<number, Set<string>>> {
  const done = new Map<number, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  const rows = await engine.db
    .selectFrom('request_items')
    .select(['request_id', 'item_key'])
    .where('request_id', 'in', idList(engine.store.dialect, ids))
    .execute();
  for (const row of rows) done.get(Number(row.request_id))?.add(row.item_key);
  return done;
}

/**
 * Marks requests cancelled by a user, or whose subject changed status (or vanished), as stopped. One query, which
 * returns only the requests that have to stop (and refreshes those subjects).
 */
async function checkStops(engine: Engine, jobs: Job[], subjects: Map<string, SubjectsTable>): Promise<void> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const rows = await engine.db
    .selectFrom('requests as r')
    .leftJoin('subjects as s', 's.id', 'r.subject_id')
    .select(['r.id', 'r.status', 'r.error', 'r.subject_status', 's.id as sid', 's.status as sstatus'])
    .where('r.id', 'in', idList(engine.store.dialect, [...byId.keys()]))
    .where((eb) =>
      eb.or([
        eb('r.status', '=', 'cancelled'),
        eb('s.id', 'is', null),
        eb('s.status', '<>', eb.ref('r.subject_status')),
        eb('s.status_changed_at', '>', eb.ref('r.created_at')),
      ]),
    )
    .execute();
  for (const row of rows) {
    const job = byId.get(Number(row.id));
    if (!job) continue;
    if (row.status === 'cancelled') job.stopped = row.error ?? 'Cancelled.';
    else if (row.sid === null) job.stopped = `Subject '${job.row.subject_id}' no longer exists.`;
    else {
      job.stopped = `The subject's status changed from ${row.subject_status} to ${String(row.sstatus)} while the purge ran: the remaining items were cancelled.`;
      subjects.delete(job.row.subject_id);
    }
  }
}

interface Group {
  mode: 'delete' | 'anonymise';
  dryRun: boolean;
  jobs: Job[];
}

/** Runs one item for a group of requests, as one set-based call, and gives each request its own result. */
async function runItemForGroup(
  engine: Engine,
  item: Item,
  group: Group,
  subjects: Map<string, SubjectsTable>,
  anonymousUser: SubjectRef,
): Promise<Map<number, ItemRunResult>> {
  const out = new Map<number, ItemRunResult>();
  const capability = item.modes[group.mode];
  if (!capability || !item.erase) {
    for (const job of group.jobs) {
      out.set(job.id, { status: 'skipped', count: 0, message: `The item cannot ${group.mode}.` });
    }
    return out;
  }
  const runnable: { job: Job; ref: SubjectRef }[] = [];
  for (const job of group.jobs) {
    const row = subjects.get(job.row.subject_id);
    const status = (row?.status ?? job.row.subject_status) as SubjectStatus;
    if (!row || !capability.statuses.includes(status)) {
      out.set(job.id, {
        status: 'skipped',
        count: 0,
        message: `The item cannot ${group.mode} while the subject is ${status}.`,
      });
      continue;
    }
    runnable.push({ job, ref: toSubjectRef(rowToSubject(row)) });
  }
  if (runnable.length === 0) return out;
  const refs = runnable.map((r) => r.ref);
  const timeLimitMs = engine.config.worker.itemTimeLimitMs;
  const erase = item.erase.bind(item);
  const run = await runWithLimit(
    (signal, deadline) =>
      erase({
        subjects: refs,
        mode: group.mode,
        dryRun: group.dryRun,
        anonymousUser,
        signal,
        timeLimitMs,
        deadline,
      }),
    { timeLimitMs },
  );
  const perSubject = run.ok ? resultsPerSubject(refs, run.value) : sameForAll(refs, run.result);
  for (const { job, ref } of runnable) {
    out.set(job.id, perSubject.get(ref.id) ?? { status: 'success', count: 0 });
  }
  return out;
}

/**
 * Runs claimed purge requests: one alone, or a batch of automatic purges of one type. Items run one after another,
 * in catalogue order; each runs ONCE for every request of the batch that still needs it (`erase` with many
 * subjects), and each request's result row is written as soon as the item finishes. Items a request already has a
 * result for (from an attempt whose worker died) are not run again. Before each item the requests are checked:
 * one cancelled, or whose subject's status changed, stops there and its remaining items are cancelled.
 */
export async function runPurgeBatch(
  engine: Engine,
  ctx: WorkerContext,
  rows: readonly RequestRow[],
): Promise<Finished[]> {
  const lease = new LeaseKeeper(
    engine,
    ctx.workerId,
    rows.map((r) => Number(r.id)),
  );
  try {
    const stepsCache = new Map<string, RequestStep[]>();
    const done = await loadDone(
      engine,
      rows.map((r) => Number(r.id)),
    );
    const jobs: Job[] = [];
    for (const row of rows) {
      const key = stepsKey(row);
      let steps = stepsCache.get(key);
      if (!steps) {
        steps = await requestSteps(engine, engine.db, row);
        stepsCache.set(key, steps);
      }
      jobs.push({ row, id: Number(row.id), steps, done: done.get(Number(row.id)) ?? new Set() });
    }
    const anonymousUser = toSubjectRef(await getAnonymousUser(engine, 'system'));
    const subjects = await loadSubjectRows(
      engine.db,
      engine.store.dialect,
      rows.map((r) => r.subject_id),
    );
    const allKeys = catalogueOrder(
      engine,
      [...new Set(jobs.flatMap((j) => j.steps.map((s) => s.key)))].map((key) => ({ key })),
    ).map((s) => s.key);
    for (const [index, key] of allKeys.entries()) {
      const pending = jobs.filter(
        (j) => !j.stopped && !j.lost && !j.done.has(key) && j.steps.some((s) => s.key === key),
      );
      if (pending.length === 0) continue;
      await checkStops(engine, pending, subjects);
      const live = pending.filter((j) => !j.stopped);
      if (live.length === 0) continue;
      const startedAt = isoNow();
      const t0 = performance.now();
      const results = new Map<number, ItemRunResult>();
      const modes = new Map<number, string>();
      const item = engine.items.has(key) ? engine.items.get(key) : undefined;
      const groups = new Map<string, Group>();
      for (const job of live) {
        const mode = job.steps.find((s) => s.key === key)?.mode;
        if (mode !== 'delete' && mode !== 'anonymise') {
          results.set(job.id, {
            status: 'skipped',
            count: 0,
            message: `'${String(mode)}' is not an erase mode.`,
          });
          modes.set(job.id, String(mode));
          continue;
        }
        modes.set(job.id, mode);
        if (!item) {
          results.set(job.id, { status: 'skipped', count: 0, message: 'The item is no longer registered.' });
          continue;
        }
        const dryRun = Number(job.row.dry_run) === 1;
        const groupKey = `${mode}:${dryRun}`;
        const group = groups.get(groupKey) ?? { mode, dryRun, jobs: [] };
        group.jobs.push(job);
        groups.set(groupKey, group);
      }
      if (item) {
        for (const group of groups.values()) {
          for (const [id, result] of await runItemForGroup(engine, item, group, subjects, anonymousUser)) {
            results.set(id, result);
          }
        }
      }
      const finishedAt = isoNow();
      const durationMs = Math.round(performance.now() - t0);
      const rowsToWrite: ItemResultRow[] = live.map((job) => ({
        requestId: job.id,
        key,
        mode: modes.get(job.id) ?? 'delete',
        result: results.get(job.id) ?? { status: 'skipped', count: 0 },
        startedAt,
        finishedAt,
        durationMs,
      }));
      const owned = await writeItemResults(engine, ctx.workerId, rowsToWrite);
      const counts: Record<string, number> = {};
      for (const job of live) {
        if (!owned.has(job.id)) {
          job.lost = true;
          lease.drop([job.id]);
          continue;
        }
        job.done.add(key);
        const status = results.get(job.id)?.status ?? 'skipped';
        counts[status] = (counts[status] ?? 0) + 1;
      }
      ctx.emit({
        type: 'item',
        requestIds: live.map((j) => j.id),
        itemKey: key,
        index: index + 1,
        total: allKeys.length,
        status: counts,
      });
    }
    const finishes: Finish[] = jobs
      .filter((j) => !j.lost)
      .map((j) => ({ row: j.row, steps: j.steps, ...(j.stopped ? { stopped: j.stopped } : {}) }));
    return await finishRequests(engine, ctx.workerId, finishes);
  } finally {
    lease.stop();
  }
}
