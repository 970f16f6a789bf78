import { LetheError } from '../../../src/errors/index.js';
import type {
  BatchResult,
  EraseCapability,
  EraseContext,
  EraseMode,
  ExportRecord,
  Item,
  ItemOutcome,
  SubjectContext,
  SubjectRef,
  SubjectStatus,
} from '../../../src/items/index.js';
import { type AnonymousHostUser, anonymousHostId, anonymousHostUser } from './anonymous-user.js';
import {
  changePerSubject,
  countPerSubject,
  type HostBatch,
  hostBatch,
  inTransaction,
  keysetRows,
  runPerChunk,
  throwIfAborted,
  toRecord,
} from './batch-sql.js';
import type { CampusDatabase } from './campus-database.js';

/** What every item shows: its key, group label, title, help and sort order. */
export type ItemLabels = Pick<Item, 'component' | 'name' | 'group' | 'title' | 'help' | 'sortOrder'>;

export const whenDeleted: readonly SubjectStatus[] = ['deleted'];
export const whenInactive: readonly SubjectStatus[] = ['suspended', 'deleted'];
/** For data an active user may ask to have cleaned up (a forum clean-up), as well as inactive ones. */
export const whenAny: readonly SubjectStatus[] = ['active', 'suspended', 'deleted'];
export const always: readonly SubjectStatus[] = ['active', 'suspended', 'deleted'];

/** What an erase works on: the batch (minus the anonymous user), and the anonymous user to re-attribute to. */
export interface EraseWork {
  subjects: readonly SubjectRef[];
  batch: HostBatch;
  /** Resolves (and if needed creates) the anonymous campus user, inside the erase's transaction. */
  anonymous(): AnonymousHostUser;
}

/**
 * The frame of every erase: it leaves out the anonymous user (skipped), runs `work` in one transaction that a
 * dry run rolls back, and returns `work`'s count per subject.
 */
export function runErase(
  campus: CampusDatabase,
  ctx: EraseContext,
  work: (w: EraseWork) => Map<string, number | ItemOutcome>,
): BatchResult {
  throwIfAborted(ctx.signal);
  const anonymousId = anonymousHostId(ctx.anonymousUser);
  const subjects = ctx.subjects.filter((s) => anonymousId === undefined || s.id !== String(anonymousId));
  const result = new Map<string, number | ItemOutcome>();
  if (subjects.length > 0) {
    const batch = hostBatch(subjects);
    let anonymous: AnonymousHostUser | undefined;
    const counts = inTransaction(campus, ctx.dryRun, () =>
      work({
        subjects,
        batch,
        anonymous: () => {
          anonymous ??= anonymousHostUser(campus, ctx.anonymousUser);
          return anonymous;
        },
      }),
    );
    for (const [id, value] of counts) result.set(id, value);
  }
  for (const subject of ctx.subjects) {
    if (!result.has(subject.id)) {
      result.set(subject.id, { status: 'skipped', count: 0, message: 'The anonymous user is never erased.' });
    }
  }
  return result;
}

/** Refuses a mode that the item does not declare (the engine checks first; this guards direct calls). */
export function assertMode(item: Pick<Item, 'component' | 'name' | 'modes'>, mode: EraseMode): void {
  if (!item.modes[mode]) {
    throw new LetheError(
      'LETHE_E_MODE_UNSUPPORTED',
      `The item "${item.component}/${item.name}" cannot erase in mode "${mode}".`,
      { item: `${item.component}/${item.name}`, mode },
    );
  }
}

function capabilities(
  modes: Partial<Record<EraseMode, readonly SubjectStatus[] | undefined>>,
): Partial<Record<EraseMode, EraseCapability>> {
  const out: Partial<Record<EraseMode, EraseCapability>> = {};
  for (const [mode, statuses] of Object.entries(modes) as Array<
    [EraseMode, readonly SubjectStatus[] | undefined]
  >) {
    if (statuses) out[mode] = { statuses };
  }
  return out;
}

/** Rows of one table that belong to the subject through one user column (`t.<owner>`). */
export interface OwnedRowsSpec extends ItemLabels {
  table: string;
  owner: string;
  /** An extra condition on `t`, such as `t.event_type = 'user'`. */
  filter?: string;
  /** The exported columns, from `t` and any `joins`. */
  select: string;
  joins?: string;
  /** Statuses under which the rows may be deleted. */
  delete?: readonly SubjectStatus[];
  /** When set, `delete` blanks the rows with this SET clause instead of removing them (so threads stay whole). */
  deleteBy?: { set: string; params(anonymous: AnonymousHostUser): unknown[] };
  /** More statements for the same erase, in its transaction (such as "last post by" on discussions). */
  alsoErase?(w: EraseWork, mode: EraseMode): void;
  /** Statuses under which the rows may be anonymised, and how: a SET clause whose parameters `params` gives. */
  anonymise?: {
    statuses: readonly SubjectStatus[];
    set: string;
    params(anonymous: AnonymousHostUser): unknown[];
  };
}

