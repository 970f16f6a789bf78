import { LetheError } from '../../errors/index.js';
import type { Db } from '../engine.js';
import type { TypeKind } from './type-ref.js';

const tables = { export: 'export_types', purge: 'purge_types' } as const;

export function duplicateIdnumber(kind: TypeKind, idnumber: string): LetheError {
  return new LetheError(
    'LETHE_E_TYPE_DUPLICATE',
    `Another ${kind} type already has the idnumber "${idnumber}".`,
    {
      kind,
      idnumber,
    },
  );
}

/** Refuses an idnumber that another type of the same kind already has. */
export async function assertIdnumberFree(db: Db, kind: TypeKind, idnumber: string, exceptId?: number) {
  let query = db.selectFrom(tables[kind]).select('id').where('idnumber', '=', idnumber);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw duplicateIdnumber(kind, idnumber);
}

/** `<idnumber>-copy`, then `-copy-2`, `-copy-3`...: the first that is free, kept within 100 characters. */
export async function copyIdnumber(db: Db, kind: TypeKind, source: string): Promise<string> {
  const taken = new Set(
    (await db.selectFrom(tables[kind]).select('idnumber').execute()).map((r) => r.idnumber),
  );
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '-copy' : `-copy-${n}`;
    const candidate = source.slice(0, 100 - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** "Copy of <name>", kept within 255 characters. */
export function copyName(name: string): string {
  return `Copy of ${name}`.slice(0, 255);
}

/** A unique-constraint violation on an idnumber, from SQLite or PostgreSQL (a concurrent insert won the race). */
export function isIdnumberViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, constraint } = error as { code?: unknown; message?: unknown; constraint?: unknown };
  if (code === '23505') return typeof constraint === 'string' && constraint.includes('idnumber');
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('.idnumber');
}

/** Runs a write; a unique violation on the idnumber becomes LETHE_E_TYPE_DUPLICATE. */
export async function guardIdnumber<T>(
  kind: TypeKind,
  idnumber: () => string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isIdnumberViolation(error)) throw duplicateIdnumber(kind, idnumber());
    throw error;
  }
}
