import { LetheError } from '../../errors/index.js';
import type { StoreDialect, SubjectsTable } from '../../store/index.js';
import type { Db, Engine } from '../engine.js';
import { rowToSubject, type Subject } from './subject.js';

/** How many ids go into one `in (...)` list. */
export const idChunkSize = 500;

export function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** One subject, or undefined. Works on the store or inside a transaction. */
export async function findSubject(db: Db, id: string): Promise<Subject | undefined> {
  const row = await db.selectFrom('subjects').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToSubject(row) : undefined;
}

/** One subject; LETHE_E_SUBJECT_UNKNOWN if no subject has this id. */
export async function getSubject(engine: Engine, id: string): Promise<Subject> {
  const subject = await findSubject(engine.db, id);
  if (!subject) throw unknownSubjects([id]);
  return subject;
}

/**
 * The rows for these ids, keyed by id, read in chunks. With `lock` on PostgreSQL the rows are locked until the
 * transaction ends (SQLite transactions are already serialised).
 */
export async function loadSubjectRows(
  db: Db,
  dialect: StoreDialect,
  ids: readonly string[],
  lock = false,
): Promise<Map<string, SubjectsTable>> {
  const found = new Map<string, SubjectsTable>();
  for (const chunk of chunks(ids, idChunkSize)) {
    const rows = await db
      .selectFrom('subjects')
      .selectAll()
      .where('id', 'in', chunk)
      .$if(lock && dialect === 'postgres', (qb) => qb.forUpdate())
      .execute();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

export function unknownSubjects(ids: readonly string[]): LetheError {
  const shown = ids.slice(0, 20).map((id) => `'${id}'`);
  const more = ids.length > 20 ? ` and ${ids.length - 20} more` : '';
  return new LetheError(
    'LETHE_E_SUBJECT_UNKNOWN',
    ids.length === 1
      ? `No subject has the id ${shown[0]}.`
      : `No subjects have the ids ${shown.join(', ')}${more}.`,
    { ids },
  );
}

export function protectedSubject(id: string, what: string): LetheError {
  return new LetheError(
    'LETHE_E_SUBJECT_PROTECTED',
    `Subject '${id}' is the anonymous user: its ${what} cannot be changed.`,
    { id },
  );
}

/** Validates a list of subject ids: at least one, each a non-empty string; duplicates are dropped. */
export function uniqueIds(ids: unknown): string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Give at least one subject id.', { field: 'ids' });
  }
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
      throw new LetheError('LETHE_E_INVALID_INPUT', `'${String(id)}' is not a subject id.`, { field: 'ids' });
    }
  }
  return [...new Set(ids as string[])];
}
