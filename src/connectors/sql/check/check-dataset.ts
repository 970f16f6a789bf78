import type { SqlConnection } from '../connection/index.js';
import type { Dataset, DatasetProblem } from '../dataset/index.js';
import { type ResolvedItem, resolveDataset } from '../resolve/index.js';
import { personalByName } from './personal-columns.js';
import { sampleTable } from './sample-columns.js';

/** One column of the database, as `check --coverage` found it. */
export interface ColumnReport {
  table: string;
  column: string;
  type: string;
  /** Whether it points at the subjects table or looks like personal data. */
  personal: boolean;
  /** Why it looks personal. */
  reasons: string[];
  /** The items (`component/name`) that export, anonymise or link through it. */
  coveredBy: string[];
  /** Why the dataset says it is not personal data, if it does. */
  ignored?: string;
}

const checkOnlyHashKey = 'lethe-dataset-check-needs-no-key';

export interface CheckResult {
  ok: boolean;
  problems: DatasetProblem[];
  /** With `coverage`: every column of every table. */
  columns?: ColumnReport[];
}

export interface CheckOptions {
  /** Also fail when a personal column is not covered by any item, and list every column. */
  coverage?: boolean;
}

/** The columns of its table that an item covers: exported, anonymised, linked through, or holding files. */
function coveredColumns(item: ResolvedItem): Set<string> {
  const out = new Set<string>();
  for (const c of item.exportColumns) out.add(c.name);
  for (const s of item.strategies) out.add(s.column.name);
  for (const link of item.links) {
    if (link.kind === 'path') out.add(link.hops[0]?.column ?? '');
    else out.add(link.column.name);
  }
  for (const column of [item.files?.path, item.files?.blob, item.files?.name]) if (column) out.add(column);
  return out;
}

/**
 * Checks a dataset against the live database: unknown tables or columns, paths that don't join, strategies that
 * don't fit their column, deletes that a foreign key would block. With `coverage`, every column that points at the
 * subjects table or looks personal (by name, or by sampled content holding email addresses) must be covered by an
 * item or ignored with a reason. It only reads, inside a read-only transaction that is rolled back.
 */
export async function checkDataset(
  dataset: Dataset,
  connection: SqlConnection,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const schema = await connection.introspect();
  // A check never hashes, so it does not need the configuration's hashKey: a file can be checked on its own.
  // Running the items still requires it (createDatasetItems refuses a hash strategy without a key).
  const resolved = resolveDataset({ ...dataset, hashKey: dataset.hashKey ?? checkOnlyHashKey }, schema);
  const problems = [...resolved.problems];
  if (!options.coverage) return { ok: problems.length === 0, problems };

  const covered = new Map<string, string[]>();
  for (const item of resolved.items) {
    const key = `${item.spec.component}/${item.spec.name}`;
    for (const column of coveredColumns(item)) {
      const id = `${item.table.name}.${column}`;
      covered.set(id, [...(covered.get(id) ?? []), key]);
    }
  }
  const subjectsTable = dataset.subjects.table;
  const columns: ColumnReport[] = [];
  await connection.transaction(
    async (tx) => {
      for (const table of schema.tables.values()) {
        const samples = await sampleTable(tx, connection.dialect, table);
        for (const column of table.columns) {
          const reasons: string[] = [];
          const fk = table.foreignKeys.find(
            (f) => f.refTable === subjectsTable && f.columns.includes(column.name),
          );
          if (fk) reasons.push(`a foreign key points at ${subjectsTable}`);
          const byName = personalByName(column);
          if (byName) reasons.push(byName);
          const sample = samples.get(column.name);
          if (sample && sample.withEmail > 0) {
            reasons.push(`${sample.withEmail} of ${sample.sampled} sampled values hold an email address`);
          }
          const id = `${table.name}.${column.name}`;
          const ignored = dataset.ignore.get(id) ?? dataset.ignore.get(table.name);
          const coveredBy = covered.get(id) ?? [];
          const report: ColumnReport = {
            table: table.name,
            column: column.name,
            type: column.type,
            personal: reasons.length > 0,
            reasons,
            coveredBy,
            ...(ignored !== undefined ? { ignored } : {}),
          };
          columns.push(report);
          if (report.personal && coveredBy.length === 0 && ignored === undefined) {
            problems.push({
              path: `coverage.${id}`,
              message: `${id} (${column.type || 'untyped'}) is not covered by any item: ${reasons.join('; ')}. Export or anonymise it in an item, or add it to ignore with the reason.`,
            });
          }
        }
      }
    },
    { readOnly: true },
  );
  return { ok: problems.length === 0, problems, columns };
}
