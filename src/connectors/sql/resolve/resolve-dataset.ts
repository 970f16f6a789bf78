import {
  type ColumnInfo,
  columnOf,
  type DbSchema,
  familiesJoin,
  foreignKeysTo,
  type TableInfo,
} from '../connection/index.js';
import type { Dataset, DatasetPath, DatasetProblem, ItemSpec, LinkSpec } from '../dataset/index.js';
import { formatPath } from '../dataset/index.js';
import type {
  ResolvedDataset,
  ResolvedHop,
  ResolvedItem,
  ResolvedLink,
  ResolvedStrategy,
} from './resolved.js';

/** The length of a `hash` value: HMAC-SHA256 as hex. */
export const hashLength = 64;

class Problems {
  readonly list: DatasetProblem[] = [];
  constructor(private readonly dataset: Dataset) {}

  add(path: DatasetPath, message: string): void {
    const line = this.dataset.lineOf(path);
    this.list.push({ path: formatPath(path), message, ...(line !== undefined ? { line } : {}) });
  }
}

function suggest(name: string, options: Iterable<string>): string {
  const lower = name.toLowerCase();
  for (const o of options) if (o.toLowerCase() === lower) return ` (did you mean "${o}"?)`;
  return '';
}

function findTable(
  schema: DbSchema,
  name: string,
  at: DatasetPath,
  problems: Problems,
): TableInfo | undefined {
  const table = schema.tables.get(name);
  if (!table) problems.add(at, `unknown table "${name}"${suggest(name, schema.tables.keys())}`);
  return table;
}

function findColumn(
  table: TableInfo,
  name: string,
  at: DatasetPath,
  problems: Problems,
): ColumnInfo | undefined {
  const column = columnOf(table, name);
  if (!column) {
    problems.add(
      at,
      `unknown column "${name}" in table "${table.name}"${suggest(
        name,
        table.columns.map((c) => c.name),
      )}`,
    );
  }
  return column;
}

function describe(table: string, column: ColumnInfo): string {
  return `${table}.${column.name} (${column.type || 'untyped'})`;
}

function resolveLink(
  schema: DbSchema,
  table: TableInfo,
  link: LinkSpec,
  subjectId: ColumnInfo | undefined,
  subjectsTable: string,
  problems: Problems,
): ResolvedLink | undefined {
  const fitsSubject = (owner: string, column: ColumnInfo, at: DatasetPath) => {
    if (subjectId && !familiesJoin(column.family, subjectId.family)) {
      problems.add(
        at,
        `${describe(owner, column)} can't hold a subject id: ${describe(subjectsTable, subjectId)} has another type`,
      );
    }
  };
  if (link.kind === 'column') {
    const column = findColumn(table, link.column, link.at, problems);
    if (!column) return undefined;
    fitsSubject(table.name, column, link.at);
    return { kind: 'column', column };
  }
  if (link.kind === 'text') {
    const column = findColumn(table, link.column, link.at, problems);
    if (!column) return undefined;
    if (column.family !== 'text' && column.family !== 'other') {
      problems.add(link.at, `a text match needs a text column, and ${describe(table.name, column)} is not`);
    }
    return { kind: 'text', column, match: link.match };
  }
  let current = table;
  const hops: ResolvedHop[] = [];
  let ok = true;
  link.hops.forEach((hop, i) => {
    if (!ok) return;
    const at = [...link.at, 'path', i];
    const from = findColumn(current, hop.column, at, problems);
    const next = findTable(schema, hop.table, at, problems);
    if (!from || !next) {
      ok = false;
      return;
    }
    const fk = current.foreignKeys.find(
      (f) => f.refTable === next.name && f.columns.length === 1 && f.columns[0] === hop.column,
    );
    let to: ColumnInfo | undefined;
    if (hop.to !== undefined) {
      to = findColumn(next, hop.to, at, problems);
      if (!to) {
        ok = false;
        return;
      }
    } else if (fk) {
      to = columnOf(next, fk.refColumns[0] ?? '');
    } else {
      problems.add(
        at,
        `the path doesn't join: no foreign key from ${current.name}.${hop.column} to "${next.name}"; write "${hop.column} -> ${next.name}.COLUMN" to join on a column`,
      );
      ok = false;
      return;
    }
    if (!to) {
      ok = false;
      return;
    }
    if (!familiesJoin(from.family, to.family)) {
      problems.add(
        at,
        `the path doesn't join: ${describe(current.name, from)} and ${describe(next.name, to)} have different types`,
      );
      ok = false;
      return;
    }
    hops.push({
      fromTable: current.name,
      column: from.name,
      table: next.name,
      to: to.name,
      unique: next.primaryKey.length === 1 && next.primaryKey[0] === to.name,
    });
    current = next;
  });
  if (!ok) return undefined;
  const finalAt = [...link.at, 'path', link.hops.length];
  const column = findColumn(current, link.column, finalAt, problems);
  if (!column) return undefined;
  fitsSubject(current.name, column, finalAt);
  return { kind: 'path', hops, column };
}

