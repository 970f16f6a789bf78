import { LetheError } from '../../../errors/index.js';
import { type SubjectRef, type SubjectStatus, subjectStatuses } from '../../../items/index.js';
import { columnOf, type SqlConnection, type SqlValue } from '../connection/index.js';
import type { Dataset } from '../dataset/index.js';

const pageSize = 1000;

/**
 * Reads the host application's users from the dataset's `subjects` table, page by page (keyset on the id), as
 * subjects. A status outside `map` (or, without a map, anything but active/suspended/deleted) reads as active.
 */
export async function* readSubjects(dataset: Dataset, connection: SqlConnection): AsyncIterable<SubjectRef> {
  const s = dataset.subjects;
  const schema = await connection.introspect();
  const table = schema.tables.get(s.table);
  const named = [s.id, s.username, s.email, s.kind, s.status?.column, ...(s.fullName ?? [])].filter(
    (c): c is string => c !== undefined,
  );
  const missing = !table ? [s.table] : named.filter((c) => !columnOf(table, c));
  if (!table || missing.length > 0) {
    throw new LetheError(
      'LETHE_E_DATASET_SCHEMA',
      `${dataset.file}: subjects: unknown table or column ${missing.join(', ')}.`,
      { file: dataset.file },
    );
  }
  const q = connection.dialect.quote;
  const cols = [...new Set(named)].map((c) => `${q(c)} AS ${q(`c_${c}`)}`).join(', ');
  const text = (row: Record<string, unknown>, c: string | undefined) =>
    c === undefined || row[`c_${c}`] === null || row[`c_${c}`] === undefined ? '' : String(row[`c_${c}`]);
  let after: SqlValue | undefined;
  for (;;) {
    const where = after === undefined ? '' : ` WHERE ${q(s.id)} > ?`;
    const rows = await connection.query(
      `SELECT ${cols} FROM ${q(s.table)}${where} ORDER BY ${q(s.id)} LIMIT ${pageSize}`,
      after === undefined ? [] : [after],
    );
    for (const row of rows) {
      const raw = text(row, s.status?.column);
      const mapped = s.status?.map ? s.status.map[raw] : (raw as SubjectStatus);
      const status: SubjectStatus = mapped && subjectStatuses.includes(mapped) ? mapped : 'active';
      yield {
        id: text(row, s.id),
        username: text(row, s.username),
        email: text(row, s.email),
        fullName: (s.fullName ?? [])
          .map((c) => text(row, c))
          .filter((v) => v !== '')
          .join(' '),
        kind: s.kind ? text(row, s.kind) : 'user',
        status,
      };
    }
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]?.[`c_${s.id}`] as SqlValue;
  }
}
