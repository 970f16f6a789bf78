import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { LetheError } from '../../../errors/index.js';
import {
  type BatchContext,
  type EraseContext,
  type ExportFile,
  type ExportRecord,
  FileRemovals,
  type Item,
  type ItemOutcome,
  type SubjectContext,
  type SubjectRef,
} from '../../../items/index.js';
import type { Row, SqlConnection, SqlExecutor, SqlValue } from '../connection/index.js';
import type { ResolvedItem } from '../resolve/index.js';
import type { DatasetCountGroup } from './dataset-count-group.js';
import { jsonValue } from './export-values.js';
import { type Assignment, ItemSql } from './item-sql.js';
import { maxParams, type Statement } from './statement.js';
import { chunked, subjectLookup, tally } from './subject-lookup.js';
import { idValue, idValues } from './subject-values.js';

/** Rows fetched per export page or cursor batch. */
const pageSize = 1000;
/** How many (value, hash) pairs one UPDATE carries. */
const maxHashPairs = 2000;
/**
 * Subjects per statement for items with a text link or a hashed column. A text link joins a UNION ALL of one
 * SELECT per subject, and SQLite refuses more than 500 terms in a compound SELECT; a hashed column maps values with
 * a CASE of one WHEN per value, which costs rows x values, so smaller statements are faster in total.
 */
const smallChunk = 500;

export interface DatasetItemOptions {
  hashKey?: string;
  sortOrder: number;
  /** The count group of the dataset's items over this connection; the item joins it. */
  countGroup?: DatasetCountGroup;
}

interface CountRow extends Row {
  lethe_sid: unknown;
  lethe_n: unknown;
}

function hmac(key: string, value: unknown): string {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  return createHmac('sha256', key).update(text).digest('hex');
}

function cancelled(ctx: BatchContext): void {
  if (ctx.signal.aborted) throw new Error('Cancelled while running.');
}

/** Whether `path` stays inside `root` (a file path from the database must not escape its folder). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * How many subjects one statement covers: as many as the parameter budget allows (`perSubject` values each), so
 * that a batch usually runs as one statement per step (one count, one UPDATE or DELETE), not one per slice.
 */
function chunkSizeOf(resolved: ResolvedItem, perSubject: number): number {
  const byParams = Math.floor(maxParams / perSubject);
  const small =
    resolved.links.some((l) => l.kind === 'text') ||
    resolved.strategies.some((s) => s.strategy.kind === 'hash');
  return Math.max(1, small ? Math.min(smallChunk, byParams) : byParams);
}

