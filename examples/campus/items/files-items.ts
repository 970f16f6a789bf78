import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type BatchResult,
  type ExportFile,
  type ExportRecord,
  FileRemovals,
  type Item,
  type SubjectContext,
  type SubjectStatus,
} from '../../../src/items/index.js';
import {
  changePerSubject,
  countPerSubject,
  hostBatch,
  keysetRows,
  runPerChunk,
  toRecord,
} from './batch-sql.js';
import type { CampusDatabase } from './campus-database.js';
import { assertMode, type ItemLabels, ownedRowsItem, runErase, whenInactive } from './item-builders.js';

interface FileRow {
  id: number;
  filepath: string;
  filename: string;
  size: number;
  storage_path: string | null;
}

/** The files of one area (`private`, `picture`): records, the files themselves, and deletion. */
function fileAreaItem(
  campus: CampusDatabase,
  labels: ItemLabels,
  area: 'private' | 'picture',
  statuses: readonly SubjectStatus[],
): Item {
  const countSql = (ids: string) =>
    `SELECT t.user_id AS user_id, count(*) AS n FROM files AS t WHERE t.user_id IN (${ids}) AND t.area = '${area}' GROUP BY t.user_id`;
  const recordSql = `SELECT t.id AS id, t.filepath AS filepath, t.filename AS filename, t.mimetype AS mimetype,
      t.size AS size, t.content_hash AS sha256, t.created_at AS created_at
    FROM files AS t WHERE t.user_id = ? AND t.area = '${area}' AND t.id > ? ORDER BY t.id LIMIT ?`;
  const fileSql = `SELECT t.id AS id, t.filepath AS filepath, t.filename AS filename, t.size AS size,
      t.storage_path AS storage_path
    FROM files AS t WHERE t.user_id = ? AND t.area = '${area}' AND t.id > ? ORDER BY t.id LIMIT ?`;

  const open = (row: FileRow): Readable => {
    if (row.storage_path) return createReadStream(join(campus.filesDir, row.storage_path));
    const content = campus.prepare('SELECT content FROM files WHERE id = ?').get(row.id) as
      | { content: Buffer | null }
      | undefined;
    return Readable.from([content?.content ?? Buffer.alloc(0)]);
  };

  /** The item's name in its file-removal records. */
  const owner = `${labels.component}_${labels.name}`;
  const item: Item = {
    ...labels,
    modes: { delete: { statuses } },
    async count(ctx) {
      return countPerSubject(campus, ctx.subjects, countSql);
    },
    export: {
      async *records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
        const [id] = hostBatch([ctx.subject]).ids;
        if (id === undefined) return;
        for await (const row of keysetRows(campus, recordSql, [id], ctx)) yield toRecord(row);
      },
      async *files(ctx: SubjectContext): AsyncIterable<ExportFile> {
        const [id] = hostBatch([ctx.subject]).ids;
        if (id === undefined) return;
        for await (const raw of keysetRows(campus, fileSql, [id], ctx)) {
          const row = raw as unknown as FileRow;
          yield {
            name: `${row.filepath.replace(/^\/+/, '')}${row.filename}`,
            size: row.size,
            open: () => open(row),
          };
        }
      },
    },
    async erase(ctx) {
      assertMode(item, ctx.mode);
      // Contents go once their rows are deleted for good: recorded before the commit, removed after it, and,
      // after a run killed in between, removed by the next (FileRemovals).
      const removals = ctx.dryRun ? undefined : new FileRemovals(campus.filesDir, owner);
      let result: BatchResult;
      try {
        result = runErase(campus, ctx, (w) => {
          if (area === 'picture') {
            runPerChunk(
              campus,
              w.batch.ids,
              (ids) => `UPDATE users SET picture = NULL WHERE id IN (${ids}) AND picture IS NOT NULL`,
            );
          }
          const { counts, rows } = changePerSubject(
            campus,
            w.subjects,
            (ids) =>
              `DELETE FROM files WHERE user_id IN (${ids}) AND area = '${area}' RETURNING user_id, storage_path`,
          );
          removals?.record(
            rows.map((r) => r['storage_path']).filter((p): p is string => typeof p === 'string'),
          );
          return counts;
        });
      } catch (error) {
        removals?.discard();
        throw error;
      }
      if (removals) {
        const inUse = (path: string) =>
          campus.prepare('SELECT 1 FROM files WHERE storage_path = ? LIMIT 1').get(path) !== undefined;
        const remove = (path: string) => rmSync(join(campus.filesDir, path), { force: true });
        await removals.complete(inUse, remove);
        await FileRemovals.settle(campus.filesDir, owner, inUse, remove);
      }
      return result;
    },
  };
  return item;
}

export function filesItems(campus: CampusDatabase): Item[] {
  return [
    fileAreaItem(
      campus,
      {
        component: 'user',
        name: 'picture',
        group: 'User',
        title: 'Profile picture',
        help: 'The picture shown on the profile, forums and messages.',
        sortOrder: 50,
      },
      'picture',
      whenInactive,
    ),
    fileAreaItem(
      campus,
      {
        component: 'files',
        name: 'private',
        group: 'User',
        title: 'Private files',
        help: "Files in the user's private files area, with their contents.",
        sortOrder: 150,
      },
      'private',
      whenInactive,
    ),
    ownedRowsItem(campus, {
      component: 'notes',
      name: 'about-user',
      group: 'User',
      title: 'Notes about the user',
      help: 'Notes that teachers and managers wrote about the user (personal, course and site notes).',
      sortOrder: 160,
      table: 'notes',
      owner: 'subject_user_id',
      joins: 'JOIN users AS a ON a.id = t.author_id LEFT JOIN courses AS c ON c.id = t.course_id',
      select:
        "trim(a.firstname || ' ' || a.lastname) AS author, c.shortname AS course, t.publish_state AS publish_state, t.content AS content, t.created_at AS created_at",
      delete: whenInactive,
    }),
  ];
}
