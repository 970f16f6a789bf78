import type { ColumnInfo, DbSchema, ForeignKey, TableInfo } from '../connection/index.js';
import type { Dataset, DatasetProblem, FilesSpec, ItemSpec, Strategy } from '../dataset/index.js';

/** One checked join of a path: `fromTable.column` = `table.to`. */
export interface ResolvedHop {
  fromTable: string;
  column: string;
  table: string;
  to: string;
  /** Whether `to` is the joined table's primary key, so that the join can't multiply rows. */
  unique: boolean;
}

/** A link whose names all exist in the database. */
export type ResolvedLink =
  | {
      kind: 'column';
      /** The column of the item's table that holds the subject id. */
      column: ColumnInfo;
    }
  | {
      kind: 'path';
      hops: ResolvedHop[];
      /** The column of the last hop's table that holds the subject id. */
      column: ColumnInfo;
    }
  | { kind: 'text'; column: ColumnInfo; match: 'equals' | 'contains' };

export interface ResolvedStrategy {
  column: ColumnInfo;
  strategy: Strategy;
}

/** An item checked against the live schema: only these names ever reach SQL, always quoted. */
export interface ResolvedItem {
  spec: ItemSpec;
  table: TableInfo;
  /** The columns that identify a row. */
  key: ColumnInfo[];
  links: ResolvedLink[];
  /** The columns exported as records (the blob of blob files is left out). */
  exportColumns: ColumnInfo[];
  strategies: ResolvedStrategy[];
  /** Foreign keys, in any table, that point at this item's table: rows they reference are not deleted. */
  referencedBy: ForeignKey[];
  files?: FilesSpec;
  /** Only rows whose column holds one of the values. */
  where: Array<{ column: ColumnInfo; values: Array<string | number | boolean> }>;
}

export interface ResolvedDataset {
  dataset: Dataset;
  schema: DbSchema;
  subjectsTable?: TableInfo;
  subjectId?: ColumnInfo;
  /** Items whose names all resolved. */
  items: ResolvedItem[];
  problems: DatasetProblem[];
}
