/** A column's type, reduced to what matters for joins and anonymisation. */
export type TypeFamily =
  | 'integer'
  | 'real'
  | 'text'
  | 'uuid'
  | 'boolean'
  | 'datetime'
  | 'blob'
  | 'json'
  | 'other';

/** Maps a declared column type (any dialect) to its family. */
export function typeFamily(declared: string): TypeFamily {
  const t = declared.toLowerCase().trim();
  if (t === '') return 'other';
  if (t === 'uuid') return 'uuid';
  if (t === 'json' || t === 'jsonb') return 'json';
  if (t === 'bool' || t === 'boolean') return 'boolean';
  if (t.startsWith('tinyint(1)')) return 'boolean';
  if (/^(date|time|timestamp|datetime|year|interval)/.test(t)) return 'datetime';
  if (t.includes('int') || t === 'serial' || t === 'bigserial' || t === 'smallserial') return 'integer';
  if (/char|clob|text|string|enum|set\(|citext/.test(t)) return 'text';
  if (/blob|bytea|binary/.test(t)) return 'blob';
  if (/real|floa|doub|numeric|decimal|number/.test(t)) return 'real';
  return 'other';
}

/** Whether values of two families can be compared in a join without surprises. */
export function familiesJoin(a: TypeFamily, b: TypeFamily): boolean {
  if (a === b || a === 'other' || b === 'other') return true;
  const numeric = (f: TypeFamily) => f === 'integer' || f === 'real';
  if (numeric(a) && numeric(b)) return true;
  const textual = (f: TypeFamily) => f === 'text' || f === 'uuid';
  return textual(a) && textual(b);
}
