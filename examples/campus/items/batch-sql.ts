import type { ExportRecord, JsonValue, RunContext, SubjectRef } from '../../../src/items/index.js';
import type { CampusDatabase } from './campus-database.js';

/** The most ids bound in one `IN (...)` list. */
export const maxIdsPerStatement = 500;

/** Subjects resolved to campus user ids. Subjects whose id is not a campus user id are left out. */
export interface HostBatch {
  ids: number[];
  /** campus user id -> subject id */
  subjectOf: Map<number, string>;
}

export function hostBatch(subjects: readonly SubjectRef[], exclude?: number): HostBatch {
  const ids: number[] = [];
  const subjectOf = new Map<number, string>();
  for (const subject of subjects) {
    if (!/^[1-9][0-9]{0,15}$/.test(subject.id)) continue;
    const id = Number(subject.id);
    if (id === exclude || subjectOf.has(id)) continue;
    ids.push(id);
    subjectOf.set(id, subject.id);
  }
  return { ids, subjectOf };
}

export function chunks<T>(list: readonly T[], size = maxIdsPerStatement): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** `?, ?, ?` for n parameters. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Aborted.');
}

/** The parameters for one chunk: `before`, then the ids `repeat` times (for SQL that lists them more than once). */
function bind(before: readonly unknown[], chunk: readonly number[], repeat: number): unknown[] {
  const out = [...before];
  for (let i = 0; i < repeat; i++) out.push(...chunk);
  return out;
}

/**
 * Runs a grouped count for every chunk of ids. `sql` gets the `?, ?` list for the chunk and must return rows
 * `{ user_id, n }`; `before` are parameters bound ahead of the ids, which are bound `repeat` times. Every subject
 * gets a count, 0 when absent.
 */
export function countPerSubject(
  campus: CampusDatabase,
  subjects: readonly SubjectRef[],
  sql: (idList: string) => string,
  before: readonly unknown[] = [],
  repeat = 1,
): Map<string, number> {
  const out = new Map<string, number>(subjects.map((s) => [s.id, 0]));
  const batch = hostBatch(subjects);
  for (const chunk of chunks(batch.ids)) {
    const rows = campus
      .prepare(sql(placeholders(chunk.length)))
      .all(...bind(before, chunk, repeat)) as Array<{
      user_id: number;
      n: number;
    }>;
    for (const row of rows) {
      const subjectId = batch.subjectOf.get(row.user_id);
      if (subjectId !== undefined) out.set(subjectId, (out.get(subjectId) ?? 0) + row.n);
    }
  }
  return out;
}

/**
 * Runs a statement for every chunk of ids: `sql` gets the `?, ?` list; `before` are bound ahead of the ids, which
 * are bound `repeat` times. Returns the number of rows changed.
 */
export function runPerChunk(
  campus: CampusDatabase,
  ids: readonly number[],
  sql: (idList: string) => string,
  before: readonly unknown[] = [],
  repeat = 1,
): number {
  let changes = 0;
  for (const chunk of chunks(ids)) {
    changes += campus.prepare(sql(placeholders(chunk.length))).run(...bind(before, chunk, repeat)).changes;
  }
  return changes;
}

/**
 * Runs a DELETE or UPDATE for every chunk of ids and counts what it changed, per subject, from its own RETURNING
 * clause (no separate count query): `sql` gets the `?, ?` list and must return the changed rows' user columns, each
 * named in `columns`. Every returned id that is one of the batch's counts one for its subject (a row that names two
 * of them counts for both). Every subject gets a count, 0 when absent.
 */
export function changePerSubject(
  campus: CampusDatabase,
  subjects: readonly SubjectRef[],
  sql: (idList: string) => string,
  options: { before?: readonly unknown[]; repeat?: number; columns?: readonly string[] } = {},
): { counts: Map<string, number>; rows: Array<Record<string, unknown>> } {
  const columns = options.columns ?? ['user_id'];
  const counts = new Map<string, number>(subjects.map((s) => [s.id, 0]));
  const batch = hostBatch(subjects);
  const rows: Array<Record<string, unknown>> = [];
  for (const chunk of chunks(batch.ids)) {
    const changed = campus
      .prepare(sql(placeholders(chunk.length)))
      .all(...bind(options.before ?? [], chunk, options.repeat ?? 1)) as Array<Record<string, unknown>>;
    for (const row of changed) {
      rows.push(row);
      for (const column of columns) {
        const subjectId = batch.subjectOf.get(Number(row[column]));
        if (subjectId !== undefined) counts.set(subjectId, (counts.get(subjectId) ?? 0) + 1);
      }
    }
  }
  return { counts, rows };
}

let savepoints = 0;

/**
 * Runs `work` in a transaction (a savepoint when one is already open) that commits, or that rolls back when
 * `dryRun` is set, so that a dry run does everything and keeps nothing. `work` must be synchronous.
 * The outermost one is `BEGIN IMMEDIATE`: it takes the write lock first, waiting under the busy timeout, because a
 * transaction that read first and then writes fails at once with "database is locked" when another process (another
 * worker) wrote in between.
 */
export function inTransaction<T>(campus: CampusDatabase, dryRun: boolean, work: () => T): T {
  const db = campus.db;
  const outer = !db.inTransaction;
  const name = `lethe_erase_${++savepoints}`;
  const [begin, keep, undo] = outer
    ? ['BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK']
    : [`SAVEPOINT ${name}`, `RELEASE ${name}`, `ROLLBACK TO ${name}; RELEASE ${name}`];
  db.exec(begin);
  let result: T;
  try {
    result = work();
  } catch (error) {
    if (!outer || db.inTransaction) db.exec(undo);
    throw error;
  }
  db.exec(dryRun ? undo : keep);
  return result;
}

/** A row as SQLite returns it, turned into a JSON record (blobs are left out; they go as files). */
export function toRecord(row: Record<string, unknown>): ExportRecord {
  const out: ExportRecord = {};
  for (const [key, value] of Object.entries(row)) {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      out[key] = value as JsonValue;
    } else if (typeof value === 'bigint') {
      out[key] = Number(value);
    }
  }
  return out;
}

/**
 * Reads a query page by page with a keyset on `id`: the SQL must end with `AND <alias>.id > ? ORDER BY <alias>.id
 * LIMIT ?`, and select the key as `id`. Memory stays flat whatever the number of rows.
 */
export async function* keysetRows(
  campus: CampusDatabase,
  sql: string,
  params: readonly unknown[],
  ctx: RunContext,
  pageSize = 500,
): AsyncGenerator<Record<string, unknown>> {
  let after = 0;
  for (;;) {
    throwIfAborted(ctx.signal);
    const rows = campus.prepare(sql).all(...params, after, pageSize) as Array<Record<string, unknown>>;
    for (const row of rows) yield row;
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]?.['id']);
    // Let other work run between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
