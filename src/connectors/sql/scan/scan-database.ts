import { Document, isMap, isPair, isScalar, isSeq, type YAMLMap } from 'yaml';
import { LetheError } from '../../../errors/index.js';
import type { ColumnSample } from '../check/index.js';
import { personalByName, sampleTable } from '../check/index.js';
import {
  type ColumnInfo,
  type DbSchema,
  foreignKeysTo,
  redactUrl,
  type SqlConnection,
  type TableInfo,
} from '../connection/index.js';
import { hashLength } from '../resolve/index.js';
import { guessSubjects, type SubjectsGuess } from './guess-subjects.js';

export interface ScanOptions {
  /** The database URL to write into the draft (passwords are hidden); the connection's own URL by default. */
  databaseUrl?: string;
  /** How many foreign-key hops a path may have (default 3). */
  maxHops?: number;
}

type Via = string | { path: string[] } | { text: string; match?: 'contains' };

interface ItemDraft {
  component: string;
  name: string;
  table: TableInfo;
  via: Via[];
  why: string;
  anonymise: Record<string, string | null>;
  delete: boolean;
}

function safeName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  return name === '' ? 'data' : name;
}

/** `forum_posts` -> forum / posts; `messages` -> messages / messages. */
function nameOf(table: string): { component: string; name: string } {
  const i = table.indexOf('_');
  if (i <= 0 || i === table.length - 1) return { component: safeName(table), name: safeName(table) };
  return { component: safeName(table.slice(0, i)), name: safeName(table.slice(i + 1)) };
}

/** The shortest chain of single-column foreign keys from `table` to one that points at the subjects table. */
function findPath(
  schema: DbSchema,
  table: TableInfo,
  subjects: string,
  maxHops: number,
): { hops: string[]; final: string } | undefined {
  interface Step {
    table: TableInfo;
    hops: string[];
    seen: string[];
  }
  let frontier: Step[] = [{ table, hops: [], seen: [table.name] }];
  for (let depth = 0; depth < maxHops; depth++) {
    const next: Step[] = [];
    for (const step of frontier) {
      for (const fk of step.table.foreignKeys) {
        const target = schema.tables.get(fk.refTable);
        if (!target || fk.columns.length !== 1 || step.seen.includes(target.name) || target.name === subjects)
          continue;
        const hops = [...step.hops, `${fk.columns[0]} -> ${target.name}`];
        const direct = target.foreignKeys.find((f) => f.refTable === subjects && f.columns.length === 1);
        if (direct) return { hops, final: direct.columns[0] ?? '' };
        next.push({ table: target, hops, seen: [...step.seen, target.name] });
      }
    }
    frontier = next;
  }
  return undefined;
}

function emptyValue(column: ColumnInfo): string | null {
  if (column.nullable) return null;
  return column.family === 'text' || column.family === 'other' ? 'blank' : 'keep';
}

function draftItem(
  schema: DbSchema,
  table: TableInfo,
  subjects: SubjectsGuess,
  samples: Map<string, ColumnSample>,
  maxHops: number,
): Omit<ItemDraft, 'component' | 'name'> | undefined {
  const subjectsName = subjects.table.name;
  const referenced = new Set(foreignKeysTo(schema, table.name).flatMap((fk) => fk.refColumns));
  const anonymise: Record<string, string | null> = {};
  const via: Via[] = [];
  let why: string;
  const linkColumns = new Set<string>();
  if (table.name === subjectsName) {
    via.push(subjects.id.name);
    why = `the subjects table itself (${subjects.reasons.join(', ')})`;
  } else {
    const position = (name: string | undefined) => table.columns.findIndex((c) => c.name === name);
    const direct = table.foreignKeys
      .filter((fk) => fk.refTable === subjectsName && fk.columns.length === 1)
      .sort((a, b) => position(a.columns[0]) - position(b.columns[0]));
    if (direct.length > 0) {
      // A row that several people share, or that other rows point at (so that it may not be deleted), is kept
      // and re-attributed to the anonymous user; any other row is simply deleted.
      const keep = direct.length > 1 || foreignKeysTo(schema, table.name).length > 0;
      for (const fk of direct) {
        const column = fk.columns[0] ?? '';
        via.push(column);
        linkColumns.add(column);
        if (keep && !referenced.has(column)) anonymise[column] = 'anonymous-user';
      }
      why = `${direct.map((fk) => `${table.name}.${fk.columns[0]}`).join(', ')} point${direct.length > 1 ? '' : 's'} at ${subjectsName}`;
    } else {
      const path = findPath(schema, table, subjectsName, maxHops);
      if (path) {
        via.push({ path: [...path.hops, path.final] });
        why = `a chain of foreign keys leads to ${subjectsName}`;
      } else {
        const texts = table.columns.filter((c) => (samples.get(c.name)?.withEmail ?? 0) > 0);
        if (texts.length === 0) return undefined;
        for (const c of texts) {
          const s = samples.get(c.name);
          const exact = s !== undefined && s.exactEmail * 2 >= s.sampled;
          via.push(exact ? { text: c.name } : { text: c.name, match: 'contains' });
        }
        why = `no foreign key leads to ${subjectsName}, but ${texts.map((c) => c.name).join(', ')} hold email addresses`;
      }
    }
  }
  for (const column of table.columns) {
    if (column.name in anonymise || table.primaryKey.includes(column.name) || referenced.has(column.name))
      continue;
    if (linkColumns.has(column.name)) continue;
    if (column.name === subjects.id.name && table.name === subjectsName) continue;
    const sample = samples.get(column.name);
    const personal = personalByName(column) !== undefined || (sample?.withEmail ?? 0) > 0;
    if (!personal) continue;
    const textual = column.family === 'text' || column.family === 'other';
    const isEmailColumn =
      sample !== undefined && sample.exactEmail > 0 && sample.exactEmail * 2 >= sample.sampled;
    if (textual && isEmailColumn && (column.maxLength === undefined || column.maxLength >= hashLength)) {
      anonymise[column.name] = 'hash';
    } else {
      const value = emptyValue(column);
      if (value !== 'keep') anonymise[column.name] = value;
    }
  }
  const referencedByOthers = foreignKeysTo(schema, table.name).length > 0;
  const canDelete = table.name !== subjectsName && (!referencedByOthers || Object.keys(anonymise).length > 0);
  return { table, via, why, anonymise, delete: canDelete };
}