export function ownedRowsItem(campus: CampusDatabase, spec: OwnedRowsSpec): Item {
  const modes = capabilities({ delete: spec.delete, anonymise: spec.anonymise?.statuses });
  const { table, owner } = spec;
  const filter = spec.filter ? ` AND ${spec.filter}` : '';
  const countSql = (ids: string) =>
    `SELECT t.${owner} AS user_id, count(*) AS n FROM ${table} AS t WHERE t.${owner} IN (${ids})${filter} GROUP BY t.${owner}`;
  const exportSql = `SELECT t.id AS id, ${spec.select} FROM ${table} AS t ${spec.joins ?? ''}
    WHERE t.${owner} = ?${filter} AND t.id > ? ORDER BY t.id LIMIT ?`;
  const anonymise = spec.anonymise;
  return {
    component: spec.component,
    name: spec.name,
    group: spec.group,
    title: spec.title,
    help: spec.help,
    sortOrder: spec.sortOrder,
    modes,
    async count(ctx) {
      return countPerSubject(campus, ctx.subjects, countSql);
    },
    export: {
      async *records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
        const [id] = hostBatch([ctx.subject]).ids;
        if (id === undefined) return;
        for await (const row of keysetRows(campus, exportSql, [id], ctx)) yield toRecord(row);
      },
    },
    async erase(ctx) {
      assertMode({ ...spec, modes }, ctx.mode);
      return runErase(campus, ctx, (w) => {
        const deleteBy = spec.deleteBy;
        if (ctx.mode === 'delete' && !deleteBy) {
          // The DELETE counts what it removes; an UPDATE that moves the rows away from the subject cannot.
          const { counts } = changePerSubject(
            campus,
            w.subjects,
            (ids) =>
              `DELETE FROM ${table} AS t WHERE t.${owner} IN (${ids})${filter} RETURNING ${owner} AS user_id`,
          );
          spec.alsoErase?.(w, ctx.mode);
          return counts;
        }
        const counts = countPerSubject(campus, w.subjects, countSql);
        if (ctx.mode === 'delete' && deleteBy) {
          runPerChunk(
            campus,
            w.batch.ids,
            (ids) => `UPDATE ${table} AS t SET ${deleteBy.set} WHERE t.${owner} IN (${ids})${filter}`,
            deleteBy.params(w.anonymous()),
          );
        } else if (anonymise) {
          runPerChunk(
            campus,
            w.batch.ids,
            (ids) => `UPDATE ${table} AS t SET ${anonymise.set} WHERE t.${owner} IN (${ids})${filter}`,
            anonymise.params(w.anonymous()),
          );
        }
        spec.alsoErase?.(w, ctx.mode);
        return counts;
      });
    },
  };
}

/** Columns of the subject's own row in `users` (aliased `t`): one record when `present` holds. */
export interface UserFieldsSpec extends ItemLabels {
  /** When the subject has this data, as a condition on `t`. */
  present: string;
  select: string;
  delete?: { statuses: readonly SubjectStatus[]; set: string };
  anonymise?: { statuses: readonly SubjectStatus[]; set: string };
}

export function userFieldsItem(campus: CampusDatabase, spec: UserFieldsSpec): Item {
  const modes = capabilities({ delete: spec.delete?.statuses, anonymise: spec.anonymise?.statuses });
  const countSql = (ids: string) =>
    `SELECT t.id AS user_id, 1 AS n FROM users AS t WHERE t.id IN (${ids}) AND (${spec.present})`;
  const exportSql = `SELECT t.id AS id, ${spec.select} FROM users AS t
    WHERE t.id = ? AND (${spec.present}) AND t.id > ? ORDER BY t.id LIMIT ?`;
  return {
    component: spec.component,
    name: spec.name,
    group: spec.group,
    title: spec.title,
    help: spec.help,
    sortOrder: spec.sortOrder,
    modes,
    async count(ctx) {
      return countPerSubject(campus, ctx.subjects, countSql);
    },
    export: {
      async *records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
        const [id] = hostBatch([ctx.subject]).ids;
        if (id === undefined) return;
        for await (const row of keysetRows(campus, exportSql, [id], ctx)) {
          const { id: _id, ...fields } = row;
          yield toRecord(fields);
        }
      },
    },
    async erase(ctx) {
      assertMode({ ...spec, modes }, ctx.mode);
      const how = ctx.mode === 'delete' ? spec.delete : spec.anonymise;
      return runErase(campus, ctx, (w) => {
        if (!how) return countPerSubject(campus, w.subjects, countSql);
        return changePerSubject(
          campus,
          w.subjects,
          (ids) =>
            `UPDATE users AS t SET ${how.set} WHERE t.id IN (${ids}) AND (${spec.present}) RETURNING id AS user_id`,
        ).counts;
      });
    },
  };
}