/** Turns one resolved dataset item into an item the engine runs like any other. */
export function createDatasetItem(
  resolved: ResolvedItem,
  connection: SqlConnection,
  options: DatasetItemOptions,
): Item {
  const spec = resolved.spec;
  const sql = new ItemSql(resolved, connection.dialect);
  const key = `${spec.component}/${spec.name}`;
  /** The item's name in its file-removal records (see FileRemovals). */
  const owner = key.replace(/[^A-Za-z0-9_-]/g, '_');
  const linkParams = resolved.links.reduce((n, l) => n + (l.kind === 'text' ? 3 : 1), 0);
  const anonUserColumns = resolved.strategies.filter((s) => s.strategy.kind === 'anonymous-user').length;
  // Values per subject in the largest statement: a count repeats the anonymous-user ids in each link's SELECT.
  const chunkSize = chunkSizeOf(resolved, linkParams + resolved.links.length * anonUserColumns + 1);
  const selfReferenced = resolved.referencedBy.some((fk) => fk.table === resolved.table.name);
  // The column of the item's only link, when anonymising makes it the anonymous user.
  const anonymisedLink = sql.anonymisesOnlyLink() ? resolved.links[0] : undefined;
  const referencedByText = [
    ...new Set(resolved.referencedBy.map((fk) => `${fk.table}.${fk.columns.join(',')}`)),
  ].join(', ');

  /**
   * Rows per subject; with `stillPersonal`, only those that anonymising would still change, so that what `count`
   * reports drops to 0 once the data is anonymised (a users row with blanked names holds no names any more).
   */
  async function counts(
    db: SqlExecutor,
    subjects: readonly SubjectRef[],
    stillPersonal = false,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    tally(subjectLookup(subjects), await countRows(db, subjects, stillPersonal), out);
    return out;
  }

  /** The (subject, count) pairs of a batch: from one JSON row where the dialect aggregates them, else as rows. */
  async function countRows(
    db: SqlExecutor,
    subjects: readonly SubjectRef[],
    stillPersonal: boolean,
  ): Promise<Array<[unknown, unknown]>> {
    const json = sql.countPerSubjectJson(subjects, { stillPersonal });
    if (json) {
      const [row] = await db.query<{ lethe_pairs: unknown }>(json.sql, json.params);
      const text = row?.lethe_pairs;
      return typeof text === 'string' ? (JSON.parse(text) as Array<[unknown, unknown]>) : [];
    }
    const st = sql.countPerSubject(subjects, { stillPersonal });
    return (await db.query<CountRow>(st.sql, st.params)).map((r) => [r.lethe_sid, r.lethe_n]);
  }

  async function hashPairs(
    db: SqlExecutor,
    subjects: readonly SubjectRef[],
    column: string,
  ): Promise<Array<[SqlValue, SqlValue]>> {
    const hashKey = options.hashKey;
    if (!hashKey) {
      throw new LetheError(
        'LETHE_E_CONFIG_INVALID',
        `Item ${key} hashes ${column} but no hashKey is configured.`,
      );
    }
    const st = sql.distinctValues(subjects, column);
    const rows = await db.query<{ lethe_v: unknown }>(st.sql, st.params);
    return rows.map((r) => [r.lethe_v as SqlValue, hmac(hashKey, r.lethe_v)]);
  }

  async function anonymise(db: SqlExecutor, subjects: readonly SubjectRef[], anonymousUser: SubjectRef) {
    const main: Assignment[] = [];
    const hashed: Array<{
      column: ResolvedItem['strategies'][number]['column'];
      pairs: Array<[SqlValue, SqlValue]>;
    }> = [];
    for (const { column, strategy } of resolved.strategies) {
      switch (strategy.kind) {
        case 'keep':
          break;
        case 'null':
          main.push({ column, kind: 'value', value: null });
          break;
        case 'blank':
          main.push({ column, kind: 'value', value: '' });
          break;
        case 'fixed':
          main.push({ column, kind: 'value', value: strategy.value });
          break;
        case 'anonymous-user': {
          const anon = idValue(anonymousUser.id, column);
          if (anon === undefined) {
            throw new LetheError(
              'LETHE_E_CONFIG_INVALID',
              `The anonymous user's id "${anonymousUser.id}" can't be stored in ${resolved.table.name}.${column.name} (${column.type}).`,
            );
          }
          // The only link's column holds a batch id in every row the UPDATE touches: no CASE needed.
          if (anonymisedLink?.kind === 'column' && anonymisedLink.column.name === column.name) {
            main.push({ column, kind: 'value', value: anon });
          } else {
            main.push({ column, kind: 'when-in', ids: idValues(subjects, column), value: anon });
          }
          break;
        }
        case 'hash':
          hashed.push({ column, pairs: await hashPairs(db, subjects, column.name) });
          break;
      }
    }
    const pairCount = hashed.reduce((n, h) => n + h.pairs.length, 0);
    if (pairCount > maxHashPairs && subjects.length > 1) {
      // Too many values to hash in one statement: halve the batch.
      const half = Math.ceil(subjects.length / 2);
      await anonymise(db, subjects.slice(0, half), anonymousUser);
      await anonymise(db, subjects.slice(half), anonymousUser);
      return;
    }
    if (pairCount > maxHashPairs) {
      // One subject with very many distinct values: hash them in slices, each restricted to its own values.
      for (const h of hashed) {
        for (const pairs of chunked(h.pairs, maxHashPairs)) {
          const restrict = sql.columnIn(
            h.column.name,
            pairs.map((p) => p[0]),
          );
          await run(db, sql.update(subjects, [{ column: h.column, kind: 'map', pairs }], restrict));
        }
      }
    } else {
      for (const h of hashed) main.push({ column: h.column, kind: 'map', pairs: h.pairs });
    }
    if (main.length > 0) await run(db, sql.update(subjects, main));
  }

  async function run(db: SqlExecutor, st: Statement): Promise<number> {
    return db.execute(st.sql, st.params);
  }

  async function eraseChunk(
    db: SqlExecutor,
    ctx: EraseContext,
    subjects: readonly SubjectRef[],
    out: Map<string, ItemOutcome>,
    filesToRemove: string[],
  ): Promise<void> {
    // Delete removes every row of the batch, anonymised or not; anonymise has only the rows still personal to do.
    const before = await counts(db, subjects, ctx.mode === 'anonymise');
    if ([...before.values()].every((n) => n === 0)) return;
    if (ctx.mode === 'anonymise') {
      await anonymise(db, subjects, ctx.anonymousUser);
      for (const [id, n] of before) out.set(id, { status: 'success', count: n });
      return;
    }
    for (let pass = 0; pass < 10_000; pass++) {
      if (resolved.files?.path) {
        const st = sql.pathsToDelete(subjects, resolved.files.path);
        for (const row of await db.query<{ lethe_path: unknown }>(st.sql, st.params)) {
          if (typeof row.lethe_path === 'string' && row.lethe_path !== '') filesToRemove.push(row.lethe_path);
        }
      }
      const deleted = await run(db, sql.deleteUnreferenced(subjects));
      if (!selfReferenced || deleted === 0) break;
    }
    const kept = resolved.referencedBy.length > 0 ? await counts(db, subjects) : new Map<string, number>();
    const anyKept = [...kept.values()].some((n) => n > 0);
    if (anyKept && resolved.strategies.length > 0) await anonymise(db, subjects, ctx.anonymousUser);
    for (const [id, n] of before) {
      const k = kept.get(id) ?? 0;
      if (k === 0) out.set(id, { status: 'success', count: n });
      else if (resolved.strategies.length > 0) {
        out.set(id, {
          status: 'success',
          count: n,
          message: `${n - k} deleted, ${k} anonymised instead of deleted: other people's rows still refer to them (${referencedByText}).`,
        });
      } else {
        out.set(id, {
          status: 'error',
          count: n - k,
          message: `${k} rows not deleted: other rows still refer to them (${referencedByText}) and the item has no anonymise strategies.`,
        });
      }
    }
  }

  async function* records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
    if (resolved.exportColumns.length === 0) return;
    const toRecord = (row: Row): ExportRecord => {
      const record: ExportRecord = {};
      for (const c of resolved.exportColumns) record[c.name] = jsonValue(row[c.name]);
      return record;
    };
    if (connection.stream) {
      const st = sql.exportRows(ctx.subject);
      for await (const batch of connection.stream(st.sql, st.params, { batchSize: pageSize })) {
        for (const row of batch) yield toRecord(row);
        if (ctx.signal.aborted) return;
      }
      return;
    }
    let after: SqlValue[] | undefined;
    for (;;) {
      const st = sql.exportRows(ctx.subject, { limit: pageSize, ...(after ? { after } : {}) });
      const rows = await connection.query(st.sql, st.params);
      for (const row of rows) yield toRecord(row);
      const last = rows[rows.length - 1];
      if (rows.length < pageSize || !last || ctx.signal.aborted) return;
      after = resolved.key.map((_, i) => last[`lethe_k${i}`] as SqlValue);
    }
  }

  async function* files(ctx: SubjectContext): AsyncIterable<ExportFile> {
    const f = resolved.files;
    if (!f) return;
    let after: SqlValue[] | undefined;
    for (;;) {
      const st = sql.fileRows(ctx.subject, { limit: pageSize, ...(after ? { after } : {}) });
      const rows = await connection.query(st.sql, st.params);
      for (const row of rows) {
        const keyValues = resolved.key.map((_, i) => row[`lethe_k${i}`] as SqlValue);
        const stored = row['lethe_path'];
        if (typeof stored === 'string' && stored !== '') {
          const path = resolve(f.root, stored);
          if (!inside(f.root, path)) continue;
          const info = await stat(path).catch(() => undefined);
          if (!info?.isFile()) continue;
          yield {
            name: relative(f.root, path).split(sep).join('/'),
            size: info.size,
            open: () => createReadStream(path),
          };
        } else if (f.blob) {
          const label = row['lethe_name'] ? String(row['lethe_name']).replace(/[/\\]/g, '_') : 'file';
          yield {
            name: `${keyValues.map(String).join('-')}-${label}`,
            size: Number(row['lethe_size'] ?? 0),
            open: async () => {
              const b = sql.blob(keyValues);
              const found = await connection.query<{ lethe_blob: unknown }>(b.sql, b.params);
              const value = found[0]?.lethe_blob;
              const buffer =
                value instanceof Uint8Array
                  ? Buffer.from(value)
                  : Buffer.from(value === null ? '' : String(value ?? ''));
              return Readable.from([buffer]);
            },
          };
        }
      }
      const last = rows[rows.length - 1];
      if (rows.length < pageSize || !last || ctx.signal.aborted) return;
      after = resolved.key.map((_, i) => last[`lethe_k${i}`] as SqlValue);
    }
  }

  const hasModes = Object.keys(spec.modes).length > 0;
  const item: Item = {
    component: spec.component,
    name: spec.name,
    group: spec.group,
    title: spec.title,
    help: spec.help,
    sortOrder: options.sortOrder,
    modes: spec.modes,
    ...(options.countGroup ? { countGroup: options.countGroup } : {}),
    async count(ctx: BatchContext) {
      const out = new Map<string, number>();
      for (const chunk of chunked(ctx.subjects, chunkSize)) {
        cancelled(ctx);
        for (const [id, n] of await counts(connection, chunk, true)) out.set(id, n);
      }
      return out;
    },
    ...(resolved.exportColumns.length > 0 || resolved.files
      ? { export: { records, ...(resolved.files ? { files } : {}) } }
      : {}),
    ...(hasModes
      ? {
          async erase(ctx: EraseContext) {
            if (!spec.modes[ctx.mode]) {
              throw new LetheError(
                'LETHE_E_MODE_UNSUPPORTED',
                `Item ${key} can't erase in mode ${ctx.mode}.`,
                {
                  item: key,
                  mode: ctx.mode,
                },
              );
            }
            const out = new Map<string, ItemOutcome>();
            const filesToRemove: string[] = [];
            const root = resolved.files?.root;
            const pathColumn = resolved.files?.path;
            // Files on disk go once their rows are deleted for good: recorded before the commit, removed after it,
            // and, after a run killed in between, removed by the next (FileRemovals).
            const removals = !ctx.dryRun && root && pathColumn ? new FileRemovals(root, owner) : undefined;
            try {
              await connection.transaction(
                async (tx) => {
                  // After a deadlock the whole transaction runs again (retryOnDeadlock): start from scratch.
                  out.clear();
                  filesToRemove.length = 0;
                  for (const chunk of chunked(ctx.subjects, chunkSize)) {
                    cancelled(ctx);
                    await eraseChunk(tx, ctx, chunk, out, filesToRemove);
                  }
                  removals?.record(filesToRemove);
                },
                { rollback: ctx.dryRun },
              );
            } catch (error) {
              removals?.discard();
              throw error;
            }
            if (removals && root && pathColumn) {
              const inUse = async (stored: string) => {
                const st = sql.valueInUse(pathColumn, stored);
                return (await connection.query(st.sql, st.params)).length > 0;
              };
              const remove = async (stored: string) => {
                const path = resolve(root, stored);
                if (inside(root, path)) await unlink(path).catch(() => undefined);
              };
              await removals.complete(inUse, remove);
              await FileRemovals.settle(root, owner, inUse, remove);
            }
            return out;
          },
        }
      : {}),
  };
  // The same statement as `count` for one subject (one chunk), for the group to run with the others.
  options.countGroup?.add(item, (subject) => sql.countPerSubject([subject], { stillPersonal: true }));
  return item;
}