function checkStrategy(
  dataset: Dataset,
  item: ItemSpec,
  table: TableInfo,
  resolved: ResolvedStrategy,
  key: ColumnInfo[],
  schema: DbSchema,
  subjectId: ColumnInfo | undefined,
  problems: Problems,
): void {
  const { column, strategy } = resolved;
  const at = [...item.at, 'anonymise', 'columns', column.name];
  const where = describe(table.name, column);
  if (strategy.kind === 'keep') return;
  if (key.some((k) => k.name === column.name)) {
    problems.add(at, `${where} is part of the row's key and can't be anonymised (use keep)`);
    return;
  }
  const referencing = foreignKeysTo(schema, table.name).filter((fk) => fk.refColumns.includes(column.name));
  if (referencing.length > 0) {
    const fk = referencing[0];
    problems.add(
      at,
      `${where} is referenced by the foreign key ${fk?.table}.${fk?.columns.join(',')}; changing it would break those rows`,
    );
  }
  const textual = column.family === 'text' || column.family === 'other';
  switch (strategy.kind) {
    case 'null':
      if (!column.nullable) problems.add(at, `null doesn't fit ${where}: the column is NOT NULL`);
      break;
    case 'blank':
      if (!textual) problems.add(at, `blank doesn't fit ${where}: it fits text columns only`);
      break;
    case 'hash':
      if (!textual) problems.add(at, `hash doesn't fit ${where}: it fits text columns only`);
      else if (column.maxLength !== undefined && column.maxLength < hashLength) {
        problems.add(at, `hash writes ${hashLength} characters and ${where} holds ${column.maxLength}`);
      }
      if (!dataset.hashKey) problems.add(at, 'hash needs a key: set hashKey in the configuration');
      break;
    case 'anonymous-user':
      if (subjectId && !familiesJoin(column.family, subjectId.family)) {
        problems.add(at, `anonymous-user doesn't fit ${where}: it can't hold a subject id`);
      }
      break;
    case 'fixed': {
      const v = strategy.value;
      const fits =
        column.family === 'other' ||
        column.family === 'json' ||
        (column.family === 'text' && typeof v !== 'boolean') ||
        (column.family === 'integer' && (Number.isInteger(v) || typeof v === 'boolean')) ||
        (column.family === 'real' && typeof v === 'number') ||
        (column.family === 'boolean' && (typeof v === 'boolean' || v === 0 || v === 1)) ||
        ((column.family === 'datetime' || column.family === 'uuid') && typeof v === 'string');
      if (!fits) problems.add(at, `the fixed value ${JSON.stringify(v)} doesn't fit ${where}`);
      else if (typeof v === 'string' && column.maxLength !== undefined && v.length > column.maxLength) {
        problems.add(at, `the fixed value is longer than ${where} allows (${column.maxLength})`);
      }
      break;
    }
  }
}

