import type { SubjectRef } from '../../../items/index.js';
import type { ColumnInfo, SqlValue } from '../connection/index.js';

/**
 * A subject id as a value for a column of the given type, or undefined when it can't be one (the id "abc" can
 * never equal an integer column, so it matches nothing there).
 */
export function idValue(id: string, column: ColumnInfo): SqlValue | undefined {
  if (column.family === 'integer') {
    if (!/^-?\d+$/.test(id)) return undefined;
    const n = Number(id);
    return Number.isSafeInteger(n) ? n : BigInt(id);
  }
  if (column.family === 'real') {
    const n = Number(id);
    return id.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  return id;
}

/** The distinct ids of a batch as values for `column`. */
export function idValues(subjects: readonly SubjectRef[], column: ColumnInfo): SqlValue[] {
  const seen = new Set<string>();
  const out: SqlValue[] = [];
  for (const s of subjects) {
    const v = idValue(s.id, column);
    if (v === undefined) continue;
    const k = String(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

/** Subjects with an email, lower-cased, without duplicates. */
export function emailsOf(subjects: readonly SubjectRef[]): Array<{ id: string; email: string }> {
  const out: Array<{ id: string; email: string }> = [];
  const seen = new Set<string>();
  for (const s of subjects) {
    const email = s.email.trim().toLowerCase();
    if (email === '' || seen.has(`${s.id}\u0000${email}`)) continue;
    seen.add(`${s.id}\u0000${email}`);
    out.push({ id: s.id, email });
  }
  return out;
}

const regexSpecial = /[.*+?^${}()|[\]\\]/g;

/** A regular expression (for PostgreSQL, MySQL and JavaScript alike) that finds one of `emails` as a whole word. */
export function wholeWordPattern(emails: readonly string[]): string {
  const alternatives = emails.map((e) => e.replace(regexSpecial, '\\$&')).join('|');
  return `(^|[^a-z0-9._%+-])(${alternatives})($|[^a-z0-9_.-]|[.]($|[^a-z0-9_-]))`;
}

/** A LIKE pattern (escape character `!`) that finds `text` anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, '!$&')}%`;
}