function commentKey(map: unknown, key: string, comment: string): void {
  if (!isMap(map)) return;
  const pair = (map as YAMLMap).items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}

/**
 * Writes a first draft of a dataset file from the live schema: the subjects table it guesses, the foreign-key paths
 * to it, and personal columns guessed by name and by sampled content. It only reads (a read-only transaction).
 * A human then reviews every guess; `dataset check --coverage` says what is still missing.
 */
export async function scanDatabase(connection: SqlConnection, options: ScanOptions = {}): Promise<string> {
  const schema = await connection.introspect();
  const subjects = guessSubjects(schema);
  if (!subjects) {
    throw new LetheError(
      'LETHE_E_DATASET_SCHEMA',
      'The scan found no table that looks like the users table (one with a single-column primary key, named like users or with an email column).',
      { url: connection.url },
    );
  }
  const maxHops = options.maxHops ?? 3;
  const samples = new Map<string, Map<string, ColumnSample>>();
  await connection.transaction(
    async (tx) => {
      for (const table of schema.tables.values())
        samples.set(table.name, await sampleTable(tx, connection.dialect, table));
    },
    { readOnly: true },
  );
  const items: ItemDraft[] = [];
  const ignore: Record<string, string> = {};
  const used = new Set<string>();
  for (const table of schema.tables.values()) {
    const draft = draftItem(schema, table, subjects, samples.get(table.name) ?? new Map(), maxHops);
    if (!draft) {
      for (const column of table.columns) {
        if (personalByName(column)) {
          ignore[`${table.name}.${column.name}`] =
            'TODO: no link to a subject found; say why this is not personal data';
        }
      }
      continue;
    }
    if (table.primaryKey.length === 0) continue;
    let { component, name } =
      table.name === subjects.table.name ? { component: 'core', name: 'profile' } : nameOf(table.name);
    while (used.has(`${component}/${name}`)) name = `${name}-${used.size}`;
    used.add(`${component}/${name}`);
    items.push({ component, name, ...draft });
  }

  const components: Record<string, { items: Record<string, Record<string, unknown>> }> = {};
  for (const item of items) {
    const entry: Record<string, unknown> = {
      table: item.table.name,
      via: item.via.length === 1 ? item.via[0] : item.via,
    };
    if (Object.keys(item.anonymise).length > 0) entry['anonymise'] = { columns: item.anonymise };
    if (item.delete) entry['delete'] = true;
    components[item.component] ??= { items: {} };
    (components[item.component] as { items: Record<string, Record<string, unknown>> }).items[item.name] =
      entry;
  }
  const s = subjects;
  const givenUrl = options.databaseUrl ?? connection.url;
  const databaseUrl = redactUrl(givenUrl);
  const draft: Record<string, unknown> = {
    version: 1,
    database: databaseUrl,
    subjects: {
      table: s.table.name,
      id: s.id.name,
      ...(s.username ? { username: s.username } : {}),
      ...(s.email ? { email: s.email } : {}),
      ...(s.fullName ? { fullName: s.fullName.length === 1 ? s.fullName[0] : s.fullName } : {}),
      ...(s.status ? { status: s.status } : {}),
      ...(s.kind ? { kind: s.kind } : {}),
    },
    components,
    ...(Object.keys(ignore).length > 0 ? { ignore } : {}),
  };
  const doc = new Document(draft);
  doc.commentBefore = [
    ` A first draft of a Lethe dataset, written by \`lethe dataset scan\` from ${connection.url}.`,
    ' Every line is a guess: review each item (its link, what to export, how to anonymise, whether to delete),',
    ' then run `lethe dataset check FILE --coverage` until it passes. See docs/dataset.md.',
  ].join('\n');
  if (databaseUrl !== givenUrl) {
    commentKey(
      doc.contents,
      'database',
      ' The password is not written here: put the URL in an environment variable and write database: "$' +
        '{VAR}" (docs/dataset.md).',
    );
  }
  commentKey(doc.contents, 'subjects', ` guessed: ${s.table.name} (${s.reasons.join(', ')})`);
  const componentsNode = doc.get('components', true);
  for (const item of items) {
    const componentNode = isMap(componentsNode) ? componentsNode.get(item.component, true) : undefined;
    const itemsNode = isMap(componentNode) ? componentNode.get('items', true) : undefined;
    commentKey(itemsNode, item.name, ` guessed: ${item.why}`);
  }
  for (const item of items) {
    const viaNode = doc.getIn(['components', item.component, 'items', item.name, 'via'], true);
    const flowPaths = (n: unknown) => {
      if (isMap(n)) {
        const path = n.get('path', true);
        if (isSeq(path)) path.flow = true;
        n.flow = true;
      }
    };
    if (isSeq(viaNode)) viaNode.items.forEach(flowPaths);
    else flowPaths(viaNode);
  }
  return doc.toString({ lineWidth: 0 });
}