function resolveItem(
  dataset: Dataset,
  schema: DbSchema,
  item: ItemSpec,
  subjectId: ColumnInfo | undefined,
  problems: Problems,
): ResolvedItem | undefined {
  const before = problems.list.length;
  const table = findTable(schema, item.table, [...item.at, 'table'], problems);
  if (!table) return undefined;
  let key: ColumnInfo[] = [];
  const keyNames = item.key ?? table.primaryKey;
  if (keyNames.length === 0) {
    problems.add(
      [...item.at, 'table'],
      `table "${table.name}" has no primary key: name the columns that identify a row with key`,
    );
  } else {
    key = keyNames
      .map((k) => findColumn(table, k, [...item.at, 'key'], problems))
      .filter((c): c is ColumnInfo => c !== undefined);
  }
  const links = item.links
    .map((l) => resolveLink(schema, table, l, subjectId, dataset.subjects.table, problems))
    .filter((l): l is ResolvedLink => l !== undefined);
  let files: ResolvedItem['files'];
  if (item.files) {
    const f = item.files;
    const at = (key: string) => [...item.at, 'files', key];
    const path = f.path ? findColumn(table, f.path, at('path'), problems) : undefined;
    const blob = f.blob ? findColumn(table, f.blob, at('blob'), problems) : undefined;
    if (f.name) findColumn(table, f.name, at('name'), problems);
    if (path && path.family !== 'text' && path.family !== 'other') {
      problems.add(at('path'), `a file path needs a text column, and ${describe(table.name, path)} is not`);
    }
    if (blob && blob.family !== 'blob' && blob.family !== 'other') {
      problems.add(at('blob'), `a blob file needs a binary column, and ${describe(table.name, blob)} is not`);
    }
    files = f;
  }
  let exportColumns: ColumnInfo[];
  if (item.export === 'none') exportColumns = [];
  else if (item.export === 'all') {
    exportColumns = table.columns.filter((c) => c.name !== files?.blob);
  } else {
    exportColumns = item.export
      .map((name, i) => findColumn(table, name, [...item.at, 'export', i], problems))
      .filter((c): c is ColumnInfo => c !== undefined);
  }
  const strategies: ResolvedStrategy[] = [];
  for (const s of item.strategies) {
    const column = findColumn(table, s.column, [...item.at, 'anonymise', 'columns', s.column], problems);
    if (!column) continue;
    const resolved = { column, strategy: s.strategy };
    checkStrategy(dataset, item, table, resolved, key, schema, subjectId, problems);
    strategies.push(resolved);
  }
  const where: ResolvedItem['where'] = [];
  for (const w of item.where) {
    const column = findColumn(table, w.column, [...item.at, 'where', w.column], problems);
    if (column) where.push({ column, values: w.values });
  }
  const referencedBy = foreignKeysTo(schema, table.name);
  if (item.modes.delete && referencedBy.length > 0 && !item.modes.anonymise) {
    const fk = referencedBy[0];
    problems.add(
      [...item.at, 'delete'],
      `a delete can be blocked by the foreign key ${fk?.table}.${fk?.columns.join(',')} -> ${table.name}: rows still referenced are anonymised instead, so give anonymise strategies`,
    );
  }
  if (problems.list.length > before) return undefined;
  return {
    spec: item,
    table,
    key,
    links,
    exportColumns,
    strategies,
    referencedBy,
    ...(files ? { files } : {}),
    where,
  };
}

/** Checks every name in the dataset against the live schema, and builds the items whose names all resolve. */
export function resolveDataset(dataset: Dataset, schema: DbSchema): ResolvedDataset {
  const problems = new Problems(dataset);
  const s = dataset.subjects;
  const subjectsTable = findTable(schema, s.table, ['subjects', 'table'], problems);
  let subjectId: ColumnInfo | undefined;
  if (subjectsTable) {
    subjectId = findColumn(subjectsTable, s.id, ['subjects', 'id'], problems);
    const fields: Array<[string, string | undefined]> = [
      ['username', s.username],
      ['email', s.email],
      ['kind', s.kind],
      ['status', s.status?.column],
    ];
    for (const [field, column] of fields) {
      if (column) findColumn(subjectsTable, column, ['subjects', field], problems);
    }
    for (const column of s.fullName ?? [])
      findColumn(subjectsTable, column, ['subjects', 'fullName'], problems);
  }
  const items = dataset.items
    .map((item) => resolveItem(dataset, schema, item, subjectId, problems))
    .filter((i): i is ResolvedItem => i !== undefined);
  for (const [name, reason] of dataset.ignore) {
    if (/^\s*TODO\b/i.test(reason)) {
      problems.add(
        ['ignore', name],
        'the reason is still a TODO: say why this is not personal data, or add an item',
      );
    }
    const [tableName, columnName] = name.split('.');
    const table = schema.tables.get(tableName ?? '');
    if (!table) problems.add(['ignore', name], `unknown table "${tableName}"`);
    else if (columnName && !columnOf(table, columnName)) {
      problems.add(['ignore', name], `unknown column "${columnName}" in table "${table.name}"`);
    }
  }
  return {
    dataset,
    schema,
    ...(subjectsTable ? { subjectsTable } : {}),
    ...(subjectId ? { subjectId } : {}),
    items,
    problems: problems.list,
  };
}
